"""Errors a user can act on.

Every error kerastl raises on purpose derives from `KerastlError`. Its message says what was
wrong, where (file and line when there is one) and what to do; the CLI prints that message alone
and exits non-zero, without a traceback.
"""

from typing import NamedTuple, Optional


class Location(NamedTuple):
    """A place in an input file: the path and the 1-based line number (or None)."""

    path: str
    line: Optional[int] = None

    def __str__(self):
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)


class KerastlError(Exception):
    """Base class of the errors kerastl raises for bad input or bad settings."""


class DataError(KerastlError, ValueError):
    """Input data that cannot be used as it is.

    Args:
        message: what is wrong, in one sentence.
        where: the `Location` (file and line) of the problem, if known.
        fix: what the user can do about it.

    Example:

    >>> from kerastl.errors import DataError, Location
    >>> str(DataError("missing column 'label'", where=Location("train.tsv", 1),
    ...               fix="pass --label-column"))
    "train.tsv:1: missing column 'label'. Fix: pass --label-column."
    """

    def __init__(self, message, where=None, fix=None):
        self.message = message
        self.where = where
        self.fix = fix
        text = f"{where}: {message}" if where is not None else message
        if fix:
            text = f"{text.rstrip('.')}. Fix: {fix.rstrip('.')}."
        super().__init__(text)

    def naming_file_of(self, records):
        """This error, located at the records' file when it names no place and they come from one file."""
        paths = {getattr(record.get("where"), "path", None) for record in records}
        if self.where is not None or len(paths) != 1 or None in paths:
            return self
        return DataError(self.message, where=Location(paths.pop()), fix=self.fix)


class BackboneNotFoundError(KerastlError, ValueError):
    """A backbone name that is neither a folder, a bundled preset nor a hub handle."""


class UnknownTaskError(KerastlError, LookupError):
    """A task name that no built-in task or installed plugin registered."""


class TaskRegistrationError(KerastlError, ValueError):
    """A task name claimed twice, or a task class that does not fit the interface."""


class OptionError(KerastlError, ValueError):
    """An option out of its range or unknown to the task, whatever set it (a flag, `--set`,
    `config.yaml`, a constructor argument, a model folder's config)."""


class ModelLoadError(KerastlError):
    """A saved model folder that is missing, incomplete or inconsistent."""


class OutputError(KerastlError):
    """An output (`--output`) kerastl may not write: someone else's files, in use, or read-only."""


def json_type_name(value):
    """The JSON name of a parsed JSON value's type ("object", "array", "string", ...), for messages."""
    if value is None:
        return "null"
    for python_type, name in ((bool, "boolean"), (dict, "object"), (list, "array"), (str, "string"),
                              ((int, float), "number")):
        if isinstance(value, python_type):
            return name
    return type(value).__name__
