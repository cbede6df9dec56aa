"""Which built-in kind of task a task is, for the exports whose format depends on it (ONNX, keras-hub).

The export sits below the tasks in kerastl's layers, so it names the task classes by their import path
instead of importing them; a plugin task that subclasses one of them is of that kind.
"""

#: The built-in task classes an export can tell apart, by import path, and their kind.
TASK_KINDS = {
    "kerastl.tasks.classification.multi_label_task.MultiLabelTask": "multilabel",
    "kerastl.tasks.classification.task.ClassificationTask": "classification",
    "kerastl.tasks.ner.task.NerTask": "ner",
}


def task_kind(task):
    """"classification", "multilabel" or "ner" for a task of (a subclass of) those classes, else None.

    Example:

    >>> from kerastl.export.task_kinds import task_kind
    >>> task_kind(object()) is None
    True
    """
    for klass in type(task).__mro__:
        kind = TASK_KINDS.get(f"{klass.__module__}.{klass.__qualname__}")
        if kind is not None:
            return kind
    return None
