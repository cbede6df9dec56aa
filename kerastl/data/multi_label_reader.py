"""Reading multi-label examples: 0/1 label columns (SemEval-2018 E-c), a label-list column, JSONL lists.

Every record is `{"text": str, "labels": [name, ...], "where": Location}`; `labels` may be
empty (no label applies) and is absent for unlabeled text (for prediction).
"""

import csv
import json
from typing import List, Optional, Sequence, Union

from kerastl.data.jsonl_reader import read_jsonl
from kerastl.data.table_reader import Column, choose_delimiter, read_columns
from kerastl.data.text_file import read_text_lines
from kerastl.errors import DataError, Location

#: The cell values of a 0/1 label column.
LABEL_COLUMN_VALUES = ("0", "1")

#: A column after the text that holds 0/1 in more than this share of its rows is a label column
#: with typos (a `DataError`), not a column of something else.
MOSTLY_BINARY = 0.5

#: The header name of a label-list column that is used without being asked for.
LABEL_LIST_HEADER = "labels"

MULTI_LABEL_FIX = "use `kerastl train multilabel` (kerastl.get_task('multilabel') in Python) for several labels"


def read_multi_label_table(
    path,
    text_column: Column = "text",
    label_columns: Union[None, str, Sequence[Column]] = None,
    label_list_column: Optional[Column] = None,
    label_separator: str = ",",
    known_labels: Optional[Sequence[str]] = None,
    delimiter: Optional[str] = None,
) -> List[dict]:
    """Read a TSV/CSV table of texts with several labels each.

    Two layouts (the first row names the columns in both):

    - one 0/1 column per label, as SemEval-2018 Task 1 E-c (`ID Tweet anger anticipation ...
      trust`): the label columns are `label_columns`, else the `known_labels` (a trained
      model's), else every column after the text column whose cells are all 0 or 1;
    - one column holding the labels of each row joined by `label_separator`
      ("anger,joy"): `label_list_column`, or a column named "labels" when no `label_columns`
      are given. The shared table reader refuses empty cells, so a row without any label
      needs the 0/1 layout (all zeros) or JSONL (`"labels": []`).

    A table with neither layout's columns reads as unlabeled text (for prediction).

    Args:
        path: the table file (.tsv/.txt: tab-separated, .csv: comma; else sniffed).
        text_column: header name or 0-based index (negative from the end) of the text.
        label_columns: the 0/1 label columns: header names or indexes, as a list or one
            comma-separated string ("anger,joy"); the header names become the label names.
        label_list_column: header name or index of a column of delimited label lists.
        label_separator: what separates labels in a label-list cell.
        known_labels: label names the caller already knows (a trained model's): with the 0/1
            layout, the columns of these names are read by default.
        delimiter: the field separator, overriding the extension.

    Returns:
        A list of records `{"text": str, "labels": [str, ...], "where": Location}`, labels in
        column order (0/1 layout) or cell order (list layout), each once.

    Raises:
        DataError: the table errors of `kerastl.data.read_columns`, a label column that does
            not exist, a cell other than 0 or 1 in a label column, or no text column; each
            names the file, the line and the fix.

    Example:

    >>> from kerastl.data import read_multi_label_table
    >>> records = read_multi_label_table("2018-E-c-En-train.txt", text_column="Tweet")  # doctest: +SKIP
    >>> records[0]["labels"]  # doctest: +SKIP
    ['anticipation', 'optimism', 'trust']
    """
    path = str(path)
    header_line, header = _header(path, delimiter)
    if label_list_column is None and label_columns is None and LABEL_LIST_HEADER in header:
        label_list_column = LABEL_LIST_HEADER
    if label_list_column is not None:
        rows = read_columns(path, {"text": text_column, "labels": label_list_column}, delimiter=delimiter)
        for row in rows:
            row["labels"] = _split_labels(row["labels"], label_separator)
        return rows
    where = Location(path, header_line)
    text_index = _column_index(where, header, text_column, "text", "--text-column")
    if label_columns is not None:
        indexes = [_column_index(where, header, column, "label", "--label-columns")
                   for column in _column_list(label_columns)]
    elif known_labels is not None:
        indexes = _known_label_indexes(where, header, known_labels)
    else:
        indexes = list(range(text_index + 1, len(header)))
    keys = {index: f"{header[index]} label" for index in indexes}
    rows = read_columns(path, {"text": text_index, **{key: index for index, key in keys.items()}},
                        delimiter=delimiter)
    if label_columns is None and known_labels is None:
        keys = {index: key for index, key in keys.items() if _is_label_column(rows, key, header[index])}
    elif indexes:
        for index, key in keys.items():
            _check_binary(rows, key, header[index])
    return [_record(row, keys, header) for row in rows]


def read_multi_label_jsonl(path, text_field: str = "text", labels_field: str = "labels") -> List[dict]:
    """Read a JSON Lines file whose objects hold a text and a list of labels.

    Args:
        path: the .jsonl file, one object per line, e.g. `{"text": "...", "labels": ["joy"]}`;
            `"labels": []` is an example without any label.
        text_field: the key of the text.
        labels_field: the key of the label list; objects without it are unlabeled text (for
            prediction).

    Returns:
        A list of records `{"text": str, "labels": [str, ...], "where": Location}`.

    Raises:
        DataError: the errors of `kerastl.data.read_jsonl`, or a labels value that is not a
            list of non-empty strings or numbers; each names the file and the line.

    Example:

    >>> from kerastl.data import read_multi_label_jsonl
    >>> read_multi_label_jsonl("train.jsonl")[0]["labels"]  # doctest: +SKIP
    ['anger', 'disgust']
    """
    records = read_jsonl(path, text_field=text_field, label_field=None)
    objects = {number: line for number, line in read_text_lines(path)}
    for record in records:
        obj = json.loads(objects[record["where"].line])  # read_jsonl checked it is an object
        if labels_field in obj:
            record["labels"] = _label_list(obj[labels_field], labels_field, record["where"])
    return records


def label_list_hint(error):
    """The error to raise for a single-label reader's `error`: a "use multilabel" one when its
    line is a JSON object with a list of labels (under "label" or "labels"), else `error`.

    Example:

    >>> from kerastl.data.multi_label_reader import label_list_hint
    >>> from kerastl.errors import DataError
    >>> label_list_hint(DataError("bad")).message
    'bad'
    """
    where = error.where
    if where is None or where.line is None or not str(where.path).endswith(".jsonl"):
        return error
    line = next((text for number, text in read_text_lines(where.path) if number == where.line), "")
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):  # the line's own error (not JSON, nested too deeply) stands
        return error
    if isinstance(obj, dict) and any(isinstance(obj.get(key), list) for key in ("label", "labels")):
        return label_list_error(where)
    return error


def refuse_label_list(example, record):
    """`record` of a single-label task, unless its `example` carries a list of labels (a `DataError`).

    Example:

    >>> from kerastl.data.multi_label_reader import refuse_label_list
    >>> refuse_label_list(("a film", "good"), {"text": "a film", "label": "good", "where": None})["label"]
    'good'
    """
    labels = example.get("labels") if isinstance(example, dict) else None
    if isinstance(record.get("label"), (list, tuple, set)) or (isinstance(labels, (list, tuple)) and
                                                               "label" not in record):
        raise label_list_error(record.get("where"))
    return record


def label_list_error(where):
    """The `DataError` for a list of labels given to a single-label task."""
    return DataError("the example has a list of labels, but this task takes exactly one label per example",
                     where=where, fix=MULTI_LABEL_FIX)


def _header(path, delimiter):
    """`(line number, stripped names)` of the table's first non-blank row."""
    delimiter, _ = choose_delimiter(path, delimiter)
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    for number, line in read_text_lines(path):
        if line.strip():
            return number, [name.strip() for name in next(csv.reader([line], delimiter=delimiter, quoting=quoting))]
    raise DataError("the file is empty", where=Location(path), fix="give a file with a header and rows")


def _column_list(columns):
    """Label columns as a list: "anger,joy" and ["anger", "joy"] alike; digits are indexes."""
    if isinstance(columns, str):
        columns = [name for name in (part.strip() for part in columns.split(",")) if name]
    return [int(column) if isinstance(column, str) and column.lstrip("-").isdigit() else column
            for column in columns]


def _column_index(where, header, column, role, flag):
    if isinstance(column, int) and -len(header) <= column < len(header):
        return column % len(header)
    if column in header:
        return header.index(column)
    raise DataError(
        f"no {role} column {column!r}; the header has {len(header)} column(s): {', '.join(map(repr, header))}",
        where=where, fix=f"choose the {role} column with {flag}")


def _known_label_indexes(where, header, known_labels):
    """The columns named after the known labels; none for a table without them (unlabeled)."""
    names = [str(name) for name in known_labels]
    missing = [name for name in names if name not in header]
    if len(missing) == len(names):
        return []
    if missing:
        raise DataError(
            f"the table has no column for the label(s) {', '.join(missing)} of the model (its labels: "
            f"{', '.join(names)})", where=where,
            fix="add a 0/1 column per label of the model, or choose the columns with --label-columns")
    return [header.index(name) for name in names]


def _is_label_column(rows, key, name):
    """Whether a column found by itself is a 0/1 label column; a mostly-0/1 one with other values is an error."""
    binary = sum(row[key] in LABEL_COLUMN_VALUES for row in rows)
    if binary == len(rows):
        return True
    if binary > MOSTLY_BINARY * len(rows):
        _check_binary(rows, key, name)
    return False


def _check_binary(rows, key, name):
    for row in rows:
        if row[key] not in LABEL_COLUMN_VALUES:
            raise DataError(
                f"the label column {name!r} holds {row[key]!r}; a label column holds 0 or 1",
                where=row["where"],
                fix=f"write 0 or 1 in column {name!r}, or choose the label columns with --label-columns")


def _record(row, keys, header):
    """A record of a 0/1 row: its labels are the headers of its 1 cells (no `labels` without label columns)."""
    record = {"text": row["text"], "where": row["where"]}
    if keys:
        record["labels"] = [header[index] for index, key in keys.items() if row[key] == "1"]
    return record


def _split_labels(cell, separator):
    return _each_once(part.strip() for part in cell.split(separator))


def _each_once(labels):
    """The non-empty labels, each once, in their first order."""
    return list(dict.fromkeys(label for label in labels if label))


def _label_list(value, field, where):
    if not isinstance(value, list) or not all(
            isinstance(label, (str, int, float)) and not isinstance(label, bool) and str(label).strip()
            for label in value):
        raise DataError(f"the {field!r} field must be a list of label names, found {value!r}", where=where,
                        fix=f'write the labels as a JSON list, e.g. "{field}": ["anger", "joy"] (or [] for none)')
    return _each_once(str(label).strip() for label in value)
