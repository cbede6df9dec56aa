import numpy as np
import pytest

from kerastl.preprocessing.sliding_windows import merge_windows, window_spans


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
