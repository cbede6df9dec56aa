"""Downstream tasks, one folder each, and the registry that names them.

The registry is imported at once; the task classes when first used, so listing the tasks
(`kerastl tasks`) imports neither Keras nor TensorFlow.
"""

import importlib

from kerastl.tasks.registry import available_tasks, get_task, new_task, register_task, task_registry

_LAZY_NAMES = {
    "Records": "kerastl.data.records",
    "Task": "kerastl.tasks.task",
    "LabelledTask": "kerastl.tasks.labelled_task",
    "ClassificationTask": "kerastl.tasks.classification",
    "MultiLabelTask": "kerastl.tasks.classification",
    "SentimentTask": "kerastl.tasks.classification",
    "NerTask": "kerastl.tasks.ner",
    "TranslationTask": "kerastl.tasks.translation",
}


def __getattr__(name):
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'kerastl.tasks' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["ClassificationTask", "LabelledTask", "MultiLabelTask", "NerTask", "Records", "SentimentTask", "Task",
           "TranslationTask", "available_tasks", "get_task", "new_task", "register_task", "task_registry"]
