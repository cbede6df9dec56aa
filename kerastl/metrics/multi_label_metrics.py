"""Multi-label scores: Jaccard accuracy (SemEval-2018 E-c), micro/macro-F1, exact match, per label; F1 thresholds."""

import numpy as np


def multi_label_metrics(true_labels, predicted_labels, label_names):
    """Score predicted label sets against true ones.

    Args:
        true_labels: the reference labels of each example (a list per example; may be empty).
        predicted_labels: the predicted labels of each example.
        label_names: every label the model knows.

    Returns:
        A dict with
        `jaccard_accuracy` (SemEval-2018 Task 1 E-c's official score: the mean over examples of
        |true ∩ predicted| / |true ∪ predicted|, 1 for an example where both are empty),
        `micro_f1`, `micro_precision`, `micro_recall` (over all label decisions pooled),
        `macro_f1` (the mean F1 of the labels that occur in the references or the predictions,
        as `classification_metrics` averages classes), `subset_accuracy` (exact match of the
        whole set), `examples` and `per_label` (`{label: {"precision", "recall", "f1", "support"}}`).

    Raises:
        ValueError: the lists differ in length, are empty, or name a label not in `label_names`.

    Example:

    >>> from kerastl.metrics import multi_label_metrics
    >>> scores = multi_label_metrics([["a", "b"], []], [["a"], []], ["a", "b"])
    >>> scores["jaccard_accuracy"], scores["subset_accuracy"], round(scores["micro_f1"], 4)
    (0.75, 0.5, 0.6667)
    """
    if len(true_labels) != len(predicted_labels):
        raise ValueError(
            f"Got {len(true_labels)} true label sets but {len(predicted_labels)} predictions; they must pair up."
        )
    if not true_labels:
        raise ValueError("Cannot score an empty set of examples.")
    truth = multi_hot(true_labels, label_names)
    predicted = multi_hot(predicted_labels, label_names)
    both = truth & predicted
    true_positives, predicted_counts, support = both.sum(axis=0), predicted.sum(axis=0), truth.sum(axis=0)
    per_label = {
        str(name): {**_precision_recall_f1(true_positives[i], predicted_counts[i], support[i]),
                    "support": int(support[i])}
        for i, name in enumerate(label_names)
    }
    present = [scores["f1"] for scores, count, found in zip(per_label.values(), support, predicted_counts)
               if count or found]
    micro = _precision_recall_f1(true_positives.sum(), predicted_counts.sum(), support.sum())
    union = (truth | predicted).sum(axis=1)
    jaccard = np.where(union == 0, 1.0, both.sum(axis=1) / np.maximum(union, 1))
    return {
        "jaccard_accuracy": float(jaccard.mean()),
        "micro_f1": micro["f1"],
        "macro_f1": float(np.mean(present)) if present else 0.0,
        "subset_accuracy": float((truth == predicted).all(axis=1).mean()),
        "micro_precision": micro["precision"],
        "micro_recall": micro["recall"],
        "examples": len(true_labels),
        "per_label": per_label,
    }


def multi_hot(label_lists, label_names):
    """A boolean matrix, one row per example and one column per label of `label_names`.

    Raises:
        ValueError: for a label not in `label_names`.

    Example:

    >>> from kerastl.metrics.multi_label_metrics import multi_hot
    >>> multi_hot([["b"], ["a", "b"]], ["a", "b"]).astype(int).tolist()
    [[0, 1], [1, 1]]
    """
    column = {name: i for i, name in enumerate(label_names)}
    matrix = np.zeros((len(label_lists), len(label_names)), bool)
    for row, labels in enumerate(label_lists):
        for label in labels:
            if label not in column:
                raise ValueError(f"Example {row} has the label {label!r}, which is not one of {list(label_names)}.")
            matrix[row, column[label]] = True
    return matrix


def best_f1_threshold(scores, truth, default=0.5):
    """The decision threshold `t` of one label that maximizes the F1 of `scores >= t` against `truth`.

    Every cut between two distinct scores is tried (the midpoint between them is returned).
    `default` is kept unless a cut does strictly better, so the F1 on these examples never
    goes down; of equally good cuts, the one nearest `default` wins. A label without any
    positive example keeps `default` (no threshold gives it an F1 above 0).

    Args:
        scores: the label's probability for each example.
        truth: whether each example has the label.
        default: the threshold to keep when nothing beats it.

    Returns:
        A float threshold in [0, 1].

    Example:

    >>> from kerastl.metrics.multi_label_metrics import best_f1_threshold
    >>> best_f1_threshold([0.9, 0.4, 0.3, 0.1], [True, True, False, False])
    0.35
    """
    scores, truth = np.asarray(scores, "float64"), np.asarray(truth, bool)
    positives = int(truth.sum())
    if positives == 0:
        return float(default)
    default_f1 = _f1_at(scores, truth, default)
    order = np.argsort(-scores, kind="stable")
    ranked, ranked_truth = scores[order], truth[order]
    true_positives = np.cumsum(ranked_truth)
    predicted = np.arange(1, len(ranked) + 1)
    f1 = 2 * true_positives / (predicted + positives)
    cuts = np.append(ranked[1:] < ranked[:-1], True)  # only between distinct scores (and below the lowest)
    below = np.append(ranked[1:], 0.0)
    thresholds = (ranked + below) / 2
    f1, thresholds = f1[cuts], thresholds[cuts]
    if f1.max() <= default_f1 + 1e-12:
        return float(default)
    candidates = np.flatnonzero(f1 >= f1.max() - 1e-12)
    return float(thresholds[candidates[np.argmin(np.abs(thresholds[candidates] - default))]])


def _f1_at(scores, truth, threshold):
    predicted = scores >= threshold
    return _precision_recall_f1((predicted & truth).sum(), predicted.sum(), truth.sum())["f1"]


def _precision_recall_f1(true_positives, predicted, support):
    precision = float(true_positives / predicted) if predicted else 0.0
    recall = float(true_positives / support) if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
