"""Per-class (or per-entity-type) precision, recall and F1: a grouped bar chart and a table."""

import numpy as np
from matplotlib.figure import Figure

SCORES = ("precision", "recall", "f1")


def per_class_table(per_class):
    """Turn `{name: {"precision", "recall", "f1", "support"}}` into a report table.

    Returns:
        `{"columns": [...], "rows": [...]}` with scores rounded to 4 places.

    Example:

    >>> from kerastl.reporting.per_class_plot import per_class_table
    >>> per_class_table({"PER": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}})["rows"]
    [['PER', 1.0, 0.5, 0.6667, 2]]
    """
    rows = [[str(name)] + [round(float(scores.get(key, 0.0)), 4) for key in SCORES] + [scores.get("support")]
            for name, scores in per_class.items()]
    return {"columns": ["class", *SCORES, "support"], "rows": rows}


def plot_per_class(per_class, path, title="Per-class scores"):
    """Draw precision, recall and F1 of each class side by side as a PNG bar chart.

    Args:
        per_class: `{name: {"precision", "recall", "f1", ...}}`, e.g. the `per_class` of
            `kerastl.metrics.classification_metrics` or an NER task's per-type scores.
        path: the PNG file to write.
        title: the figure's title.

    Returns:
        `path`.
    """
    names = [str(name) for name in per_class]
    positions = np.arange(len(names))
    width = 0.8 / len(SCORES)
    figure = Figure(figsize=(max(6.0, 1.2 * len(names) + 2), 4), dpi=100, layout="constrained")
    axes = figure.subplots()
    for offset, key in enumerate(SCORES):
        values = [float(per_class[name].get(key, 0.0)) for name in per_class]
        axes.bar(positions + (offset - 1) * width, values, width, label=key)
    axes.set_xticks(positions, names)
    axes.set_ylim(0, 1.15)
    axes.set_ylabel("score")
    axes.set_title(title)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper center", ncols=len(SCORES))
    figure.savefig(path, format="png")
    return path
