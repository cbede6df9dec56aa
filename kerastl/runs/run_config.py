"""`config.yaml`: the options of a training run, enough to run it again.

`kerastl train` writes one into every output folder; `kerastl train --config FILE` reads it
(flags given on the command line override its values).

Example:

>>> from kerastl.runs.run_config import read_run_config
>>> config = read_run_config("runs/sst2/config.yaml")  # doctest: +SKIP
>>> config["task"], config["epochs"]  # doctest: +SKIP
('sentiment', 2)
"""

import json
import math
import os
from pathlib import Path

import yaml

from kerastl.atomic_files import CONFIG_FILE, atomic_file  # noqa: F401 (CONFIG_FILE: its file name)
from kerastl.errors import DataError, Location

#: The keys a run config may hold, with what each means (also the file's order).
KEYS = {
    "task": "the registered task name",
    "train": "training data: a file, folder or tfds:NAME[:SPLIT]",
    "validation": "validation data, or null",
    "output": "the folder the run is written to",
    "epochs": "passes over the training data",
    "batch_size": "examples per step",
    "seed": "random seed",
    "tensorboard": "whether TensorBoard logs were written",
    "early_stopping_patience": "epochs without a better validation score before training stops",
    "restore_best": "whether the best validation epoch's weights were kept",
    "accumulate_steps": "batches whose mean gradient makes one update",
    "calibrate": "whether the task learned its calibration (temperature, thresholds) on validation data",
    "task_options": "the task's constructor arguments",
    "read_options": "the data reader's options",
}

HEADER = "# kerastl training run. Run it again with: kerastl train --config {path}\n" \
         "# (flags given on the command line override these values).\n"


def parse_learning_rate(value, allow_auto=True, where=None):
    """Read a learning rate option: a positive number, or "auto" (find it with a sweep first).

    Args:
        value: a number, or text such as "5e-5" or "auto".
        allow_auto: accept "auto" (a run option; a config's `task_options` hold the rate used).
        where: the `Location` to name in the error (a config file), if any.

    Returns:
        The rate as a float, or "auto".

    Raises:
        DataError: for text that is no number, or a rate that is not positive and finite.

    Example:

    >>> from kerastl.runs.run_config import parse_learning_rate
    >>> parse_learning_rate("5e-5"), parse_learning_rate("auto")
    (5e-05, 'auto')
    """
    if allow_auto and isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    try:
        rate = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        rate = math.nan
    if not 0 < rate < math.inf:
        accepted = "a positive number or 'auto'" if allow_auto else "a positive number"
        if where is not None:
            fix = "set learning_rate under task_options to a positive number, e.g. 5e-5"
        else:
            fix = "pass e.g. --learning-rate 5e-5" + (", or --learning-rate auto to find one with a short sweep"
                                                      if allow_auto else "")
        raise DataError(f"the learning rate must be {accepted}, got {value!r}", where=where, fix=fix)
    return rate


def data_source_for_config(source):
    """Return how a data source is written in a config: an absolute path, "tfds:..." kept.

    Returns None for in-memory data (lists, datasets), which a config cannot hold.
    """
    if source is None:
        return None
    if isinstance(source, (str, os.PathLike)):
        text = str(source)
        return text if text.startswith("tfds:") else str(Path(text).expanduser().resolve())
    return None


def write_run_config(path, config):
    """Write a run config as YAML, atomically.

    Args:
        path: the file to write (usually `OUTPUT/config.yaml`).
        config: a dict with the keys of `KEYS`; values must be plain data (converted through
            JSON, so tuples become lists and unknown objects strings).

    Returns:
        `path` as a `Path`.
    """
    unknown = set(config) - set(KEYS)
    if unknown:
        raise ValueError(f"Unknown run config keys {sorted(unknown)}; the known ones are {list(KEYS)}.")
    plain = json.loads(json.dumps(config, default=str))
    ordered = {key: plain[key] for key in KEYS if key in plain}
    path = Path(path)
    with atomic_file(path) as file:
        file.write(HEADER.format(path=path.resolve()))
        yaml.safe_dump(ordered, file, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return path


def read_run_config(path):
    """Read a run config written by `write_run_config` (or by hand).

    Args:
        path: the YAML file.

    Returns:
        A dict with some of the keys of `KEYS`.

    Raises:
        DataError: when the file is missing, not YAML, not a mapping, or holds an unknown key
            or a value of the wrong kind.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"no run config at {path}", fix="pass the config.yaml that `kerastl train` wrote")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = Location(str(path), mark.line + 1) if mark is not None else Location(str(path))
        raise DataError(f"not valid YAML ({getattr(error, 'problem', error)})", where=where,
                        fix="fix the YAML syntax, or write the config again with `kerastl train`") from None
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text", where=Location(str(path)), fix="save the config as UTF-8") from None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise DataError("a run config must be a mapping of option names to values", where=Location(str(path)),
                        fix=f"write `key: value` lines with keys among {list(KEYS)}")
    unknown = sorted(set(config) - set(KEYS))
    if unknown:
        raise DataError(f"unknown option(s) {unknown}", where=Location(str(path)),
                        fix=f"use only {list(KEYS)}")
    for key in ("task_options", "read_options"):
        if config.get(key) is not None and not isinstance(config[key], dict):
            raise DataError(f"{key} must be a mapping, got {config[key]!r}", where=Location(str(path)),
                            fix=f"write {key}: as indented `name: value` lines")
    learning_rate = (config.get("task_options") or {}).get("learning_rate")
    if learning_rate is not None:
        parse_learning_rate(learning_rate, allow_auto=False, where=Location(str(path)))
    for key in ("epochs", "batch_size"):
        value = config.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise DataError(f"{key} must be a positive integer, got {value!r}", where=Location(str(path)),
                            fix=f"set {key}: to a number like 3")
    return config
