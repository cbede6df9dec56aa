"""Overlapping windows over sequences longer than a model takes, and merging their outputs."""

import numpy as np


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

    >>> from kerastl.preprocessing.sliding_windows import window_spans
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
    >>> from kerastl.preprocessing.sliding_windows import merge_windows
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
