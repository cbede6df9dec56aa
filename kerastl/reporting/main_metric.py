"""Which of a task's metrics a report follows, and the plain numbers among its metrics."""

#: Counts, not scores: never chosen as the main metric.
NOT_SCORES = ("examples", "support", "sentences", "tokens", "entities")

#: Chosen, in this order, when the task names no `main_metric`.
USUAL_MAIN_METRICS = ("f1", "accuracy", "bleu", "macro_f1")


def headline_metrics(metrics):
    """Return the top-level numbers of a task's metrics (nested per-class dicts left out).

    Example:

    >>> from kerastl.reporting.main_metric import headline_metrics
    >>> headline_metrics({"accuracy": 0.5, "per_class": {"a": {"f1": 1.0}}})
    {'accuracy': 0.5}
    """
    return {key: float(value) if isinstance(value, float) else value
            for key, value in metrics.items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)}


def main_metric_name(task, metrics):
    """Return the metric reports follow: `task.main_metric`, a usual one, or the first score.

    Args:
        task: the task (its `main_metric` attribute is used when set).
        metrics: a dict returned by the task's `score` / `evaluate`.

    Returns:
        A key of `metrics`, or None when `metrics` holds no score.
    """
    name = getattr(task, "main_metric", None)
    if name is not None and name in metrics:
        return name
    for name in USUAL_MAIN_METRICS:
        if isinstance(metrics.get(name), float):
            return name
    for key, value in headline_metrics(metrics).items():
        if key not in NOT_SCORES and isinstance(value, float):
            return key
    return None
