"""`learning_curve`: a task's metric against the number of labeled examples, one line per
backbone (pretrained) and one for the first backbone's architecture randomly initialized.

The gaps between the lines are what each upstream choice buys: a domain-adapted backbone
against the general one against no pretraining, and how many labeled examples the weaker
start needs to catch up. Every (line, size) is trained once per seed; the curve follows
the median over seeds with the min-max range around it, and each line is compared with a
baseline line seed by seed (`kerastl.runs.curve_statistics`).
"""

import contextlib
import os
import random
import statistics
import time
from pathlib import Path
from typing import NamedTuple

from kerastl.atomic_files import run_folder
from kerastl.backbones import DEFAULT_BACKBONE, check_max_length
from kerastl.errors import KerastlError
from kerastl.runs.curve_statistics import compare_with, comparison_table

CURVE_JSON = "curve.json"
CURVE_PNG = "curve.png"
#: The label of the random-init line (the first backbone's architecture, `pretrained_weights=False`).
SCRATCH_LABEL = "from scratch"
#: Which standard deviation the per-point `std` is: over the seeds as the whole population (ddof=0).
STD_KIND = "population"


class _Line(NamedTuple):
    label: str
    backbone: str
    pretrained: bool


def learning_curve(task_name, train, validation, sizes, backbones=DEFAULT_BACKBONE, epochs=3, *, output=None,
                   batch_size=32, seeds=0, scratch=True, task_options=None, read_options=None,
                   scratch_learning_rate=None, baseline=None, log=None, overwrite=False):
    """Train `task_name` on growing subsets of `train` from each backbone (and from scratch); score each.

    For each seed the subsets are nested (the first N of one order shuffled by that seed), so
    a larger size only adds examples. Runs go size by size, then seed by seed, then line by
    line, so a run stopped early has every line at the sizes it finished. Each run trains the
    task with the same options and the seed, from one backbone's pretrained weights, or (the
    "from scratch" line) from the first backbone's architecture with random weights
    (`pretrained_weights=False`), and scores it on all of `validation`.

    Args:
        task_name: a registered task name ("sentiment", "ner", ...).
        train: training data, any source the task reads (file, folder, records).
        validation: labeled data every model is scored on.
        sizes: numbers of labeled training examples, e.g. `[100, 500, 2000]`.
        backbones: a backbone name or folder, or a list of them (one line each; they may be of
            different architectures). A folder's line is labeled by its folder name (with its
            parent folders when two share a name), any other backbone by its name.
        epochs: passes over each subset.
        output: a folder for `curve.json` and `curve.png`; None writes nothing.
        batch_size: examples per step.
        seeds: a seed or a list of seeds; each picks the subsets and seeds the training.
        scratch: also train the first backbone's architecture from random weights.
        task_options: more constructor options of the task (learning_rate, max_length, ...).
        read_options: options of the task's file reader (text_column, ...).
        scratch_learning_rate: the learning rate of the from-scratch runs (random weights often
            want a larger one); None uses the same as the pretrained runs.
        baseline: the line every other line is compared with, seed by seed (a label, or the
            backbone as given); None: the last pretrained backbone (so `[adapted, general]`
            compares the adapted one, and the from-scratch line, with the general one).
        log: called with a progress line after each run (default: print).
        overwrite: replace the curve in `output` when it holds one already. A folder of other
            files is refused before any training.

    Returns:
        A dict: `task`, `metric` (the task's main metric), `sizes`, `seeds`, `validation_examples`,
        `epochs`, `std` (which standard deviation: "population"), `runs` (every run, in the
        order trained: `{"line", "size", "seed", "metric", "metrics", "seconds"}`) and `lines`:
        `{label: {"backbone", "pretrained", "learning_rate", "points"}}`, each point
        `{"size", "median", "min", "max", "mean", "std", "n", "runs"}` over the seeds;
        `comparisons` (with two lines or more): each line against the baseline, per size the
        paired differences by seed, their median and its bootstrap interval, and a verdict
        (`kerastl.runs.curve_statistics.paired_comparison`); with `output`, also `json` and
        `png` (the paths written).

    Raises:
        KerastlError: for sizes that are not positive or exceed the training data, no line to
            train, a backbone given twice, or a backbone that is not found.
        OutputError: before any training, when `output` holds other files, a curve (and
            `overwrite` is False), cannot be written, or another run is writing it.

    Example:

    >>> from kerastl.runs.curve import learning_curve
    >>> result = learning_curve("sentiment", "train.tsv", "dev.tsv", [500, 5000],
    ...                         backbones=["minilm-l6", "my-backbone"], seeds=[0, 1, 2],
    ...                         output="curve")  # doctest: +SKIP
    >>> result["lines"]["my-backbone"]["points"][0]["median"]  # doctest: +SKIP
    0.8125
    """
    lines = curve_lines(backbones, scratch=scratch)
    baseline = baseline_line(lines, baseline)
    seeds = _seed_list(seeds)
    with run_folder(output, "curve", overwrite=overwrite) if output is not None else contextlib.nullcontext() \
            as folder:
        return _learning_curve(task_name, train, validation, sizes, lines, seeds, epochs, folder, batch_size,
                               task_options, read_options, scratch_learning_rate, baseline, log)


def curve_lines(backbones, scratch=True):
    """The lines of a curve: one per backbone (pretrained), then the from-scratch one.

    Args:
        backbones: a backbone name or folder, or a list of them.
        scratch: add the first backbone's architecture with random weights.

    Returns:
        A list of `(label, backbone, pretrained)` tuples with unique labels.

    Raises:
        KerastlError: no backbone and no scratch line, or one backbone given twice.

    Example:

    >>> from kerastl.runs.curve import curve_lines
    >>> [line.label for line in curve_lines(["minilm-l6", "hf://klue/bert-base"])]
    ['minilm-l6', 'hf://klue/bert-base', 'from scratch']
    """
    specs = [str(backbones)] if isinstance(backbones, (str, os.PathLike)) else [str(spec) for spec in backbones]
    if not specs:
        raise KerastlError("A learning curve needs at least one backbone. Received: backbones=[]. "
                           "Fix: pass --backbones NAME[,NAME...].")
    seen = {}
    for spec in specs:
        key = str(Path(spec).resolve()) if Path(spec).is_dir() else spec
        if key in seen:
            raise KerastlError(f"--backbones names one backbone twice: {seen[key]} and {spec}. "
                               "Fix: give each backbone once (use --seeds for repeated runs).")
        seen[key] = spec
    labels = _unique_labels(specs + ([SCRATCH_LABEL] if scratch else []))
    lines = [_Line(label, spec, True) for label, spec in zip(labels, specs)]
    if scratch:
        lines.append(_Line(labels[-1], specs[0], False))
    return lines


def baseline_line(lines, baseline=None):
    """The label of the line the others are compared with: `baseline` (a label or a backbone
    as given), or by default the last pretrained line; None for a curve of one line.

    Raises:
        KerastlError: `baseline` names no line of the curve.
    """
    if baseline is None:
        pretrained = [line.label for line in lines if line.pretrained]
        return pretrained[-1] if len(lines) > 1 and pretrained else None
    for line in lines:
        if str(baseline) in (line.label, line.backbone if line.pretrained else line.label):
            return line.label
    raise KerastlError(f"--baseline {baseline} is not a line of this curve (its lines: "
                       f"{', '.join(line.label for line in lines)}). Fix: pass one of them, or a backbone "
                       "given in --backbones.")


def _unique_labels(specs):
    """Each backbone's label: a folder's name (more of its path where two share it), else the spec."""
    parts = [Path(spec).resolve().parts if Path(spec).is_dir() else (spec,) for spec in specs]
    depth = [1] * len(specs)
    while True:
        labels = ["/".join(p[-d:]) for p, d in zip(parts, depth)]
        clashing = [i for i, label in enumerate(labels) if labels.count(label) > 1 and depth[i] < len(parts[i])]
        if not clashing:
            break
        for i in clashing:
            depth[i] += 1
    for i, label in enumerate(labels):  # still equal (a folder named like another spec): number them
        if labels.count(label) > 1:
            labels[i] = f"{label} #{labels[:i].count(label) + 1}"
    return labels


def _seed_list(seeds):
    seeds = [seeds] if isinstance(seeds, int) else list(dict.fromkeys(int(seed) for seed in seeds))
    if not seeds:
        raise KerastlError("A learning curve needs at least one seed. Received: seeds=[]. Fix: pass --seeds 0,1,2.")
    return seeds


def _learning_curve(task_name, train, validation, sizes, lines, seeds, epochs, folder, batch_size, task_options,
                    read_options, scratch_learning_rate, baseline, log):
    from kerastl.data.records import Records
    from kerastl.reporting.main_metric import headline_metrics, main_metric_name
    from kerastl.tasks import get_task, new_task

    log = log or (lambda line: print(line, flush=True))
    task_class = get_task(task_name)
    task_options = dict(task_options or {})
    read_options = dict(read_options or {})
    for backbone in dict.fromkeys(line.backbone for line in lines):  # every backbone found, before any training
        check_max_length(new_task(task_class, backbone=backbone, **task_options))
    reader = new_task(task_class, backbone=lines[0].backbone, **task_options)
    train_records = reader.read(train, **read_options)
    validation_records = reader.read(validation, **read_options)
    sizes = sorted({int(size) for size in sizes})
    if not sizes or sizes[0] < 1 or sizes[-1] > len(train_records):
        raise KerastlError(
            f"Learning-curve sizes must be between 1 and the {len(train_records)} training examples. "
            f"Received: sizes={sizes}. Fix: pass smaller --sizes or more training data."
        )
    orders = {seed: _shuffled(len(train_records), seed) for seed in seeds}

    result = {"task": task_name, "metric": None, "sizes": sizes, "seeds": seeds,
              "validation_examples": len(validation_records), "epochs": epochs, "batch_size": batch_size,
              "std": STD_KIND, "runs": [],
              "lines": {line.label: {"backbone": line.backbone, "pretrained": line.pretrained, "learning_rate": None,
                                          "points": []}
                        for line in lines}}
    total = len(sizes) * len(seeds) * len(lines)
    started_all = time.perf_counter()
    for size in sizes:
        runs_at_size = []
        for seed in seeds:
            subset = Records(train_records[i] for i in orders[seed][:size])
            for line in lines:
                options = dict(task_options, seed=seed, pretrained_weights=line.pretrained)
                if not line.pretrained and scratch_learning_rate is not None:
                    options["learning_rate"] = scratch_learning_rate
                started = time.perf_counter()
                task = task_class(backbone=line.backbone, **options)
                task.fit(subset, epochs=epochs, batch_size=batch_size, verbose=0)
                metrics = task.evaluate(validation_records)
                result["metric"] = result["metric"] or main_metric_name(task, metrics)
                result["lines"][line.label]["learning_rate"] = task.learning_rate
                run = {"line": line.label, "size": size, "seed": seed, "metric": metrics.get(result["metric"]),
                       "metrics": headline_metrics(metrics), "seconds": round(time.perf_counter() - started, 1)}
                result["runs"].append(run)
                runs_at_size.append(run)
                log(f"[{len(result['runs'])}/{total}] {task_name} {line.label}, {size} examples, seed {seed}: "
                    f"{result['metric']} {_format_score(run['metric'])} in {run['seconds']:.1f} s "
                    f"({time.perf_counter() - started_all:.0f} s in all)")
        for line in lines:
            line_runs = [run for run in runs_at_size if run["line"] == line.label]
            result["lines"][line.label]["points"].append(
                {"size": size, **summarize([run["metric"] for run in line_runs]), "runs": line_runs})
    if baseline is not None:
        result["comparisons"] = compare_with(result, baseline)
    if folder is not None:
        result["json"] = str(folder.path / CURVE_JSON)
        result["png"] = str(folder.path / CURVE_PNG)
        folder.start()
        plot_curve(result, folder.path / CURVE_PNG)
        folder.finish(CURVE_JSON, result)
    return result


def _shuffled(count, seed):
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order


def summarize(scores):
    """The median, min, max, mean, population std and count of one point's scores (None left out).

    Example:

    >>> from kerastl.runs.curve import summarize
    >>> summarize([0.7, 0.9, 0.8])["median"], summarize([0.7, 0.9, 0.8])["n"]
    (0.8, 3)
    """
    scores = [score for score in scores if score is not None]
    if not scores:
        return {"median": None, "min": None, "max": None, "mean": None, "std": None, "n": 0}
    return {"median": statistics.median(scores), "min": min(scores), "max": max(scores),
            "mean": statistics.fmean(scores), "std": statistics.pstdev(scores), "n": len(scores)}


def _format_score(score):
    return "n/a" if score is None else f"{score:.4f}"


def _lines_of(result):
    """A result's lines; a curve.json written before several backbones and seeds (keys
    "pretrained" and "from_scratch", one run per size) is read as two lines of one seed."""
    if "lines" in result:
        return result["lines"]
    old = {"pretrained": (Path(result.get("backbone", "pretrained")).name, True), "from_scratch": (SCRATCH_LABEL, False)}
    return {label: {"backbone": result.get("backbone"), "pretrained": pretrained,
                    "points": [{"size": point["size"], **summarize([point["metric"]]), "runs": [point]}
                               for point in result.get(key, [])]}
            for key, (label, pretrained) in old.items()}


def curve_table(result):
    """A plain-text table of a curve: one row per line, one column per size, `median [min-max]`.

    Example:

    >>> from kerastl.runs.curve import curve_table
    >>> print(curve_table(result))  # doctest: +SKIP
    accuracy      100                  500
    minilm-l6     0.812 [0.801-0.830]  0.871 [0.866-0.880]
    from scratch  0.514 [0.500-0.532]  0.602 [0.580-0.611]
    """
    lines = _lines_of(result)
    header = [result.get("metric") or "metric"] + [str(size) for size in result["sizes"]]
    rows = [header]
    for label, line in lines.items():
        by_size = {point["size"]: point for point in line["points"]}
        rows.append([label] + [_format_point(by_size.get(size)) for size in result["sizes"]])
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    table = "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)
    if result.get("comparisons"):
        table += "\n" + comparison_table(result["comparisons"])
    return table


def _format_point(point):
    if point is None or point["median"] is None:
        return "-"
    if point["n"] == 1:
        return f"{point['median']:.3f}"
    return f"{point['median']:.3f} [{point['min']:.3f}-{point['max']:.3f}]"


def plot_curve(result, path):
    """Draw a `learning_curve` result as a PNG: each line through its medians over the seeds,
    the min-max range shaded, the median value written at each point.

    Also draws a curve.json of the older two-line form ("pretrained", "from_scratch").

    Args:
        result: the dict `learning_curve` returns (or its curve.json, loaded).
        path: the PNG to write.

    Returns:
        The `Path` written.

    Example:

    >>> import json
    >>> from kerastl.runs.curve import plot_curve
    >>> plot_curve(json.load(open("curve/curve.json")), "curve.png")  # doctest: +SKIP
    PosixPath('curve.png')
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.5, 4.2), dpi=100, layout="constrained")
    axes = figure.subplots()
    colors = iter(f"C{index}" for index in range(10_000))
    lines = _lines_of(result)
    for label, line in lines.items():
        points = [point for point in line["points"] if point["median"] is not None]
        color = "#7f7f7f" if not line["pretrained"] else next(colors)
        sizes = [point["size"] for point in points]
        axes.plot(sizes, [point["median"] for point in points], marker="o", color=color, label=label,
                  linestyle="-" if line["pretrained"] else "--")
        if any(point["n"] > 1 for point in points):
            axes.fill_between(sizes, [point["min"] for point in points], [point["max"] for point in points],
                              color=color, alpha=0.18, linewidth=0)
        for point in points:
            axes.annotate(f"{point['median']:.3f}", (point["size"], point["median"]), textcoords="offset points",
                          xytext=(0, 6), ha="center", fontsize=8, color=color)
    if len(result["sizes"]) > 1 and result["sizes"][-1] / result["sizes"][0] >= 5:
        axes.set_xscale("log")
    axes.set_xticks(result["sizes"], [str(size) for size in result["sizes"]])
    axes.minorticks_off()
    axes.margins(x=0.08, y=0.15)  # room for the value labels above the points
    axes.set_xlabel("labeled training examples")
    axes.set_ylabel(result["metric"] or "metric")
    counts = sorted({point["n"] for line in lines.values() for point in line["points"]}) or [1]
    seed_count = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    spread = f"median of {seed_count} seeds, min-max shaded" if counts[-1] > 1 else "one seed"
    axes.set_title(f"{result['task']}: {result['metric'] or 'metric'} against labeled examples\n{spread}",
                   fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
