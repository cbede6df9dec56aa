"""`run_lr_find`, what `kerastl lr-find` runs: the learning-rate sweep of a task named on the command
line (`kerastl.training.find_learning_rate`), written to a folder as `lr_find.png` and `lr_find.json`."""

from pathlib import Path

from kerastl.atomic_files import run_folder
from kerastl.backbones import check_max_length
from kerastl.runs.run_config import data_source_for_config
from kerastl.tasks import new_task
from kerastl.training.lr_finder import check_sweep_settings, find_learning_rate

LR_FIND_JSON = "lr_find.json"
LR_FIND_PLOT = "lr_find.png"


def run_lr_find(task_name, train, output, *, task_options=None, read_options=None, overwrite=False,
                **sweep_options):
    """Sweep the learning rate of a registered task and write `lr_find.png` and `lr_find.json` to `output`.

    Args:
        task_name: a registered task name ("sentiment", "ner", a plugin's name).
        train: the training data source.
        output: the folder to write; refused before any work when it holds other files, or a
            sweep and `overwrite` is False.
        task_options: keyword arguments of the task's constructor (backbone, max_length, ...).
        read_options: options of the task's file reader (text_column, ...).
        overwrite: replace the sweep `output` holds.
        **sweep_options: `find_learning_rate`'s options (steps, min_rate, max_rate, batch_size, ...).

    Returns:
        The `LearningRateSweep`.

    Example:

    >>> from kerastl.runs.lr_find import run_lr_find
    >>> run_lr_find("sentiment", "train.tsv", "lr-find-sentiment").suggestion  # doctest: +SKIP
    3.1e-05
    """
    check_sweep_settings(**sweep_options)
    with run_folder(output, "lr-find", overwrite=overwrite) as folder:
        task = new_task(task_name, **(task_options or {}))
        check_max_length(task)
        sweep = find_learning_rate(task, train, read_options=read_options, **sweep_options)
        folder.start()
        sweep.plot(folder.path / LR_FIND_PLOT, title=f"{task_name} on {Path(str(task.backbone)).name}: "
                                                     f"learning-rate sweep, {len(sweep.rates)} steps of "
                                                     f"{sweep.batch_size}")
        folder.finish(LR_FIND_JSON, {"task": task_name, "backbone": task.backbone,
                                     "train": data_source_for_config(train), **sweep.to_dict()})
    return sweep
