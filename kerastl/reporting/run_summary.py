"""The one line `kerastl train` prints when a run ends."""


def summary_line(summary, output):
    """Return one line about a finished run: examples, time, best epoch and its metric, the epoch saved.

    Args:
        summary: the dict `run_training` returns (and writes to `metrics.json`).
        output: the folder the run was saved to (unless `summary["saved"]` is False: a worker
            of a multi-worker run that is not the chief saves nothing).

    Example:

    >>> from kerastl.reporting import summary_line
    >>> summary_line({"task": "sentiment", "train_examples": 8, "train_seconds": 75.0,
    ...               "epochs": 2, "best_epoch": {"epoch": 1, "metric": "accuracy", "value": 0.875,
    ...               "on": "validation"}, "kept_epoch": {"epoch": 1, "chosen_by": "the best validation accuracy"}},
    ...              "runs/a")
    'Trained sentiment on 8 examples in 1 min 15 s (2 epochs); best epoch 1: validation accuracy 0.8750; saved that epoch to runs/a'
    """
    minutes, seconds = divmod(float(summary.get("train_seconds", 0.0)), 60)
    took = f"{int(minutes)} min {seconds:.0f} s" if minutes else f"{seconds:.1f} s"
    epochs = summary.get("epochs")
    line = (f"Trained {summary.get('task')} on {summary.get('train_examples')} examples in {took} "
            f"({epochs} epoch{'s' if epochs != 1 else ''})")
    best, kept = summary.get("best_epoch"), summary.get("kept_epoch")
    if best:
        line += f"; best epoch {best['epoch']}: {best.get('on', 'validation')} {best['metric']} {best['value']:.4f}"
    if kept and kept.get("stopped_early"):
        line += f"; stopped early after epoch {kept['last_epoch']}"
    if summary.get("saved") is False:
        return f"{line}; not saved: the chief worker writes the model"
    if kept and best and kept["epoch"] != best["epoch"]:
        return f"{line}; saved epoch {kept['epoch']} ({kept['chosen_by']}) to {output}"
    if kept and best:
        return f"{line}; saved that epoch to {output}"
    return f"{line}; saved to {output}"
