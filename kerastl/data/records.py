"""`Records`: examples a task has read, and `read_records`, which reads any data source into them."""

import os
from pathlib import Path

import numpy as np
import tensorflow as tf

from kerastl.errors import DataError, Location


class Records(list):
    """A list of record dicts a task has read (`Task.read` returns one).

    `Task.read` passes `Records` through unchanged, so data read once (by `kerastl train`, a
    callback, a benchmark) is never read or converted again by `fit`, `evaluate` or `predict`.
    A slice or sample of records stays `Records` when wrapped: `Records(records[:100])`.
    """


def read_records(task, source, /, **options):
    """Read `source` into `Records` with `task`'s readers; see `Task.read`."""
    if isinstance(source, Records):
        return source
    if isinstance(source, (str, os.PathLike)) and str(source).startswith("tfds:"):
        from kerastl.data import read_tfds

        name, _, split = str(source)[len("tfds:"):].partition(":")
        records = read_tfds(name, split=split or "train", **options)
        where = f"TFDS dataset {name}"
    elif isinstance(source, (str, os.PathLike)):
        records = task.read_file(Path(source), **options)
        where = str(source)
    elif isinstance(source, tuple) and len(source) == 2 and all(isinstance(path, os.PathLike) for path in source):
        records = task.read_file(tuple(Path(path) for path in source), **options)  # aligned files (translation)
        where = f"{source[0]} and {source[1]}"
    elif isinstance(source, tf.data.Dataset):
        records = [task.record_from_example(_to_python(x)) for x in source.as_numpy_iterator()]
        where = "the tf.data.Dataset"
    else:
        records = [task.record_from_example(example) for example in source]
        where = "the examples passed in"
        _check_strings(records)
    if where in ("the examples passed in", "the tf.data.Dataset"):
        _number_examples(records)
    if not records:
        raise DataError(f"{where} holds no examples", fix="pass a source with at least one example")
    return Records(records)


def _number_examples(records):
    """Give in-memory examples a place errors can name: `example N` (1-based), where they have none."""
    for number, record in enumerate(records, start=1):
        if isinstance(record, dict) and record.get("where") is None:
            record["where"] = Location(f"example {number}")


def _check_strings(records):
    """Every text of in-memory examples can be encoded as UTF-8 (TensorFlow's tokenizers need it)."""
    for number, record in enumerate(records, start=1):
        for field, value in record.items():
            if isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as error:
                    raise DataError(f"example {number}: its {field} holds {ascii(value[error.start])} at character "
                                    f"{error.start + 1}, an unpaired surrogate that is not Unicode text",
                                    fix="decode the text with errors='replace' (or fix its source) before passing it"
                                    ) from None


def _to_python(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [_to_python(v) for v in value.tolist()] if value.dtype == object else value.tolist()
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_to_python(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value
