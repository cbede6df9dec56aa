"""`training.png`: loss and the task's metric per epoch, for training and validation data."""

from matplotlib.figure import Figure

TRAIN_COLOR = "#1f77b4"
VALIDATION_COLOR = "#d62728"


def plot_training(epochs, path, metric=None):
    """Draw the per-epoch curves recorded by `EpochMetricsCallback` into a PNG file.

    The left panel shows the training and validation loss; the right one the task's metric
    (`metric`) on validation data and on the training sample, or the Keras training metrics
    when the task's metric was not computed.

    Args:
        epochs: the callback's `epochs` list (dicts with "epoch", "loss", "val_loss",
            "fit_metrics", "train", "validation").
        path: the PNG file to write.
        metric: the task metric to plot (a key of each epoch's "validation" dict).

    Returns:
        `path`.

    Example:

    >>> from kerastl.reporting import plot_training
    >>> plot_training([{"epoch": 1, "loss": 0.7}, {"epoch": 2, "loss": 0.5}], "training.png")  # doctest: +SKIP
    """
    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    loss_axes, metric_axes = figure.subplots(1, 2)
    numbers = [e["epoch"] for e in epochs]

    _line(loss_axes, numbers, [e.get("loss") for e in epochs], "training", TRAIN_COLOR)
    _line(loss_axes, numbers, [e.get("val_loss") for e in epochs], "validation", VALIDATION_COLOR)
    _finish(loss_axes, "Loss", "loss", numbers)

    if metric and any(metric in e.get("validation", {}) for e in epochs):
        _line(metric_axes, numbers, [e.get("train", {}).get(metric) for e in epochs], "training sample", TRAIN_COLOR)
        _line(metric_axes, numbers, [e.get("validation", {}).get(metric) for e in epochs], "validation",
              VALIDATION_COLOR)
        _finish(metric_axes, metric.replace("_", " ").capitalize(), metric, numbers)
    else:
        names = sorted({name for e in epochs for name in e.get("fit_metrics", {})})
        for name in names:
            _line(metric_axes, numbers, [e.get("fit_metrics", {}).get(name) for e in epochs], name, None)
        _finish(metric_axes, "Training metrics" if names else "No metric recorded", "value", numbers)
    figure.savefig(path, format="png")
    return path


def _line(axes, numbers, values, label, color):
    points = [(n, v) for n, v in zip(numbers, values) if v is not None]
    if points:
        xs, ys = zip(*points)
        axes.plot(xs, ys, marker="o", label=label, color=color)


def _finish(axes, title, ylabel, numbers):
    axes.set_title(title)
    axes.set_xlabel("epoch")
    axes.set_ylabel(ylabel)
    axes.set_xticks(numbers)
    axes.grid(alpha=0.3)
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
