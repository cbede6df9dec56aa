"""Downstream tasks and the registry that names them."""

from kerastl.tasks.registry import available_tasks, get_task, register_task, task_registry
from kerastl.tasks.task import Task
from kerastl.tasks.ner import NerTask
from kerastl.tasks.sentiment import SentimentTask
from kerastl.tasks.translation import TranslationTask

__all__ = ["NerTask", "SentimentTask", "Task", "TranslationTask", "available_tasks", "get_task", "register_task", "task_registry"]
