import pytest

from kerastl.data.char_tag_reader import read_char_per_line
from kerastl.errors import DataError, Location

KLUE = (
    "## 토큰, 레이블 구분자 : \\t\n"
    "## 컬럼명 : CHAR\tNE_TAG\n"
    "## klue-ner-v1_train_00000_wikitree\t<강릉:LC> 방향\n"
    "강\tB-LC\n"
    "릉\tI-LC\n"
    " \tO\n"
    "방\tO\n"
    "향\tO\n"
    "\n"
    "## klue-ner-v1_train_00001_nsmc\t<5개:QT> 별\n"
    "5\tB-QT\n"
    "\tO\n"
    "별\tO\n"
)


def write(tmp_path, text):
    path = tmp_path / "klue-ner.tsv"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_klue_layout_with_comments_and_space_characters(tmp_path):
    path = write(tmp_path, KLUE)
    assert read_char_per_line(path) == [
        {"words": ["강", "릉", " ", "방", "향"], "tags": ["B-LC", "I-LC", "O", "O", "O"],
         "text": "강릉 방향", "where": Location(str(path), 4)},
        {"words": ["5", " ", "별"], "tags": ["B-QT", "O", "O"],
         "text": "5 별", "where": Location(str(path), 11)},
    ]


def test_line_without_tab_names_line(tmp_path):
    path = write(tmp_path, "강\tB-LC\n릉 I-LC\n")
    with pytest.raises(DataError, match="char<TAB>tag") as caught:
        read_char_per_line(path)
    assert caught.value.where == Location(str(path), 2)


def test_missing_tag(tmp_path):
    with pytest.raises(DataError) as caught:
        read_char_per_line(write(tmp_path, "강\t\n"))
    assert caught.value.where.line == 1


def test_comments_only_and_non_utf8(tmp_path):
    with pytest.raises(DataError, match="no sentences"):
        read_char_per_line(write(tmp_path, "## header\n\n"))
    with pytest.raises(DataError, match="UTF-8") as caught:
        read_char_per_line(write(tmp_path, "가\tO\n".encode("utf-8") + "나\tO\n".encode("euc-kr")))
    assert caught.value.where.line == 2
