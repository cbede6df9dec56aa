"""Plain numpy versions of kerastl's graph code, written the simple way: tests compare against them.

kerastl itself runs only the TensorFlow versions (`kerastl.preprocessing.sliding_windows`,
`kerastl.tagging.graph_decoding`); these oracles state what those must compute.
"""

import numpy as np

from kerastl.tagging.tag_transitions import allowed_transitions, can_start


def window_spans(length, size, stride):
    """Cover `length` positions with windows of at most `size` positions, `stride` apart.

    The last window ends at `length`, so every position lies in at least one window and nothing
    is truncated; consecutive windows overlap by `size - stride` positions.

    Args:
        length: the number of positions (0 gives one empty window).
        size: the most positions in one window.
        stride: the step between window starts, between 1 and `size`.

    Returns:
        A list of `(start, end)` pairs, `end` exclusive.

    Example:

    >>> from oracles import window_spans
    >>> window_spans(10, size=4, stride=3)
    [(0, 4), (3, 7), (6, 10)]
    """
    if size < 1 or not 1 <= stride <= size:
        raise ValueError(f"Need size >= 1 and 1 <= stride <= size. Received: size={size}, stride={stride}")
    if length <= size:
        return [(0, length)]
    spans = []
    start = 0
    while start + size < length:
        spans.append((start, start + size))
        start += stride
    spans.append((length - size, length))
    return spans


def merge_windows(outputs, spans, length):
    """Merge per-window outputs back into one output per position.

    Each position takes the output of the window in which it lies farthest from an edge (so it
    had the most context on both sides); ties go to the earlier window.

    Args:
        outputs: one array per window, of shape `(end - start, ...)`.
        spans: the windows' `(start, end)` pairs, as `window_spans` returns them.
        length: the number of positions.

    Returns:
        An array of shape `(length, ...)`.

    Example:

    >>> import numpy as np
    >>> from oracles import merge_windows
    >>> merge_windows([np.zeros(4), np.ones(4)], [(0, 4), (2, 6)], 6).tolist()
    [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    """
    if len(outputs) != len(spans):
        raise ValueError(f"Got {len(outputs)} window outputs for {len(spans)} windows; they must pair up.")
    first = np.asarray(outputs[0])
    merged = np.zeros((length,) + first.shape[1:], first.dtype)
    best = np.full(length, -1)
    for output, (start, end) in zip(outputs, spans):
        positions = np.arange(start, end)
        margin = np.minimum(positions - start, end - 1 - positions)
        better = margin > best[start:end]
        merged[start:end][better] = np.asarray(output)[: end - start][better]
        best[start:end] = np.maximum(best[start:end], margin)
    return merged


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
    >>> from oracles import best_valid_tags
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
