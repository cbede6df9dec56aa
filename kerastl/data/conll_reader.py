"""Reading CoNLL-style token files (one token per line, columns split on whitespace)."""

from typing import List, Optional

from kerastl.data.sentence_blocks import read_sentence_blocks
from kerastl.errors import DataError, Location

DOCSTART = "-DOCSTART-"


def read_conll(path, token_column: int = 0, tag_column: Optional[int] = -1) -> List[dict]:
    """Read sentences of tagged tokens from a CoNLL file (e.g. CoNLL-2003 `eng.train`).

    Each line holds one token and its columns separated by whitespace; blank lines and
    `-DOCSTART-` lines separate sentences. Every token line must have as many columns as
    the first one.

    Args:
        path: the CoNLL file.
        token_column: 0-based index of the word column (negative counts from the end).
        tag_column: index of the tag column (default: the last one), or None to read the
            words only (for prediction); then lines may have any number of columns.

    Returns:
        A list of records `{"words": [str], "tags": [str], "where": Location}` where
        "where" is the line of the sentence's first token ("tags" is absent when
        `tag_column` is None).

    Raises:
        DataError: missing/empty/non-UTF-8 file, or a line with too few columns (e.g. a
            token without a tag); the error names the file and line.

    Example:

    >>> sentences = read_conll("eng.train")  # doctest: +SKIP
    >>> sentences[0]["words"], sentences[0]["tags"]  # doctest: +SKIP
    (['EU', 'rejects', 'German', 'call'], ['B-ORG', 'O', 'B-MISC', 'O'])
    """
    path = str(path)
    records = []
    expected = None  # (column count, line number of the first token line)
    for block in read_sentence_blocks(path, is_boundary=_is_boundary):
        words, tags = [], []
        for number, line in block.lines:
            columns = line.split()
            if tag_column is None:
                words.append(_column(columns, token_column, "token", path, number))
                continue
            if expected is None:
                _check_token_and_tag_differ(columns, token_column, tag_column, path, number)
                expected = (len(columns), number)
            if len(columns) != expected[0]:
                _raise_column_count(columns, expected, path, number)
            words.append(columns[token_column])
            tags.append(columns[tag_column])
        record = {"words": words}
        if tag_column is not None:
            record["tags"] = tags
        record["where"] = Location(path, block.lines[0][0])
        records.append(record)
    if not records:
        raise DataError(
            "the file holds no sentences", where=Location(path),
            fix="give a CoNLL file: one token per line, a blank line after each sentence",
        )
    return records


def _is_boundary(line):
    stripped = line.strip()
    return not stripped or stripped.split()[0] == DOCSTART


def _column(columns, index, name, path, number):
    if -len(columns) <= index < len(columns):
        return columns[index]
    raise DataError(
        f"the line has {len(columns)} column(s), so there is no {name} column {index}",
        where=Location(path, number),
        fix=f"fix the line, or choose another {name}_column",
    )


def _check_token_and_tag_differ(columns, token_column, tag_column, path, number):
    token = _column(columns, token_column, "token", path, number)
    _column(columns, tag_column, "tag", path, number)
    if token_column % len(columns) == tag_column % len(columns):
        raise DataError(
            f"the line has {len(columns)} column(s) ({token!r}), so token_column="
            f"{token_column} and tag_column={tag_column} are the same column; a tag is missing",
            where=Location(path, number),
            fix="write 'TOKEN TAG' on each line, or pass tag_column=None to read words only",
        )


def _raise_column_count(columns, expected, path, number):
    count, first_line = expected
    few = "too few" if len(columns) < count else "too many"
    raise DataError(
        f"{few} columns: the line has {len(columns)} ({' '.join(columns)!r}) but the first "
        f"token line ({first_line}) has {count}",
        where=Location(path, number),
        fix="give every token line the same columns (e.g. add the missing tag); "
        "a token cannot contain spaces",
    )
