"""Which IOB2 tags may start a sentence and follow one another (for constrained decoding)."""

import numpy as np


def can_start(names):
    """Which IOB2 tags a sentence may start with: all but the I- tags."""
    return np.array([not name.startswith("I-") for name in names])


def allowed_transitions(names):
    """A boolean matrix `(before, to)`: whether tag `to` may follow tag `before` in IOB2.

    I-X may only follow B-X or I-X; every other tag may follow any tag.

    Example:

    >>> from kerastl.tagging.tag_transitions import allowed_transitions
    >>> allowed_transitions(["O", "B-PER", "I-PER"]).astype(int).tolist()
    [[1, 1, 0], [1, 1, 1], [1, 1, 1]]
    """
    starts = can_start(names)
    return np.array([[bool(starts[to]) or (names[before] != "O" and names[before][2:] == names[to][2:])
                      for to in range(len(names))] for before in range(len(names))])
