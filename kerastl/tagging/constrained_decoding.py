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
    inside = [name.startswith("I-") for name in names]
    allowed = np.array([[not inside[to] or (names[before] != "O" and names[before][2:] == names[to][2:])
                         for to in range(len(names))] for before in range(len(names))])
    penalty = np.where(allowed, 0.0, -np.inf)  # (before, to)
    total = np.where(inside, -np.inf, scores[0])
    back = np.zeros((len(scores), len(names)), int)
    for position in range(1, len(scores)):
        candidates = total[:, None] + penalty
        back[position] = candidates.argmax(axis=0)
        total = candidates.max(axis=0) + scores[position]
    path = [int(total.argmax())]
    for position in range(len(scores) - 1, 0, -1):
        path.append(int(back[position][path[-1]]))
    return [names[i] for i in reversed(path)]
