"""`LabelledTask`: a task whose head has one output per label (classes, tags)."""

from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.tasks.labels import LabelSet
from kerastl.tasks.task import Task


class LabelledTask(Task):
    """A `Task` with a label set: learned from the training records unless given, saved in the
    config, and checked by `load` against the width of the model's head.

    Args:
        labels: the label names in class-id order; None learns them in `setup` (`learn_labels`).
        **kwargs: the options of `kerastl.tasks.Task`.

    Example:

    >>> from kerastl.tasks import ClassificationTask
    >>> task = ClassificationTask(labels=["negative", "positive"])  # doctest: +SKIP
    >>> task.head_size()  # doctest: +SKIP
    2
    """

    def __init__(self, backbone=DEFAULT_BACKBONE, *, labels=None, **kwargs):
        super().__init__(backbone, **kwargs)
        self.label_set = LabelSet(labels) if labels is not None else None

    def learn_labels(self, records):
        """The `LabelSet` of the training `records` (default: their sorted "label" values)."""
        return LabelSet.from_records(records)

    def setup(self, records):
        if self.label_set is None:
            self.label_set = self.learn_labels(records)

    def head_size(self):
        """The number of outputs the head needs for the label set (None before `setup`)."""
        return len(self.label_set) if self.label_set is not None else None

    def get_config(self):
        return {**super().get_config(), "labels": self.label_set.names if self.label_set else None}
