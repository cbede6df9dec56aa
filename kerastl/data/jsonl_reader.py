"""Reading JSON Lines files of examples (one JSON object per line)."""

import json
from typing import List, Optional

from kerastl.data.text_file import read_text_lines
from kerastl.errors import DataError, Location

SCALAR_LABEL_TYPES = (str, int, float, bool)


def read_jsonl(path, text_field: str = "text", label_field: Optional[str] = "label",
               text_pair_field: Optional[str] = None) -> List[dict]:
    """Read a JSON Lines file where each line is an object holding a text (or two) and a label.

    Args:
        path: the .jsonl file. Blank lines are skipped.
        text_field: the key holding the text (a non-empty string).
        label_field: the key holding the label (a string or number, returned as `str`), or
            None for unlabeled text (for prediction).
        text_pair_field: the key holding a second text (a non-empty string), or None for
            single texts.

    Returns:
        A list of records `{"text": str, "label": str, "where": Location}` ("label" is
        absent when `label_field` is None), with "text_pair" when `text_pair_field` is given.

    Raises:
        DataError: missing/empty/non-UTF-8 file, a line that is not a JSON object, or an
            object without the text or label field; the error names the line.

    Example:

    >>> read_jsonl("train.jsonl")  # doctest: +SKIP
    [{'text': 'a fine film', 'label': 'pos', 'where': Location('train.jsonl', 1)}]
    """
    records = []
    for number, line in read_text_lines(path):
        if not line.strip():
            continue
        where = Location(str(path), number)
        obj = _parse_object(line, where)
        record = {"text": _text_field(obj, text_field, "text_field", where)}
        if text_pair_field is not None:
            record["text_pair"] = _text_field(obj, text_pair_field, "text_pair_field", where)
        if label_field is not None:
            record["label"] = _label_field(obj, label_field, where)
        record["where"] = where
        records.append(record)
    if not records:
        raise DataError(
            "the file holds no JSON lines", where=Location(str(path)),
            fix="give a file with one JSON object per line",
        )
    return records


def _parse_object(line, where):
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataError(
            f"not valid JSON: {error.msg} at column {error.colno}",
            where=where,
            fix="write exactly one JSON object per line (JSON Lines), e.g. "
            '{"text": "...", "label": "..."}',
        ) from None
    except RecursionError:
        raise DataError(
            "the JSON is nested too deeply to read",
            where=where,
            fix='write one flat object per line, e.g. {"text": "...", "label": "..."}',
        ) from None
    if not isinstance(obj, dict):
        raise DataError(
            f"expected a JSON object, found {type(obj).__name__}",
            where=where,
            fix='write one object per line, e.g. {"text": "...", "label": "..."}',
        )
    return obj


def _missing_field(obj, field, option, where):
    keys = ", ".join(repr(key) for key in obj) or "none"
    return DataError(
        f"the object has no {field!r} field (its fields: {keys})",
        where=where,
        fix=f"add the field, or choose another with {option}=NAME",
    )


def _text_field(obj, field, option, where):
    if field not in obj:
        raise _missing_field(obj, field, option, where)
    text = obj[field]
    if not isinstance(text, str) or not text.strip():
        raise DataError(
            f"the {field!r} field must be a non-empty string, found {text!r}",
            where=where,
            fix="put the example text in this field as a JSON string",
        )
    return text.strip()


def _label_field(obj, field, where):
    if field not in obj:
        raise _missing_field(obj, field, "label_field", where)
    label = obj[field]
    if not isinstance(label, SCALAR_LABEL_TYPES) or str(label).strip() == "":
        raise DataError(
            f"the {field!r} field must be a non-empty string or number, found {label!r}",
            where=where,
            fix="give one label per line, as a string or a number",
        )
    return str(label).strip()
