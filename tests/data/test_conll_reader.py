import pytest

from kerastl.data.conll_reader import read_conll
from kerastl.errors import DataError, Location

CONLL = """-DOCSTART- -X- O O

EU NNP I-NP B-ORG
rejects VBZ I-VP O

-DOCSTART- -X- O O
Peter NNP I-NP B-PER
Blackburn NNP I-NP I-PER


"""


def write(tmp_path, text):
    path = tmp_path / "eng.train"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_sentences_split_on_blank_and_docstart_lines(tmp_path):
    path = write(tmp_path, CONLL)
    assert read_conll(path) == [
        {"words": ["EU", "rejects"], "tags": ["B-ORG", "O"], "where": Location(str(path), 3)},
        {"words": ["Peter", "Blackburn"], "tags": ["B-PER", "I-PER"], "where": Location(str(path), 7)},
    ]


def test_chosen_tag_column_and_words_only(tmp_path):
    path = write(tmp_path, CONLL)
    assert read_conll(path, tag_column=1)[0]["tags"] == ["NNP", "VBZ"]
    assert read_conll(path, tag_column=None)[1] == {
        "words": ["Peter", "Blackburn"], "where": Location(str(path), 7)
    }


def test_token_without_tag_names_file_and_line(tmp_path):
    path = write(tmp_path, "EU B-ORG\nrejects\n")
    with pytest.raises(DataError, match="too few columns") as caught:
        read_conll(path)
    assert caught.value.where == Location(str(path), 2)
    assert f"{path}:2" in str(caught.value)


def test_first_line_without_tag(tmp_path):
    path = write(tmp_path, "\nEU\nrejects O\n")
    with pytest.raises(DataError, match="a tag is missing") as caught:
        read_conll(path)
    assert caught.value.where.line == 2


def test_words_only_needs_the_token_column(tmp_path):
    path = write(tmp_path, "EU\nrejects\n")
    assert read_conll(path, tag_column=None)[0]["words"] == ["EU", "rejects"]
    with pytest.raises(DataError, match="no token column 2"):
        read_conll(path, token_column=2, tag_column=None)


def test_empty_latin1_missing(tmp_path):
    with pytest.raises(DataError, match="no sentences"):
        read_conll(write(tmp_path, "-DOCSTART- -X- O O\n\n"))
    with pytest.raises(DataError, match="UTF-8") as caught:
        read_conll(write(tmp_path, b"EU O\nM\xfcller B-PER\n"))
    assert caught.value.where.line == 2
    with pytest.raises(DataError, match="not found"):
        read_conll(tmp_path / "missing")


def test_cr_only_line_ends_read_as_sentences(tmp_path):
    path = tmp_path / "mac.conll"
    path.write_bytes(b"EU B-ORG\rrejects O\r\rPeter B-PER\rBlackburn I-PER\r")
    sentences = read_conll(path)
    assert [s["words"] for s in sentences] == [["EU", "rejects"], ["Peter", "Blackburn"]]
    assert [s["where"].line for s in sentences] == [1, 4]
