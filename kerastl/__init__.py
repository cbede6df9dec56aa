"""kerastl: transfer learning for NLP in Keras 3.

Example:

>>> import kerastl
>>> task = kerastl.get_task("sentiment")("minilm-l6")  # doctest: +SKIP
>>> task.fit("train.tsv", validation="dev.tsv", epochs=2)  # doctest: +SKIP
>>> task.save("my-model")  # doctest: +SKIP
>>> kerastl.load("my-model").predict(["A gripping, beautiful film."])  # doctest: +SKIP
"""

__version__ = "0.1.0"

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # kerastl's pipelines are tf.data and TensorFlow

from kerastl.backbones import DEFAULT_BACKBONE, available_backbones, install_backbone, load_backbone
from kerastl.errors import DataError, KerastlError
from kerastl.tasks import SentimentTask, Task, available_tasks, get_task, register_task


def load(path):
    """Load any saved kerastl task folder, whatever its task (built in or from a plugin)."""
    return Task.load(path)


__all__ = [
    "DEFAULT_BACKBONE",
    "DataError",
    "KerastlError",
    "SentimentTask",
    "Task",
    "available_backbones",
    "available_tasks",
    "get_task",
    "install_backbone",
    "load",
    "load_backbone",
    "register_task",
]
