"""Reading TSV/CSV tables of examples (e.g. SST-2 `train.tsv`, NSMC `ratings_train.txt`)."""

import csv
import os
from typing import Dict, Iterator, List, Optional, Union

from kerastl.data.text_file import data_extension, read_text_lines
from kerastl.errors import DataError, Location

Column = Union[str, int]

DELIMITER_BY_EXTENSION = {".tsv": "\t", ".txt": "\t", ".csv": ","}
SNIFFED_DELIMITERS = "\t,;|"
DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", " ": "space"}
SNIFF_LINES = 50


def read_table(
    path,
    text_column: Optional[Column] = "sentence",
    label_column: Optional[Column] = "label",
    delimiter: Optional[str] = None,
    has_header: bool = True,
    text_pair_column: Optional[Column] = None,
) -> List[dict]:
    """Read a TSV/CSV file of texts (or text pairs) and (optionally) labels.

    Args:
        path: the table file. The delimiter follows the extension (.tsv/.txt: tab,
            .csv: comma) unless `delimiter` is given; other extensions are sniffed.
        text_column: header name or 0-based index of the text column.
        label_column: header name or 0-based index of the label column, or None for
            unlabeled text (for prediction).
        delimiter: the field separator, overriding the extension.
        has_header: whether the first row names the columns. Without a header, columns
            must be given as integer indexes.
        text_pair_column: header name or 0-based index of a second text (the hypothesis of
            an entailment pair, the answer to a question), or None for single texts.

    Returns:
        A list of records `{"text": str, "label": str, "where": Location}` ("label" is
        absent when `label_column` is None), with "text_pair" when `text_pair_column` is
        given. Cells are stripped of surrounding whitespace.

    Raises:
        DataError: the file is missing, empty or not UTF-8, a column does not exist, a row
            has too few fields (often a wrong delimiter), more or fewer fields than the
            header (a tab inside a TSV text, an unquoted comma in a CSV one), or an empty
            text or label cell.

    Example:

    >>> records = read_table("SST-2/train.tsv")  # doctest: +SKIP
    >>> records[0]  # doctest: +SKIP
    {'text': 'hide new secretions ...', 'label': '0', 'where': Location('SST-2/train.tsv', 2)}
    >>> pairs = read_table("RTE/train.tsv", text_column="sentence1", text_pair_column="sentence2")  # doctest: +SKIP
    """
    columns = {"text": text_column}
    if text_pair_column is not None:
        columns["text_pair"] = text_pair_column
    if label_column is not None:
        columns["label"] = label_column
    return read_columns(path, columns, delimiter=delimiter, has_header=has_header)


def read_columns(
    path,
    columns: Dict[str, Column],
    delimiter: Optional[str] = None,
    has_header: bool = True,
) -> List[dict]:
    """Read chosen columns of a TSV/CSV file into records with the given keys.

    The option that chooses the column for record key `k` is called `k_column` (CLI flag
    `--k-column`); error messages point the user to it.

    Args:
        path: the table file (delimiter chosen as in `read_table`).
        columns: maps each record key to a header name or a 0-based column index.
        delimiter: the field separator, overriding the extension.
        has_header: whether the first row names the columns.

    Returns:
        A list of records with one stripped, non-empty string per key of `columns` plus
        "where": the `Location` of the row's first line.

    Raises:
        DataError: as for `read_table`, and when the file has a header but no rows.

    Example:

    >>> read_columns("kor.txt", {"source": 0, "target": 1}, has_header=False)  # doctest: +SKIP
    """
    records = list(iter_columns(path, columns, delimiter=delimiter, has_header=has_header))
    if not records:
        raise DataError(
            "the file has a header but no data rows",
            where=Location(os.fspath(path)),
            fix="add rows, or pass has_header=False if the first row is data",
        )
    return records


def iter_columns(
    path,
    columns: Dict[str, Column],
    delimiter: Optional[str] = None,
    has_header: bool = True,
) -> Iterator[dict]:
    """Yield the records of `read_columns` one row at a time, reading the file lazily.

    A file with a header and no rows yields nothing. Errors are raised when the row that
    causes them is reached.

    Example:

    >>> for record in iter_columns("reviews.tsv.gz", {"text": "review"}):  # doctest: +SKIP
    ...     print(record["text"])
    """
    path = os.fspath(path)
    delimiter, delimiter_origin = choose_delimiter(path, delimiter)
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    rows = _read_rows(path, delimiter, quoting)

    first = next(rows, None)
    if first is None:
        raise DataError(
            "the file is empty", where=Location(path), fix="give a file with at least one row"
        )
    if has_header:
        header_line, header = first
        indexes = _indexes_from_header(path, header_line, header, columns, delimiter)
        width = (len(header), f"the header (line {header_line})")
    else:
        indexes = _indexes_without_header(path, columns)
        rows = _chain_first(first, rows)
        width = (len(first[1]), f"the first row (line {first[0]})")

    needed = max(indexes.values()) + 1
    for line, fields in rows:
        if not _has_all_columns(fields, indexes):
            _raise_too_few_fields(path, line, fields, needed, delimiter, delimiter_origin)
        if _width(fields, width[0]) != width[0]:
            _raise_other_width(path, line, fields, width, delimiter, columns)
        record = {}
        for key, index in indexes.items():
            value = fields[index].strip()
            if not value:
                raise DataError(
                    f"the {key} cell (column {index}) is empty",
                    where=Location(path, line),
                    fix=f"fill in the {key} or delete the row",
                )
            record[key] = value
        record["where"] = Location(path, line)
        yield record


def choose_delimiter(path, delimiter):
    """Return `(delimiter, how it was chosen)`, sniffing the file when the extension is unknown."""
    if delimiter is not None:
        return delimiter, "given as the delimiter option"
    extension = data_extension(path)
    if extension in DELIMITER_BY_EXTENSION:
        return DELIMITER_BY_EXTENSION[extension], f"chosen from the '{extension}' extension"
    sample = []
    for number, line in read_text_lines(path, keep_line_ends=True):
        sample.append(line)
        if number >= SNIFF_LINES:
            break
    text = "".join(sample)
    try:
        return csv.Sniffer().sniff(text, delimiters=SNIFFED_DELIMITERS).delimiter, "guessed"
    except csv.Error:
        return ("\t" if "\t" in text else ","), "guessed"


def _read_rows(path, delimiter, quoting):
    """Yield `(first_line_number, fields)` for each non-blank row, converting csv errors."""
    lines = (line for _, line in read_text_lines(path, keep_line_ends=True))
    strict = quoting != csv.QUOTE_NONE  # report an unclosed quote instead of eating the file
    reader = csv.reader(lines, delimiter=delimiter, quoting=quoting, strict=strict)
    next_line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DataError(
                f"cannot split the row into fields: {error}",
                where=Location(path, next_line),
                fix='check the quoting of this row (a quote inside a field is written "")',
            ) from None
        row_line, next_line = next_line, reader.line_num + 1
        if not _is_blank_row(fields):
            yield row_line, fields


def _is_blank_row(fields):
    return not fields or (len(fields) == 1 and not fields[0].strip())


def _chain_first(first, rows):
    yield first
    yield from rows


def _indexes_from_header(path, line, header, columns, delimiter):
    names = [name.strip() for name in header]
    indexes = {}
    for key, column in columns.items():
        if isinstance(column, int):
            index = column if column >= 0 else len(names) + column
            if not 0 <= index < len(names):
                _raise_missing_column(path, line, key, f"index {column}", names, delimiter)
        elif column in names:
            index = names.index(column)
        else:
            _raise_missing_column(path, line, key, repr(column), names, delimiter)
        indexes[key] = index
    return indexes


def _indexes_without_header(path, columns):
    indexes = {}
    for key, column in columns.items():
        if not isinstance(column, int) or column < 0:
            why = "a header row" if not isinstance(column, int) else "a 0-based column number"
            raise DataError(
                f"{key}_column={column!r} needs {why}, but has_header is False",
                where=Location(path),
                fix=f"pass a 0-based column number as {key}_column (CLI: {_column_flag(key)})",
            )
        indexes[key] = column
    return indexes


def _has_all_columns(fields, indexes):
    return all(index < len(fields) for index in indexes.values())


def _raise_missing_column(path, line, key, wanted, names, delimiter):
    listed = ", ".join(repr(name) for name in names)
    message = f"no {key} column {wanted}; the header has {len(names)} column(s): {listed}"
    if len(names) == 1 and _other_delimiter_in(names[0], delimiter):
        message += f" (split on {_delimiter_name(delimiter)}: is the delimiter wrong?)"
    raise DataError(
        message,
        where=Location(path, line),
        fix=(
            f"choose another column with {key}_column=NAME_OR_INDEX "
            f"(CLI: {_column_flag(key)}), or pass the right delimiter"
        ),
    )


def _raise_too_few_fields(path, line, fields, needed, delimiter, origin):
    message = (
        f"the row has {len(fields)} field(s) when split on {_delimiter_name(delimiter)} "
        f"({origin}), but at least {needed} are needed"
    )
    other = _other_delimiter_in(delimiter.join(fields), delimiter)
    if other:
        message += (
            f"; the row contains {_delimiter_name(other)} characters, "
            "so the delimiter is likely wrong"
        )
    raise DataError(
        message,
        where=Location(path, line),
        fix="pass the right delimiter (e.g. delimiter=',' or delimiter='\\t') or fix this row",
    )


def _width(fields, expected):
    """How many fields a row has; empty fields past the `expected` ones (a trailing delimiter) do not count."""
    count = len(fields)
    while count > expected and not fields[count - 1].strip():
        count -= 1
    return count


def _raise_other_width(path, line, fields, width, delimiter, columns):
    expected, source = width
    name = _delimiter_name(delimiter)
    message = (f"the row has {_width(fields, expected)} field(s) when split on {name}, but {source} has {expected}, "
               f"so its columns would be misread")
    if delimiter == "\t":
        fix = ("remove the tab characters inside the text (a TSV field cannot be quoted), or save the table "
               "as CSV with that field quoted")
    else:
        fix = f'quote the field that holds a {name} (write "text, with a {name}")'
    options = ", ".join(_column_flag(key) for key in columns)
    raise DataError(message, where=Location(path, line), fix=f"{fix}; then choose the columns with {options}")


def _column_flag(key):
    """The CLI flag that chooses the column of record key `key` (`text_pair` -> `--text-pair-column`)."""
    return f"--{key.replace('_', '-')}-column"


def _other_delimiter_in(text, delimiter):
    for candidate in SNIFFED_DELIMITERS:
        if candidate != delimiter and candidate in text:
            return candidate
    return None


def _delimiter_name(delimiter):
    return DELIMITER_NAMES.get(delimiter, repr(delimiter))
