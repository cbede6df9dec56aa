import numpy as np
import pytest

from oracles import merge_windows, window_spans


@pytest.mark.parametrize("length", [0, 1, 7, 8, 9, 50, 1000])
def test_windows_cover_every_position_and_respect_the_size(length):
    spans = window_spans(length, size=8, stride=5)
    covered = set()
    for start, end in spans:
        assert 0 <= start <= end <= length and end - start <= 8
        covered.update(range(start, end))
    assert covered == set(range(length))
    assert spans[-1][1] == length


def test_merge_takes_each_position_from_its_most_central_window():
    spans = window_spans(12, size=6, stride=3)
    outputs = [np.full((end - start, 2), float(i)) for i, (start, end) in enumerate(spans)]
    merged = merge_windows(outputs, spans, 12)
    assert merged.shape == (12, 2)
    # spans (0,6) (3,9) (6,12); margins to the nearest edge decide, ties go to the earlier window
    assert merged[:, 0].tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]


def test_merge_of_one_window_is_the_window():
    out = np.arange(5.0)
    assert merge_windows([out], [(0, 5)], 5).tolist() == out.tolist()


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="stride"):
        window_spans(10, size=4, stride=5)


@pytest.mark.parametrize("size, stride", [(4, 3), (8, 5), (5, 5), (6, 1), (1, 1)])
def test_graph_windows_and_merging_equal_the_numpy_ones(size, stride):
    import tensorflow as tf

    from kerastl.preprocessing.sliding_windows import (
        merge_windows_in_graph, window_spans_in_graph, window_values_in_graph)

    rng = np.random.default_rng(size * 10 + stride)
    lengths = [0, 1, size, size + 1, 37, 3]
    starts, ends = window_spans_in_graph(tf.constant(lengths), size, stride)
    values = tf.ragged.constant([list(range(100 * row, 100 * row + n)) for row, n in enumerate(lengths)],
                                dtype=tf.int32, ragged_rank=1)
    windows = window_values_in_graph(values, starts, ends)
    outputs = windows.with_flat_values(rng.normal(size=(int(tf.size(windows.flat_values)), 3)).astype("float32"))
    merged = merge_windows_in_graph(outputs, starts, ends)
    window = 0
    for row, length in enumerate(lengths):
        spans = window_spans(length, size, stride)
        assert list(zip(starts[row].numpy().tolist(), ends[row].numpy().tolist())) == spans
        assert [windows[window + i].numpy().tolist() for i in range(len(spans))] == [
            list(range(100 * row + start, 100 * row + end)) for start, end in spans]
        expected = merge_windows([outputs[window + i].numpy() for i in range(len(spans))], spans, length)
        np.testing.assert_array_equal(merged[row].numpy().reshape(expected.shape), expected)
        window += len(spans)
