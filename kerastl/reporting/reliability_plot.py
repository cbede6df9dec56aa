"""`reliability.png`: accuracy against confidence before and after calibration (a reliability diagram)."""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from kerastl.reporting.report_item import ReportItem

#: The file name of the reliability diagram in a run folder.
RELIABILITY_PLOT_FILE = "reliability.png"


def plot_reliability(before, after, path, title="Reliability diagram"):
    """Draw the accuracy of each confidence bin before and after calibration as a PNG.

    Each bin is a pair of bars (accuracy before, accuracy after) at its place on the
    confidence axis; lines join each bin's mean confidence to its accuracy's height, and the
    diagonal is perfect calibration. A lower panel shows how many answers fell in each bin.

    Args:
        before, after: `kerastl.metrics.reliability_bins` outputs (same bins) at temperature 1
            and at the fitted temperature.
        path: the PNG file to write.
        title: the figure's title.

    Returns:
        `path`.

    Example:

    >>> from kerastl.metrics import reliability_bins
    >>> from kerastl.reporting import plot_reliability
    >>> bins = reliability_bins([0.95, 0.9, 0.6], [True, False, True])
    >>> plot_reliability(bins, bins, "reliability.png")  # doctest: +SKIP
    'reliability.png'
    """
    lower, upper = np.asarray(before["lower"]), np.asarray(before["upper"])
    width = (upper - lower) / 2
    figure = Figure(figsize=(6.5, 6.0), dpi=100, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    top.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    for offset, (name, bins, color) in enumerate((("before", before, "tab:red"), ("after", after, "tab:blue"))):
        accuracy = _filled(bins["accuracy"])
        top.bar(lower + offset * width, accuracy, width, align="edge", color=color, alpha=0.55,
                label=f"accuracy {name}")
        shown = np.asarray(bins["count"]) > 0
        top.plot(_filled(bins["confidence"])[shown], accuracy[shown], marker="o", markersize=3, color=color,
                 linewidth=1, label=f"accuracy at mean confidence ({name})")
        bottom.bar(lower + offset * width, bins["count"], width, align="edge", color=color, alpha=0.55)
    top.set_xlim(0, 1)
    top.set_ylim(0, 1.02)
    top.set_ylabel("accuracy")
    top.set_title(title)
    top.grid(alpha=0.3)
    top.legend(loc="upper left", fontsize="small")
    bottom.set_xlabel("confidence")
    bottom.set_ylabel("answers")
    bottom.grid(axis="y", alpha=0.3)
    figure.savefig(path, format="png")
    return path


def reliability_report_items(calibration, folder, answers="answers"):
    """Draw `reliability.png` for a task's temperature calibration; the report items that show it.

    Args:
        calibration: what `Task.calibrate` returned (`task.calibration`); nothing is drawn
            unless it is a temperature calibration with `reliability` bins.
        folder: the run folder the PNG goes to.
        answers: what the confidences are of, for the caption ("predicted labels", "entities").

    Returns:
        A list of one `ReportItem`, or an empty list.
    """
    if not calibration or calibration.get("method") != "temperature" or "reliability" not in calibration:
        return []
    plot_reliability(calibration["reliability"]["before"], calibration["reliability"]["after"],
                     Path(folder) / RELIABILITY_PLOT_FILE, title="Reliability diagram (validation)")
    fitted = calibration.get("fitted_temperature", calibration["temperature"])
    caption = (f"Accuracy of the {answers} in {calibration['bins']} confidence bins, before and after temperature "
               f"scaling (T = {fitted:.3f}); expected calibration error "
               f"{calibration['ece_before']:.4f} -> {calibration['ece_after']:.4f}, NLL "
               f"{calibration['nll_before']:.4f} -> {calibration['nll_after']:.4f}.")
    if calibration.get("kept") is False:
        caption += " The temperature was not kept (it raised the calibration error): the model scores at T = 1."
    return [ReportItem("Calibration (reliability diagram)", image=RELIABILITY_PLOT_FILE, caption=caption)]


def _filled(values):
    """The bin values as floats, 0 for empty bins (None)."""
    return np.asarray([0.0 if value is None else value for value in values], dtype=np.float64)
