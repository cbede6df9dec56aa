import pytest

from kerastl.data.text_file import check_is_file, decode_utf8, read_text_lines
from kerastl.errors import DataError, Location


def test_read_text_lines_numbers_lines_and_drops_bom_and_crlf(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufefffirst\r\nsecond\u2028still\n\nlast".encode("utf-8"))
    assert list(read_text_lines(path)) == [
        (1, "first"), (2, "second\u2028still"), (3, ""), (4, "last")
    ]


def test_read_text_lines_keeps_line_ends_on_request(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"a\r\nb\n")
    assert list(read_text_lines(path, keep_line_ends=True)) == [(1, "a\r\n"), (2, "b\n")]


def test_latin1_byte_names_file_and_line(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"ok\ncaf\xe9\n")
    with pytest.raises(DataError) as caught:
        list(read_text_lines(path))
    assert caught.value.where == Location(str(path), 2)
    assert f"{path}:2" in str(caught.value)
    assert "0xe9" in str(caught.value)
    assert "iconv -f latin1 -t utf-8" in str(caught.value)


def test_decode_utf8_counts_lines_in_a_blob():
    with pytest.raises(DataError) as caught:
        decode_utf8(b"one\ntwo\nthr\xffee", "blob.txt")
    assert caught.value.where == Location("blob.txt", 3)
    assert decode_utf8(b"\xef\xbb\xbfhi", "x") == "hi"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="file not found") as caught:
        list(read_text_lines(tmp_path / "nope.txt"))
    assert caught.value.where.path == str(tmp_path / "nope.txt")
    assert caught.value.fix
    with pytest.raises(DataError, match="is a folder"):
        check_is_file(tmp_path)
