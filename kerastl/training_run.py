"""One training run, as `kerastl train` does it: read, fit, evaluate, save, record metrics."""

import json
import time
from pathlib import Path

from kerastl.atomic_files import atomic_file
from kerastl.tasks import get_task

METRICS_FILE = "metrics.json"


def run_training(task_name, train, output, validation=None, task_options=None, read_options=None,
                 epochs=3, batch_size=32, verbose="auto"):
    """Train a task and save it, with its metrics, into the folder `output`.

    Args:
        task_name: a registered task name ("sentiment", "ner", a plugin's name).
        train: the training data source (path, "tfds:NAME[:SPLIT]", or examples).
        output: the folder the trained model and `metrics.json` go to.
        validation: an optional validation data source, scored after training.
        task_options: keyword arguments for the task's constructor (backbone, max_length, ...).
        read_options: keyword arguments for the task's file reader (text_column, ...).
        epochs: passes over the training data.
        batch_size: examples per step.
        verbose: Keras' verbosity.

    Returns:
        A dict with the task name, the training time in seconds, the per-epoch history and
        the validation metrics (when there is validation data).
    """
    task = get_task(task_name)(**(task_options or {}))
    read_options = read_options or {}
    train_records = task.read(train, **read_options)
    validation_records = task.read(validation, **read_options) if validation is not None else None
    started = time.perf_counter()
    history = task.fit(train_records, validation=validation_records, epochs=epochs, batch_size=batch_size,
                       verbose=verbose)
    seconds = time.perf_counter() - started
    summary = {
        "task": task_name,
        "train_examples": len(train_records),
        "epochs": epochs,
        "train_seconds": round(seconds, 2),
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    }
    if validation_records is not None:
        summary["validation"] = task.evaluate(validation_records)
    task.save(output)
    with atomic_file(Path(output) / METRICS_FILE) as file:
        json.dump(summary, file, indent=2, ensure_ascii=False, default=str)
    return summary
