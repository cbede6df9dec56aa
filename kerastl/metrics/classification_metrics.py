"""Accuracy, macro-F1 and per-class precision / recall / F1 for single-label classification."""


def classification_metrics(true_labels, predicted_labels, label_names):
    """Score predicted labels against true ones.

    Args:
        true_labels: the reference label of each example.
        predicted_labels: the predicted label of each example.
        label_names: every label the model knows (classes never seen still count in macro-F1).

    Returns:
        A dict with `accuracy`, `macro_f1`, `examples` and `per_class`
        (`{label: {"precision", "recall", "f1", "support"}}`).

    Example:

    >>> from kerastl.metrics import classification_metrics
    >>> classification_metrics(["a", "b"], ["a", "a"], ["a", "b"])["accuracy"]
    0.5
    """
    if len(true_labels) != len(predicted_labels):
        raise ValueError(
            f"Got {len(true_labels)} true labels but {len(predicted_labels)} predictions; they must pair up."
        )
    if not true_labels:
        raise ValueError("Cannot score an empty set of examples.")
    correct = sum(t == p for t, p in zip(true_labels, predicted_labels))
    per_class = {}
    present = []  # F1 of the classes that occur in the references or the predictions
    for label in label_names:
        true_positive = sum(t == label and p == label for t, p in zip(true_labels, predicted_labels))
        predicted = sum(p == label for p in predicted_labels)
        support = sum(t == label for t in true_labels)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[str(label)] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        if support or predicted:
            present.append(f1)
    return {
        "accuracy": correct / len(true_labels),
        "macro_f1": sum(present) / len(present),
        "examples": len(true_labels),
        "per_class": per_class,
    }
