import pytest

from kerastl.data.parallel_reader import read_parallel
from kerastl.errors import DataError, Location


def write_pair(tmp_path, source, target):
    source_path, target_path = tmp_path / "train.de", tmp_path / "train.en"
    for path, data in ((source_path, source), (target_path, target)):
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return source_path, target_path


def test_aligned_lines_with_bom_and_trailing_blank_line(tmp_path):
    source, target = write_pair(tmp_path, "\ufeffZwei Männer.\n\nEin Hund.\n\n", "Two men.\n\nA dog.\n")
    assert read_parallel(source, target) == [
        {"source": "Zwei Männer.", "target": "Two men.", "where": Location(str(source), 1)},
        {"source": "Ein Hund.", "target": "A dog.", "where": Location(str(source), 3)},
    ]


def test_different_line_counts_name_both_files_and_first_extra_line(tmp_path):
    source, target = write_pair(tmp_path, "a\nb\nc\n", "A\nB\n")
    with pytest.raises(DataError) as caught:
        read_parallel(source, target)
    message = str(caught.value)
    assert str(source) in message and str(target) in message
    assert "line 3 of" in message
    assert caught.value.where == Location(str(source), 3)


def test_blank_on_one_side_names_both_files_and_line(tmp_path):
    source, target = write_pair(tmp_path, "a\nb\nc\n", "A\n \nC\n")
    with pytest.raises(DataError) as caught:
        read_parallel(source, target)
    assert caught.value.where == Location(str(target), 2)
    assert str(source) in str(caught.value) and "line 2" in str(caught.value)


def test_missing_directory_latin1_empty(tmp_path):
    source, target = write_pair(tmp_path, "a\n", "A\n")
    with pytest.raises(DataError, match="not found"):
        read_parallel(source, tmp_path / "missing.en")
    with pytest.raises(DataError, match="folder"):
        read_parallel(tmp_path, target)
    source, target = write_pair(tmp_path, b"a\n\xe4\n", "A\nB\n")
    with pytest.raises(DataError, match="iconv") as caught:
        read_parallel(source, target)
    assert caught.value.where == Location(str(source), 2)
    source, target = write_pair(tmp_path, "", "\n")
    with pytest.raises(DataError, match="no sentences"):
        read_parallel(source, target)
