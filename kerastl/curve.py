"""`learning_curve`: a task's metric against the number of labeled examples, with a pretrained
backbone and with the same architecture randomly initialized.

The gap between the two lines is what pretraining buys: how many labeled examples the
from-scratch model needs to reach what the pretrained one reaches with few.
"""

import contextlib
import json
import random
import time
from pathlib import Path

from kerastl.atomic_files import atomic_file, check_output_folder, output_lock
from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.errors import KerastlError

CURVE_JSON = "curve.json"
CURVE_PNG = "curve.png"
#: The two lines of a curve: the key in the JSON, the legend label, the line colour.
LINES = (
    ("pretrained", "pretrained backbone", "#1f77b4"),
    ("from_scratch", "same architecture, random init", "#d62728"),
)


def learning_curve(task_name, train, validation, sizes, backbone=DEFAULT_BACKBONE, epochs=3, *, output=None,
                   batch_size=32, seed=0, task_options=None, read_options=None, scratch_learning_rate=None,
                   log=None, overwrite=False):
    """Train `task_name` on growing subsets of `train`, pretrained and from scratch; score each.

    The subsets are nested (the first N of one shuffled order), so a larger size only adds
    examples. At each size the task is trained twice with the same options and seed: from the
    backbone's pretrained weights, and from the same architecture with random weights
    (`pretrained_weights=False`). Both are scored on all of `validation`.

    Args:
        task_name: a registered task name ("sentiment", "ner", ...).
        train: training data, any source the task reads (file, folder, records).
        validation: labeled data every model is scored on.
        sizes: numbers of labeled training examples, e.g. `[100, 500, 2000]`.
        backbone: the backbone name or folder.
        epochs: passes over each subset.
        output: a folder for `curve.json` and `curve.png`; None writes nothing.
        batch_size: examples per step.
        seed: the subset and training seed.
        task_options: more constructor options of the task (learning_rate, max_length, ...).
        read_options: options of the task's file reader (text_column, ...).
        scratch_learning_rate: the learning rate of the from-scratch runs (random weights often
            want a larger one); None uses the same as the pretrained runs.
        log: called with a progress line after each run (default: print).
        overwrite: replace the curve in `output` when it holds one already. A folder of other
            files is refused before any training.

    Returns:
        A dict: `task`, `backbone`, `metric` (the task's main metric), `sizes`, and for each of
        "pretrained" and "from_scratch" a list of `{"size", "metric", "metrics", "seconds"}`;
        with `output`, also `json` and `png` (the paths written).

    Raises:
        KerastlError: for sizes that are not positive or exceed the training data.
        OutputError: before any training, when `output` holds other files, a curve (and
            `overwrite` is False), cannot be written, or another run is writing it.

    Example:

    >>> from kerastl.curve import learning_curve
    >>> result = learning_curve("sentiment", "train.tsv", "dev.tsv", [500, 5000],
    ...                         output="curve")  # doctest: +SKIP
    >>> result["png"]  # doctest: +SKIP
    'curve/curve.png'
    """
    if output is not None:
        check_output_folder(output, "curve", overwrite=overwrite)
    with output_lock(output) if output is not None else contextlib.nullcontext():
        return _learning_curve(task_name, train, validation, sizes, backbone, epochs, output, batch_size, seed,
                               task_options, read_options, scratch_learning_rate, log)


def _learning_curve(task_name, train, validation, sizes, backbone, epochs, output, batch_size, seed, task_options,
                    read_options, scratch_learning_rate, log):
    from kerastl.reporting.main_metric import headline_metrics, main_metric_name
    from kerastl.tasks import get_task
    from kerastl.training_run import check_max_length

    log = log or (lambda line: print(line, flush=True))
    task_class = get_task(task_name)
    task_options = dict(task_options or {})
    read_options = dict(read_options or {})
    reader = task_class(backbone=backbone, **task_options)
    check_max_length(reader)
    train_records = reader.read(train, **read_options)
    validation_records = reader.read(validation, **read_options)
    sizes = sorted({int(size) for size in sizes})
    if not sizes or sizes[0] < 1 or sizes[-1] > len(train_records):
        raise KerastlError(
            f"Learning-curve sizes must be between 1 and the {len(train_records)} training examples. "
            f"Received: sizes={sizes}. Fix: pass smaller --sizes or more training data."
        )
    order = list(range(len(train_records)))
    random.Random(seed).shuffle(order)

    result = {"task": task_name, "backbone": str(backbone), "epochs": epochs, "seed": seed, "sizes": sizes,
              "validation_examples": len(validation_records), "metric": None,
              "pretrained": [], "from_scratch": []}
    for size in sizes:
        subset = [train_records[i] for i in order[:size]]
        for line, _, _ in LINES:
            options = dict(task_options, seed=seed, pretrained_weights=line == "pretrained")
            if line == "from_scratch" and scratch_learning_rate is not None:
                options["learning_rate"] = scratch_learning_rate
            started = time.perf_counter()
            task = task_class(backbone=backbone, **options)
            task.fit(subset, epochs=epochs, batch_size=batch_size, verbose=0)
            metrics = task.evaluate(validation_records)
            result["metric"] = result["metric"] or main_metric_name(task, metrics)
            score = metrics.get(result["metric"])
            result[line].append({"size": size, "metric": score, "metrics": headline_metrics(metrics),
                                 "seconds": round(time.perf_counter() - started, 1)})
            log(f"{task_name} {line} at {size} examples: {result['metric']} {score:.4f}")
    if output is not None:
        output = Path(output)
        result["json"] = str(output / CURVE_JSON)
        result["png"] = str(output / CURVE_PNG)
        plot_curve(result, output / CURVE_PNG)
        with atomic_file(output / CURVE_JSON) as file:
            json.dump(result, file, indent=2, ensure_ascii=False)
    return result


def plot_curve(result, path):
    """Draw a `learning_curve` result (metric against labeled examples, two lines) as a PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.5, 4.2), dpi=100, layout="constrained")
    axes = figure.subplots()
    for line, label, color in LINES:
        points = result[line]
        axes.plot([p["size"] for p in points], [p["metric"] for p in points], marker="o", color=color, label=label)
        for point in points:
            axes.annotate(f"{point['metric']:.3f}", (point["size"], point["metric"]), textcoords="offset points",
                          xytext=(0, 6), ha="center", fontsize=8, color=color)
    if len(result["sizes"]) > 1 and result["sizes"][-1] / result["sizes"][0] >= 5:
        axes.set_xscale("log")
    axes.set_xticks(result["sizes"], [str(size) for size in result["sizes"]])
    axes.minorticks_off()
    axes.margins(x=0.08, y=0.15)  # room for the value labels above the points
    axes.set_xlabel("labeled training examples")
    axes.set_ylabel(result["metric"] or "metric")
    axes.set_title(f"{result['task']}: {Path(result['backbone']).name} pretrained vs random init", fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
