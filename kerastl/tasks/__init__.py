"""Downstream tasks and the registry that names them."""

from kerastl.tasks.registry import available_tasks, get_task, register_task, task_registry
from kerastl.tasks.task import Task
from kerastl.tasks.sentiment import SentimentTask

__all__ = ["SentimentTask", "Task", "available_tasks", "get_task", "register_task", "task_registry"]
