"""`read_corpus`: the texts of pretraining corpus files, one document per line or row."""

from pathlib import Path

from kerastl.errors import DataError, Location

#: How many leading lines `read_corpus` looks at to recognize a file's layout.
SNIFF_LINES = 50


def read_corpus(paths, text_column=None, file_format="auto"):
    """Read the texts of one or more corpus files, labels and tags left out.

    Three layouts are read:

    - "text": plain UTF-8 text, one document per non-blank line (wikitext, Shakespeare);
    - "table": a TSV/CSV file with a header; the text is the `text_column` column (NSMC's
      `id<TAB>document<TAB>label` with `text_column="document"`);
    - "chars": one character per line with a tag (KLUE NER); each sentence is one text.

    With `file_format="auto"` a file whose lines are mostly `char<TAB>tag` reads as "chars",
    any other file as "table" when a `text_column` is given, else as "text".

    Args:
        paths: a path or a list of paths.
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
    from kerastl.data import read_char_per_line, read_columns
    from kerastl.data.text_file import check_is_file, read_text_lines

    if isinstance(paths, (str, Path)):
        paths = [paths]
    if file_format not in ("auto", "text", "table", "chars"):
        raise DataError(f"unknown corpus format {file_format!r}", fix="use 'auto', 'text', 'table' or 'chars'")
    texts = []
    for path in paths:
        path = check_is_file(path)
        layout = file_format if file_format != "auto" else _sniff(path, text_column)
        if layout == "chars":
            found = [record["text"].strip() for record in read_char_per_line(path)]
        elif layout == "table":
            if text_column is None:
                raise DataError("a table corpus needs its text column", where=Location(path),
                                fix="pass text_column (CLI: --text-column), e.g. 'document' for NSMC")
            found = [record["text"] for record in read_columns(path, {"text": text_column})]
        else:
            found = [line.strip() for _, line in read_text_lines(path)]
        found = [text for text in found if text]
        if not found:
            raise DataError("the corpus file holds no text", where=Location(path),
                            fix="give a UTF-8 text file with one document per line")
        texts.extend(found)
    return texts


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
