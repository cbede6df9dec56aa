"""`best_valid_tags`: the most probable tag sequence that is valid IOB2."""

import numpy as np


def best_valid_tags(probabilities, names):
    """Choose one IOB2 tag per word, maximizing the product of probabilities over valid sequences.

    Taking each word's most probable tag alone can give sequences such as "O I-PER" or
    "B-ORG I-LOC", which conlleval reads as extra, broken entities. This Viterbi search only
    allows I-X right after B-X or I-X, so every entity has a clean start and a single type.

    Args:
        probabilities: an array `(words, tags)` of tag probabilities.
        names: the IOB2 tag names, in column order ("O", "B-PER", "I-PER", ...).

    Returns:
        A list of tag names, one per word.

    Example:

    >>> import numpy as np
    >>> from kerastl.tagging.constrained_decoding import best_valid_tags
    >>> best_valid_tags(np.array([[0.5, 0.1, 0.4], [0.1, 0.1, 0.8]]), ["O", "B-PER", "I-PER"])
    ['B-PER', 'I-PER']
    """
    probabilities = np.asarray(probabilities, "float64")
    if len(probabilities) == 0:
        return []
    scores = np.log(np.maximum(probabilities, 1e-12))
    penalty = np.where(allowed_transitions(names), 0.0, -np.inf)  # (before, to)
    total = np.where(can_start(names), scores[0], -np.inf)
    back = np.zeros((len(scores), len(names)), int)
    for position in range(1, len(scores)):
        candidates = total[:, None] + penalty
        back[position] = candidates.argmax(axis=0)
        total = candidates.max(axis=0) + scores[position]
    path = [int(total.argmax())]
    for position in range(len(scores) - 1, 0, -1):
        path.append(int(back[position][path[-1]]))
    return [names[i] for i in reversed(path)]


def can_start(names):
    """Which IOB2 tags a sentence may start with: all but the I- tags."""
    return np.array([not name.startswith("I-") for name in names])


def allowed_transitions(names):
    """A boolean matrix `(before, to)`: whether tag `to` may follow tag `before` in IOB2.

    I-X may only follow B-X or I-X; every other tag may follow any tag.

    Example:

    >>> from kerastl.tagging.constrained_decoding import allowed_transitions
    >>> allowed_transitions(["O", "B-PER", "I-PER"]).astype(int).tolist()
    [[1, 1, 0], [1, 1, 1], [1, 1, 1]]
    """
    starts = can_start(names)
    return np.array([[bool(starts[to]) or (names[before] != "O" and names[before][2:] == names[to][2:])
                      for to in range(len(names))] for before in range(len(names))])
