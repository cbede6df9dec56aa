"""Overlapping windows over sequences longer than a model takes, and merging their outputs (TensorFlow ops)."""


def window_spans_in_graph(lengths, size, stride):
    """Cover each of a batch of lengths with windows of at most `size` positions, `stride` apart.

    The last window of a row ends at its length, so every position lies in at least one window
    and nothing is truncated; consecutive windows overlap by `size - stride` positions (a
    length of 0 gets one empty window).

    Args:
        lengths: an int tensor `(batch,)` of sequence lengths.
        size: the most positions in one window.
        stride: the step between window starts, between 1 and `size`.

    Returns:
        `(starts, ends)`: int32 `tf.RaggedTensor`s `(batch, None)`, each row's windows (`end`
        exclusive).

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.preprocessing.sliding_windows import window_spans_in_graph
    >>> starts, ends = window_spans_in_graph(tf.constant([10, 2]), size=4, stride=3)
    >>> starts.to_list(), ends.to_list()
    ([[0, 3, 6], [0]], [[4, 7, 10], [2]])
    """
    import tensorflow as tf

    if size < 1 or not 1 <= stride <= size:
        raise ValueError(f"Need size >= 1 and 1 <= stride <= size. Received: size={size}, stride={stride}")
    lengths = tf.cast(lengths, tf.int32)
    counts = tf.where(lengths <= size, 1, (lengths - size + stride - 1) // stride + 1)
    index = tf.ragged.range(counts)
    rows = index.value_rowids()
    is_last = index.flat_values == tf.gather(counts - 1, rows)
    starts = tf.where(is_last, tf.gather(tf.maximum(lengths - size, 0), rows), index.flat_values * stride)
    ends = tf.minimum(starts + size, tf.gather(lengths, rows))
    return index.with_flat_values(starts), index.with_flat_values(ends)


def window_values_in_graph(values, starts, ends):
    """Cut each row of the ragged `values` into its windows: a ragged `(windows, None, ...)`.

    Windows come row by row, in the order of `starts` and `ends` (from `window_spans_in_graph`).
    """
    import tensorflow as tf

    offsets = tf.ragged.range(ends.flat_values - starts.flat_values)
    window = offsets.value_rowids()
    first = tf.gather(values.row_starts(), starts.value_rowids()) + tf.cast(starts.flat_values, values.row_splits.dtype)
    positions = tf.gather(first, window) + tf.cast(offsets.flat_values, values.row_splits.dtype)
    return offsets.with_flat_values(tf.gather(values.flat_values, positions))


def merge_windows_in_graph(outputs, starts, ends):
    """Merge per-window outputs back into one output per position, for a batch.

    Each position takes the output of the window in which it lies farthest from an edge (so it
    had the most context on both sides); ties go to the earlier window.

    Args:
        outputs: a `tf.RaggedTensor` `(windows, None, ...)`: each window's outputs, windows row
            by row in the order of `starts` and `ends`.
        starts, ends: the windows, from `window_spans_in_graph`.

    Returns:
        A `tf.RaggedTensor` `(batch, None, ...)`: one output per position of each row.
    """
    import tensorflow as tf

    lengths = tf.maximum(tf.reduce_max(ends, axis=1), 0)  # a row's last window ends at its length
    sizes = ends.flat_values - starts.flat_values
    offsets = tf.ragged.range(sizes)
    window = tf.cast(offsets.value_rowids(), tf.int32)
    offset = offsets.flat_values
    row_starts = tf.cumsum(lengths, exclusive=True)
    positions = tf.gather(tf.gather(row_starts, starts.value_rowids()) + starts.flat_values, window) + offset
    margin = tf.minimum(offset, tf.gather(sizes, window) - 1 - offset)
    windows = tf.shape(sizes, out_type=tf.int64)[0]
    # The larger margin wins; between equal margins the earlier window does.
    key = tf.cast(margin, tf.int64) * (windows + 1) + (windows - tf.cast(window, tf.int64))
    best = tf.math.unsorted_segment_max(key, positions, tf.reduce_sum(lengths))
    chosen = tf.equal(key, tf.gather(best, positions))
    flat_outputs = outputs.flat_values
    merged = tf.scatter_nd(
        tf.boolean_mask(positions, chosen)[:, None],
        tf.boolean_mask(flat_outputs, chosen),
        tf.concat([[tf.reduce_sum(lengths)], tf.shape(flat_outputs)[1:]], axis=0),
    )
    return tf.RaggedTensor.from_row_lengths(merged, lengths)
