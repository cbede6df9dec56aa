import pytest

from kerastl.data.jsonl_reader import read_jsonl
from kerastl.errors import DataError, Location


def write(tmp_path, data):
    path = tmp_path / "train.jsonl"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_reads_records_and_skips_blank_lines(tmp_path):
    path = write(tmp_path, '\ufeff{"text": "good", "label": 1}\n\n{"text": "bad", "label": "neg", "x": 0}\n')
    assert read_jsonl(path) == [
        {"text": "good", "label": "1", "where": Location(str(path), 1)},
        {"text": "bad", "label": "neg", "where": Location(str(path), 3)},
    ]


def test_custom_fields_and_no_label(tmp_path):
    path = write(tmp_path, '{"review": "fine"}\n')
    assert read_jsonl(path, text_field="review", label_field=None) == [
        {"text": "fine", "where": Location(str(path), 1)}
    ]


def test_invalid_json_names_line(tmp_path):
    path = write(tmp_path, '{"text": "a", "label": 0}\n{"text": "b", label: 1}\n')
    with pytest.raises(DataError, match="not valid JSON") as caught:
        read_jsonl(path)
    assert caught.value.where == Location(str(path), 2)
    assert f"{path}:2" in str(caught.value)


def test_missing_field_lists_fields_and_option(tmp_path):
    path = write(tmp_path, '{"text": "a", "label": 0}\n{"text": "b", "polarity": 1}\n')
    with pytest.raises(DataError) as caught:
        read_jsonl(path)
    assert caught.value.where.line == 2
    assert "'text', 'polarity'" in str(caught.value) and "label_field" in str(caught.value)


def test_non_object_and_empty_text(tmp_path):
    with pytest.raises(DataError, match="expected a JSON object"):
        read_jsonl(write(tmp_path, '["a", 1]\n'))
    with pytest.raises(DataError, match="non-empty string"):
        read_jsonl(write(tmp_path, '{"text": " ", "label": 1}\n'))


def test_empty_file_latin1_and_directory(tmp_path):
    with pytest.raises(DataError, match="no JSON lines"):
        read_jsonl(write(tmp_path, "\n\n"))
    with pytest.raises(DataError, match="UTF-8") as caught:
        read_jsonl(write(tmp_path, b'{"text": "caf\xe9", "label": 1}\n'))
    assert caught.value.where.line == 1
    with pytest.raises(DataError, match="folder"):
        read_jsonl(tmp_path)
