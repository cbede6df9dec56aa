"""Downstream tasks, one folder each, and the registry that names them."""

from kerastl.tasks.registry import available_tasks, get_task, register_task, task_registry
from kerastl.data.records import Records
from kerastl.tasks.task import Task
from kerastl.tasks.labelled_task import LabelledTask
from kerastl.tasks.classification import ClassificationTask, MultiLabelTask, SentimentTask
from kerastl.tasks.ner import NerTask
from kerastl.tasks.translation import TranslationTask

__all__ = ["ClassificationTask", "LabelledTask", "MultiLabelTask", "NerTask", "Records", "SentimentTask", "Task",
           "TranslationTask", "available_tasks", "get_task", "register_task", "task_registry"]
