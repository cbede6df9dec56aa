"""Reading user text files as UTF-8, with errors that name the file and the line.

Every reader in `kerastl.data` opens its input through this module, so a missing file, a
folder given instead of a file, a UTF-8 byte-order mark and bytes that are not UTF-8 are
handled (and reported) the same way everywhere.
"""

import bz2
import gzip
import os
from typing import Iterator, Tuple

from kerastl.errors import DataError, Location
from kerastl.file_kinds import irregular_kind

UTF8_BOM = b"\xef\xbb\xbf"

#: The largest data file kerastl reads (4 GiB): past it, reading stops with a `DataError`.
MAX_FILE_BYTES = 4 * 1024 ** 3

#: The longest line kerastl reads (16 MiB): a longer one (a file of one huge line, `/dev/zero` on
#: standard input) is a `DataError` before it is held in memory whole.
MAX_LINE_BYTES = 16 * 1024 ** 2

#: How much of a file is looked at to tell whether its lines end in a lone CR (old Mac files).
LINE_END_SAMPLE_BYTES = 1 << 16

#: Compressed files `read_text_lines` opens transparently, by their last extension.
DECOMPRESSORS = {".gz": gzip.open, ".bz2": bz2.open}

NOT_UTF8_FIX = (
    "save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 IN > OUT` "
    "(replace latin1 with the file's real encoding)"
)


def check_is_file(path) -> str:
    """Make sure `path` names an existing regular file.

    Args:
        path: a path (str or os.PathLike) given by the user.

    Returns:
        The path as a `str`.

    Raises:
        DataError: the path does not exist, is a folder, is not a regular file (a pipe, a
            socket or a device, which could block or never end), or is larger than
            `MAX_FILE_BYTES`.

    Example:

    >>> check_is_file("train.tsv")  # doctest: +SKIP
    'train.tsv'
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise DataError(
            "is a folder, but a file was expected",
            where=Location(path),
            fix="give the path of a data file inside the folder",
        )
    try:
        mode_and_size = os.stat(path)
    except FileNotFoundError:
        raise DataError(
            "file not found",
            where=Location(path),
            fix="check the path and the current working directory",
        ) from None
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror or error}", where=Location(path),
                        fix="check that the file exists and is readable") from None
    kind = irregular_kind(mode_and_size.st_mode)
    if kind:
        raise DataError(f"is {kind}, not a regular file", where=Location(path),
                        fix="save the data to a regular file first and give its path")
    _check_size(mode_and_size.st_size, path)
    return path


def _check_size(size, path):
    if size > MAX_FILE_BYTES:
        raise DataError(
            f"the file is larger than the {MAX_FILE_BYTES:,} bytes kerastl reads",
            where=Location(os.fspath(path)),
            fix="split it into smaller files, or give a sample of it",
        )


def decode_utf8(data: bytes, path, line_offset: int = 0) -> str:
    """Decode `data` as UTF-8, dropping a leading byte-order mark.

    Args:
        data: the raw bytes.
        path: the file (or archive member) the bytes came from, used in the error.
        line_offset: number of lines before `data` in the file (0 for a whole file), so that
            the error names the right line when `data` is one line of a larger file.

    Returns:
        The decoded text.

    Raises:
        DataError: the bytes are not valid UTF-8; names the line and the byte in it.

    Example:

    >>> decode_utf8(b"\\xef\\xbb\\xbfcaf\\xc3\\xa9", "a.txt")
    'café'
    """
    if data.startswith(UTF8_BOM) and line_offset == 0:
        data = data[len(UTF8_BOM):]
    if b"\x00" in data:  # valid UTF-8, but no text file holds NUL: a binary or UTF-16 file
        position = data.index(b"\x00")
        column = position - (data.rfind(b"\n", 0, position) + 1) + 1
        raise DataError(
            f"a NUL byte at column {column}: this is a binary file (or UTF-16 text), not UTF-8 text",
            where=Location(os.fspath(path), line_offset + data.count(b"\n", 0, position) + 1),
            fix=f"give the data file itself, as UTF-8 text; {NOT_UTF8_FIX}",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = line_offset + data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DataError(
            f"byte {data[error.start]:#04x} at column {column} is not valid UTF-8",
            where=Location(os.fspath(path), line),
            fix=NOT_UTF8_FIX,
        ) from None


def read_text_lines(path, keep_line_ends: bool = False) -> Iterator[Tuple[int, str]]:
    """Yield the lines of a UTF-8 text file with their 1-based line numbers.

    Lines are split on "\\n" only (a "\\r" before it is dropped too unless `keep_line_ends`),
    so characters such as U+2028 inside a sentence never split it; a file whose lines all end
    in a lone "\\r" (old Mac line ends: it has no "\\n" at all) is split on "\\r". A UTF-8
    byte-order mark at the start of the file is removed. The file is read lazily, line by line.

    Args:
        path: the file to read.
        keep_line_ends: keep the line ending (needed by the `csv` module to read quoted
            fields that span lines).

    Returns:
        An iterator of `(line_number, line)` pairs.

    Raises:
        DataError: the file is missing, is a folder, or a line is not valid UTF-8.

    Example:

    >>> for number, line in read_text_lines("train.tsv"):  # doctest: +SKIP
    ...     print(number, line)
    """
    path = check_is_file(path)
    try:
        with open_data_file(path) as file:
            yield from decode_lines(_raw_lines(file), path, keep_line_ends)
    except (OSError, EOFError) as error:
        compressed = compressed_extension(path)
        if compressed and not getattr(error, "strerror", None):
            raise DataError(f"cannot decompress the {compressed} file: {error}", where=Location(path),
                            fix=f"check that the file is a complete {compressed} archive "
                                f"(e.g. `{'gzip' if compressed == '.gz' else 'bzip2'} -t FILE`)") from None
        raise DataError(
            f"cannot read the file: {error.strerror or error}",
            where=Location(path),
            fix="check that the file exists and is readable",
        ) from None


def decode_lines(raw_lines, path, keep_line_ends=False):
    """Yield `(line_number, line)` for byte lines, each at most `MAX_LINE_BYTES` and decoded as UTF-8
    (a byte-order mark before the first line is dropped); `path` names their source in errors.

    Raises:
        DataError: a line is longer than `MAX_LINE_BYTES` or not UTF-8, or all together are more
            than `MAX_FILE_BYTES`.
    """
    read = 0
    for number, raw in enumerate(raw_lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise DataError(f"the line is longer than the {MAX_LINE_BYTES:,} bytes kerastl reads in one line",
                            where=Location(os.fspath(path), number),
                            fix="split the text into lines (one example per line), or shorten it")
        read += len(raw)
        _check_size(read, path)  # a file may grow while it is read; a stream may never end
        if number == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM):]
        line = decode_utf8(raw, path, line_offset=number - 1)
        if not keep_line_ends:
            line = line.rstrip("\r\n")
        elif line.endswith("\r") and not line.endswith("\r\n"):
            line = line[:-1] + "\n"
        yield number, line


def stream_lines(stream, name="<standard input>"):
    """Yield `(line_number, line)` of a binary stream as its lines arrive, checked as `decode_lines` does.

    Example:

    >>> import io
    >>> list(stream_lines(io.BytesIO(b"a good film\\nbad\\n")))
    [(1, 'a good film'), (2, 'bad')]
    """
    return decode_lines(iter(lambda: stream.readline(MAX_LINE_BYTES + 1), b""), name)


def compressed_extension(path):
    """Return ".gz" or ".bz2" when `path` names a file `read_text_lines` decompresses, else None."""
    extension = os.path.splitext(os.fspath(path))[1].lower()
    return extension if extension in DECOMPRESSORS else None


def data_extension(path):
    """The extension that tells a data file's format, past a compression one: `train.tsv.gz` -> ".tsv"."""
    path = os.fspath(path)
    if compressed_extension(path):
        path = os.path.splitext(path)[0]
    return os.path.splitext(path)[1].lower()


def open_data_file(path):
    """Open `path` for reading bytes, decompressing `.gz` and `.bz2` files on the fly."""
    return DECOMPRESSORS.get(compressed_extension(path), open)(path, "rb")


def _raw_lines(file):
    """The byte lines of `file`: split on LF, or on CR alone when the file has no LF at all. A line
    longer than `MAX_LINE_BYTES` is cut one byte past it (so `decode_lines` refuses it) and ends the file."""
    sample = file.read(LINE_END_SAMPLE_BYTES)
    file.seek(0)
    if b"\r" not in sample or b"\n" in sample:
        yield from iter(lambda: file.readline(MAX_LINE_BYTES + 1), b"")
        return
    rest = b""
    while True:
        chunk = file.read(LINE_END_SAMPLE_BYTES)
        if not chunk:
            break
        *lines, rest = (rest + chunk).split(b"\r")
        for line in lines:
            yield line + b"\r"
        if len(rest) > MAX_LINE_BYTES:
            yield rest
            return
    if rest:
        yield rest
