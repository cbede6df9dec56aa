import pytest

from kerastl.data.pair_table_reader import read_pair_table
from kerastl.errors import DataError, Location


def test_tatoeba_layout_with_chosen_columns(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text('Go.\t가.\tCC-BY 2.0 (France) #1\n"Hi."\t안녕.\tCC-BY #2\n', encoding="utf-8")
    records = read_pair_table(path, source_column=1, target_column=0)
    assert records == [
        {"source": "가.", "target": "Go.", "where": Location(str(path), 1)},
        {"source": "안녕.", "target": '"Hi."', "where": Location(str(path), 2)},
    ]


def test_row_without_target_names_line_and_delimiter(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text("Go.\t가.\nHi. 안녕.\n", encoding="utf-8")
    with pytest.raises(DataError, match="split on tab") as caught:
        read_pair_table(path)
    assert caught.value.where == Location(str(path), 2)


def test_empty_sentence_is_an_error(tmp_path):
    path = tmp_path / "kor.txt"
    path.write_text("Go.\t\tattr\n", encoding="utf-8")
    with pytest.raises(DataError, match="target cell"):
        read_pair_table(path)
