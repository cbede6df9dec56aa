"""Reading character-per-line tagged files, e.g. KLUE NER (`klue-ner-v1.1_train.tsv`)."""

from typing import List

from kerastl.data.sentence_blocks import read_sentence_blocks
from kerastl.errors import DataError, Location

COMMENT_PREFIX = "##"
SPACE = " "


def read_char_per_line(path) -> List[dict]:
    """Read sentences written one character per line as `char<TAB>tag`.

    This is the KLUE NER layout: sentences are separated by blank lines, lines starting
    with `##` are comments (KLUE puts `## <id><TAB><sentence with <entity:TAG> marks>`
    before each sentence), and a space character is a line whose character column is a
    literal space or empty (` <TAB>O`).

    Args:
        path: the file to read.

    Returns:
        A list of records `{"words": [str], "tags": [str], "text": str, "where": Location}`:
        "words" holds one character per entry (spaces included, as " "), "text" is the
        original sentence (the characters joined), "where" the line of its first character.

    Raises:
        DataError: missing/empty/non-UTF-8 file, or a line that is not `char<TAB>tag`;
            the error names the file and line.

    Example:

    >>> sentences = read_char_per_line("klue-ner-v1.1_train.tsv")  # doctest: +SKIP
    >>> sentences[0]["words"][:3], sentences[0]["tags"][:3]  # doctest: +SKIP
    (['특', '히', ' '], ['O', 'O', 'O'])
    """
    path = str(path)
    records = []
    for block in read_sentence_blocks(path, is_boundary=_is_boundary, is_comment=_is_comment):
        chars, tags = [], []
        for number, line in block.lines:
            char, tag = _split_char_and_tag(line, path, number)
            chars.append(char)
            tags.append(tag)
        records.append({
            "words": chars,
            "tags": tags,
            "text": "".join(chars),
            "where": Location(path, block.lines[0][0]),
        })
    if not records:
        raise DataError(
            "the file holds no sentences", where=Location(path),
            fix="give a file with one 'char<TAB>tag' line per character and a blank line "
            "after each sentence",
        )
    return records


def _is_boundary(line):
    # " <TAB>O" (a space character) also strips to almost nothing, but holds a tab.
    return not line.strip() and "\t" not in line


def _is_comment(line):
    return line.startswith(COMMENT_PREFIX)


def _split_char_and_tag(line, path, number):
    parts = line.split("\t")
    if len(parts) != 2 or not parts[1].strip():
        raise DataError(
            f"expected 'char<TAB>tag', found {len(parts)} tab-separated field(s): {line!r}",
            where=Location(path, number),
            fix="write each character and its tag separated by one tab "
            "(a space character as ' <TAB>O')",
        )
    char, tag = parts
    return (char if char else SPACE), tag.strip()
