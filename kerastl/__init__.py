"""kerastl: transfer learning for NLP in Keras 3.

Example:

>>> import kerastl
>>> task = kerastl.get_task("sentiment")("minilm-l6")  # doctest: +SKIP
>>> task.fit("train.tsv", validation="dev.tsv", epochs=2)  # doctest: +SKIP
>>> task.save("my-model")  # doctest: +SKIP
>>> kerastl.load("my-model").predict(["A gripping, beautiful film."])  # doctest: +SKIP
"""

import sys as _sys

__version__ = "0.1.0"

if "keras" in _sys.modules:
    # A Keras user's program: register kerastl's layers now, so `keras.saving.load_model` reads a
    # `.keras` file that holds them. (Without Keras loaded, `import kerastl` stays light.)
    import kerastl.layers  # noqa: F401,E402

# Public names are imported on first use, so `import kerastl` and `kerastl --help` stay fast and
# TensorFlow loads only when a task or layer is needed.
_PUBLIC_NAMES = {
    "DEFAULT_BACKBONE": "kerastl.backbones",
    "available_backbones": "kerastl.backbones",
    "install_backbone": "kerastl.backbones",
    "load_backbone": "kerastl.backbones",
    "DataError": "kerastl.errors",
    "KerastlError": "kerastl.errors",
    "SentimentTask": "kerastl.tasks",
    "Task": "kerastl.tasks",
    "available_tasks": "kerastl.tasks",
    "get_task": "kerastl.tasks",
    "register_task": "kerastl.tasks",
}


def __getattr__(name):
    module = _PUBLIC_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'kerastl' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def load(path):
    """Load any saved kerastl task folder, whatever its task (built in or from a plugin).

    Example:

    >>> import kerastl
    >>> task = kerastl.load("my-model")  # doctest: +SKIP
    >>> task.predict(["A gripping, beautiful film."])  # doctest: +SKIP
    """
    from kerastl.tasks import Task

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
