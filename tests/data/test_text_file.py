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


# === Not a regular file, too large, CR-only line ends ===

def _in_a_thread_with_timeout(function, seconds=10):
    """Run `function` in a daemon thread; fail (instead of hanging the suite) if it blocks."""
    import threading

    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:  # the error is what the test looks at
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"blocked for more than {seconds} s"
    return outcome


def test_a_fifo_is_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "train.tsv"
    os.mkfifo(fifo)
    outcome = _in_a_thread_with_timeout(lambda: list(read_text_lines(fifo)))
    assert isinstance(outcome.get("error"), DataError)
    assert str(outcome["error"]).startswith(f"{fifo}: is a named pipe (FIFO), not a regular file. Fix: save")


def test_a_device_is_refused(tmp_path):
    outcome = _in_a_thread_with_timeout(lambda: list(read_text_lines("/dev/zero")))
    assert "/dev/zero: is a character device, not a regular file" in str(outcome.get("error"))


def test_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(DataError, match=r"s.sock: is a socket, not a regular file"):
            check_is_file(path)
    finally:
        server.close()


def test_a_file_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    import kerastl.data.text_file as text_file

    path = tmp_path / "big.txt"
    path.write_text("x" * 100 + "\n")
    monkeypatch.setattr(text_file, "MAX_FILE_BYTES", 50)
    with pytest.raises(DataError, match=r"big.txt: the file is larger than the 50 bytes kerastl reads\. Fix: split"):
        list(read_text_lines(path))


def test_a_file_that_grows_past_the_limit_while_read_stops(tmp_path, monkeypatch):
    import kerastl.data.text_file as text_file

    path = tmp_path / "growing.txt"
    path.write_text("short\n")
    monkeypatch.setattr(text_file, "MAX_FILE_BYTES", 20)
    lines = read_text_lines(path)
    assert next(lines) == (1, "short")
    with open(path, "a") as file:
        file.write("y" * 40 + "\n")
    with pytest.raises(DataError, match=r"larger than the 20 bytes"):
        list(lines)


def test_cr_only_line_ends_are_lines(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(b"\xef\xbb\xbfEU B-ORG\rrejects O\r\rPeter B-PER\r")
    assert list(read_text_lines(path)) == [(1, "EU B-ORG"), (2, "rejects O"), (3, ""), (4, "Peter B-PER")]
    assert list(read_text_lines(path, keep_line_ends=True))[0] == (1, "EU B-ORG\n")


def test_a_lone_cr_inside_a_unix_file_does_not_split_it(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\rstill one\ntwo\n")
    assert list(read_text_lines(path)) == [(1, "one\rstill one"), (2, "two")]
