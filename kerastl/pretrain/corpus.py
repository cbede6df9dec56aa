"""`Corpus`: pretraining text read lazily, document by document, from files, folders and globs.

A corpus never sits in memory whole: `Corpus.documents()` reads its files one line (or table
row) at a time, so a corpus of any size flows through `tf.data` into training. Which documents
are held out for the reported metric is decided by a hash of each document's text, so the split
is the same on every run and for every reader without a first pass over the corpus, and copies
of one document always land on the same side.

Example:

>>> from kerastl.pretrain import Corpus
>>> corpus = Corpus(["reviews/", "extra/*.txt.gz"], held_out_fraction=0.05)  # doctest: +SKIP
>>> next(corpus.documents("train"))  # doctest: +SKIP
'I rented I AM CURIOUS-YELLOW from my video store ...'
"""

import codecs
import glob
import hashlib
import os
import random
from pathlib import Path

from kerastl.errors import DataError, Location

#: How many leading lines `read_corpus` looks at to recognize a file's layout.
SNIFF_LINES = 50
#: Decompressed bytes at the start of each file checked for binary content before training.
BINARY_SNIFF_BYTES = 1 << 14
#: The layouts a corpus file can have.
FILE_FORMATS = ("auto", "text", "table", "chars")
#: The parts of a corpus `Corpus.documents` yields.
PARTS = ("train", "held_out", "all")
_GLOB_CHARACTERS = set("*?[")
_HASH_RANGE = 1 << 64


class Corpus:
    """The documents of pretraining corpus files, read lazily and split by document hash.

    Three layouts are read, each plain or compressed (`.gz`, `.bz2`):

    - "text": UTF-8 text, one document per non-blank line (wikitext, Shakespeare, IMDB reviews);
    - "table": a TSV/CSV file with a header; the text is the `text_column` column (NSMC's
      `id<TAB>document<TAB>label` with `text_column="document"`), read row by row;
    - "chars": one character per line with a tag (KLUE NER); each sentence is one document
      (such a file is read whole, one file at a time).

    With `file_format="auto"` a file whose lines are mostly `char<TAB>tag` reads as "chars",
    any other file as "table" when a `text_column` is given, else as "text".

    Args:
        sources: a file, a folder (every file under it that is not hidden, in sorted order),
            a glob pattern (`"corpus/**/*.txt.gz"`), or a list of these.
        text_column: the header name or 0-based index of the text column of table files.
        file_format: "auto", "text", "table" or "chars" (applies to every file).
        held_out_fraction: the share of documents kept out of training for the metric.

    Raises:
        DataError: a file or folder is missing, a glob matches no file, a folder holds no
            file, or a file is empty, binary or not UTF-8 at its start (the rest of a file is
            checked as it is read).

    Example:

    >>> from kerastl.pretrain import Corpus
    >>> corpus = Corpus("ratings.txt", text_column="document")  # doctest: +SKIP
    >>> sum(1 for _ in corpus.documents("held_out"))  # doctest: +SKIP
    7512
    """

    def __init__(self, sources, text_column=None, file_format="auto", held_out_fraction=0.05):
        if file_format not in FILE_FORMATS:
            raise DataError(f"unknown corpus format {file_format!r}", fix="use 'auto', 'text', 'table' or 'chars'")
        if not 0 <= held_out_fraction < 1:
            raise ValueError(f"`held_out_fraction` must be in [0, 1). Received: held_out_fraction={held_out_fraction!r}")
        self.text_column = text_column
        self.file_format = file_format
        self.held_out_fraction = held_out_fraction
        self.files = find_corpus_files(sources)
        self._texts = None
        self._layouts = {}
        for path in self.files:
            self._check_start(path)

    @classmethod
    def from_texts(cls, texts, held_out_fraction=0.05):
        """A corpus of strings already in memory (blank ones dropped), split as files are.

        Raises:
            DataError: when no string holds text.
        """
        corpus = cls.__new__(cls)
        corpus.text_column, corpus.file_format, corpus.held_out_fraction = None, "text", held_out_fraction
        corpus.files, corpus._layouts = [], {}
        corpus._texts = [text.strip() for text in texts if isinstance(text, str) and text.strip()]
        if not corpus._texts:
            raise DataError("the pretraining corpus holds no text", fix="give text files (one document per line) or texts")
        return corpus

    def documents(self, part="all"):
        """Yield the documents of `part`: "train", "held_out" or "all", in file order."""
        if part not in PARTS:
            raise ValueError(f"`part` must be one of {PARTS}. Received: part={part!r}")
        sources = [self._texts] if self._texts is not None else (self._file_documents(path) for path in self.files)
        for source in sources:
            for text in source:
                if part == "all" or self.is_held_out(text) == (part == "held_out"):
                    yield text

    def is_held_out(self, text):
        """Whether `text` is in the held-out part: its hash falls in the first `held_out_fraction`."""
        if self.held_out_fraction <= 0:
            return False
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") < self.held_out_fraction * _HASH_RANGE

    def sample(self, count, seed=0):
        """A uniform random sample of up to `count` training documents (reservoir sampling).

        One pass over the corpus; memory holds only the sample.
        """
        rng = random.Random(seed)
        sample = []
        for seen, text in enumerate(self.documents("train")):
            if seen < count:
                sample.append(text)
            else:
                slot = rng.randrange(seen + 1)
                if slot < count:
                    sample[slot] = text
        return sample

    def fingerprint(self):
        """A short digest that changes when the corpus changes: its files' names, sizes and
        first and last bytes (or, for texts, the texts), and the split."""
        digest = hashlib.sha256(f"{self.text_column!r} {self.file_format} {self.held_out_fraction}".encode())
        if self._texts is not None:
            for text in self._texts:
                digest.update(text.encode("utf-8") + b"\n")
            return f"{len(self._texts)} texts, sha256 {digest.hexdigest()[:16]}"
        for path in self.files:
            size = path.stat().st_size
            digest.update(f"{path.name} {size}".encode())
            with open(path, "rb") as file:
                digest.update(file.read(1 << 16))
                file.seek(max(0, size - (1 << 16)))
                digest.update(file.read())
        return f"{self._count_files()}, sha256 {digest.hexdigest()[:16]}"

    def describe(self):
        """One line for logs: how many files (or texts) and bytes."""
        if self._texts is not None:
            return f"{len(self._texts):,} texts"
        size = sum(path.stat().st_size for path in self.files)
        return f"{self._count_files()}, {size / 1e6:,.1f} MB on disk"

    def _count_files(self):
        return f"{len(self.files):,} file{'s' if len(self.files) != 1 else ''}"

    # === Files ===

    def _layout(self, path):
        if path not in self._layouts:
            self._layouts[path] = self.file_format if self.file_format != "auto" else _sniff(path, self.text_column)
        return self._layouts[path]

    def _file_documents(self, path):
        from kerastl.data import iter_columns, read_char_per_line
        from kerastl.data.text_file import read_text_lines

        layout = self._layout(path)
        if layout == "chars":
            texts = (record["text"].strip() for record in read_char_per_line(path))
        elif layout == "table":
            if self.text_column is None:
                raise DataError("a table corpus needs its text column", where=Location(str(path)),
                                fix="pass text_column (CLI: --text-column), e.g. 'document' for NSMC")
            texts = (record["text"] for record in iter_columns(path, {"text": self.text_column}))
        else:
            texts = (line.strip() for _, line in read_text_lines(path))
        return (text for text in texts if text)

    def _check_start(self, path):
        from kerastl.data.text_file import decode_utf8, open_data_file

        try:
            with open_data_file(path) as file:
                start = file.read(BINARY_SNIFF_BYTES)
        except (OSError, EOFError) as error:
            raise DataError(f"cannot read the corpus file: {error}", where=Location(str(path)),
                            fix="give a readable UTF-8 text file (plain, .gz or .bz2)") from None
        # The incremental decoder accepts a character cut at the end of the sample; on a NUL
        # or a byte that is not UTF-8, `decode_utf8` raises the error naming the line.
        try:
            codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
        except UnicodeDecodeError:
            decode_utf8(start, str(path))
        if b"\x00" in start:
            decode_utf8(start, str(path))
        if next(self._file_documents(path), None) is None:
            raise DataError("the corpus file holds no text", where=Location(str(path)),
                            fix="give a UTF-8 text file with one document per line, or leave this file out")


def find_corpus_files(sources):
    """Expand files, folders and glob patterns into a sorted list of corpus files.

    Args:
        sources: a path or pattern, or a list of them. A folder stands for every file under it
            whose name does not start with "." (recursively); a pattern with `*`, `?` or `[`
            is a glob (`**` matches folders at any depth).

    Returns:
        A list of `Path`s without duplicates: each source's files in sorted order, sources in
        the order given.

    Raises:
        DataError: a path that does not exist, a glob that matches no file, a folder with no
            files, or nothing given at all.

    Example:

    >>> from kerastl.pretrain.corpus import find_corpus_files
    >>> find_corpus_files(["wiki/", "news-*.txt.gz"])  # doctest: +SKIP
    [PosixPath('wiki/part-0.txt'), PosixPath('wiki/part-1.txt'), PosixPath('news-2024.txt.gz')]
    """
    from kerastl.data.text_file import check_is_file

    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    files, seen = [], set()
    for source in sources:
        text = os.fspath(source)
        if _GLOB_CHARACTERS & set(text) and not os.path.exists(text):
            found = sorted(Path(match) for match in glob.glob(text, recursive=True) if os.path.isfile(match))
            if not found:
                raise DataError("the pattern matches no file", where=Location(text),
                                fix="check the pattern and the current folder (quote it so the shell leaves it alone)")
        elif os.path.isdir(text):
            found = sorted(path for path in Path(text).rglob("*") if path.is_file()
                           and not any(part.startswith(".") for part in path.relative_to(text).parts))
            if not found:
                raise DataError("the folder holds no corpus file", where=Location(text),
                                fix="put text files (one document per line) in it, or give the files themselves")
        else:
            found = [Path(check_is_file(text))]
        for path in found:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                files.append(path)
    if not files:
        raise DataError("no corpus file was given", fix="give at least one file, folder or pattern (--corpus)")
    return files


def read_corpus(paths, text_column=None, file_format="auto"):
    """Read every document of corpus files into a list (small corpora; see `Corpus` for streaming).

    Args:
        paths: a path, folder or glob, or a list of them.
        text_column: the header name or 0-based index of the text column of table files.
        file_format: "auto", "text", "table" or "chars" (applies to every file).

    Returns:
        A list of non-empty strings, in file order.

    Raises:
        DataError: a file is missing, not UTF-8, of an unknown format, or holds no text.

    Example:

    >>> from kerastl.pretrain import read_corpus
    >>> texts = read_corpus(["ratings.txt"], text_column="document")  # doctest: +SKIP
    """
    return list(Corpus(paths, text_column=text_column, file_format=file_format, held_out_fraction=0).documents())


def _sniff(path, text_column):
    from kerastl.data.text_file import read_text_lines

    char_lines = other_lines = 0
    for number, line in read_text_lines(path):
        if number > SNIFF_LINES:
            break
        if not line.strip() or line.startswith("##"):
            continue
        character, tab, tag = line.partition("\t")
        if tab and len(character) <= 1 and tag.strip() and "\t" not in tag:
            char_lines += 1
        else:
            other_lines += 1
    if char_lines > 2 * other_lines:
        return "chars"
    return "table" if text_column is not None else "text"
