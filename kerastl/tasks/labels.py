"""`LabelSet`: the ordered label names of a classifier and their ids."""

import re

from kerastl.errors import DataError

#: A label written as a whole number: "1", "+1", "01", "-2", "1.0", "1." (ASCII digits only).
INTEGER_LABEL = re.compile(r"[+-]?[0-9]+(\.0*)?")


class LabelSet:
    """Ordered label names; labels can be strings or integers.

    Integer-like strings ("0", "1", and also "+1", "01", "1.0") read from files are the same
    labels as the integers 0 and 1, so a model trained on a TSV file and evaluated on Python
    integers agrees with itself, and "1" and "1.0" are never two classes.

    Args:
        names: the label names in class-id order.

    Example:

    >>> from kerastl.tasks.labels import LabelSet
    >>> LabelSet(["negative", "positive"]).id_of("positive")
    1
    """

    def __init__(self, names):
        names = [normalize_label(name) for name in names]
        if len(names) < 2:
            raise DataError(
                f"a classifier needs at least two labels; got {names}",
                fix="check the label column, or pass labels=[...] with every class",
            )
        if len(set(names)) != len(names):
            raise DataError(f"label names repeat: {names}", fix="pass each label once")
        self.names = names
        self._ids = {name: i for i, name in enumerate(names)}

    @classmethod
    def from_records(cls, records, key="label"):
        """Collect the labels of training records, sorted (numerically for integer labels)."""
        missing = next((r for r in records if r.get(key) is None), None)
        if missing is not None:
            raise DataError("a training example has no label", where=missing.get("where"),
                            fix="give every training example a label")
        found = {normalize_label(r[key]) for r in records}
        return cls(sorted(found, key=lambda name: (isinstance(name, str), name)))

    def __len__(self):
        return len(self.names)

    def id_of(self, label, where=None):
        """Return the id of `label`; an unknown label is a `DataError` naming `where`."""
        try:
            return self._ids[normalize_label(label)]
        except KeyError:
            raise DataError(
                f"unknown label {label!r}; the model knows {self.names}",
                where=where,
                fix="use one of the model's labels, or retrain with this label in the training data",
            ) from None

    def ids(self, records, key="label"):
        """Return the id of every record's label."""
        ids = []
        for record in records:
            if record.get(key) is None:
                raise DataError("an example has no label to score against", where=record.get("where"),
                                fix="evaluate on labeled data")
            ids.append(self.id_of(record[key], record.get("where")))
        return ids


#: Longer digit strings stay text: Python refuses to convert numbers of more than 4,300 digits.
MAX_INTEGER_LABEL_DIGITS = 100


def normalize_label(label):
    """Turn integer-like labels into `int`, strip other strings; refuse other types.

    Example:

    >>> from kerastl.tasks.labels import normalize_label
    >>> [normalize_label(label) for label in ("1", "+1", "01", "1.0", 1.0, " pos ")]
    [1, 1, 1, 1, 1, 'pos']
    """
    if isinstance(label, bool):
        return int(label)
    if isinstance(label, int):
        return label
    if isinstance(label, float) and label.is_integer():
        return int(label)
    if isinstance(label, bytes):
        label = label.decode("utf-8")
    if isinstance(label, str):
        text = label.strip()
        if INTEGER_LABEL.fullmatch(text) and len(text) <= MAX_INTEGER_LABEL_DIGITS:
            return int(text.partition(".")[0])
        if not text:
            raise DataError("an empty label", fix="give every example a non-empty label")
        return text
    raise DataError(f"a label must be a string or an integer; got {label!r}")
