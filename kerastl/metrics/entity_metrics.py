"""Entity-level precision, recall and F1 (seqeval, conlleval-compatible), overall and per type."""


def entity_metrics(true_tags, predicted_tags):
    """Score predicted tag sequences against true ones at the entity level.

    An entity counts as found only when its type and its exact word span match, as conlleval and
    seqeval's default mode count them. Both sides are read as IOB2 (lenient: an I- tag that does
    not continue an entity starts one).

    Args:
        true_tags: the reference IOB2 tags, one list per sentence.
        predicted_tags: the predicted IOB2 tags, one list per sentence.

    Returns:
        A dict with `precision`, `recall`, `f1` (micro-averaged over entities), `sentences`,
        `entities` (the reference count) and `per_type`
        (`{type: {"precision", "recall", "f1", "support"}}`).

    Raises:
        ValueError: the two sides do not pair up sentence by sentence and word by word.

    Example:

    >>> from kerastl.metrics import entity_metrics
    >>> entity_metrics([["B-PER", "I-PER", "O"]], [["B-PER", "I-PER", "O"]])["f1"]
    1.0
    """
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    if len(true_tags) != len(predicted_tags):
        raise ValueError(
            f"Got {len(true_tags)} reference sentences but {len(predicted_tags)} predicted; they must pair up."
        )
    if not true_tags:
        raise ValueError("Cannot score an empty set of sentences.")
    for index, (truth, prediction) in enumerate(zip(true_tags, predicted_tags)):
        if len(truth) != len(prediction):
            raise ValueError(
                f"Sentence {index} has {len(truth)} reference tags but {len(prediction)} predicted; "
                "every word needs one tag on each side."
            )
    true_tags = [list(tags) for tags in true_tags]
    predicted_tags = [list(tags) for tags in predicted_tags]
    report = classification_report(true_tags, predicted_tags, output_dict=True, zero_division=0)
    per_type = {
        name: {
            "precision": float(row["precision"]),
            "recall": float(row["recall"]),
            "f1": float(row["f1-score"]),
            "support": int(row["support"]),
        }
        for name, row in report.items()
        if not name.endswith(" avg")
    }
    return {
        "precision": float(precision_score(true_tags, predicted_tags, zero_division=0)),
        "recall": float(recall_score(true_tags, predicted_tags, zero_division=0)),
        "f1": float(f1_score(true_tags, predicted_tags, zero_division=0)),
        "sentences": len(true_tags),
        "entities": sum(row["support"] for row in per_type.values()),
        "per_type": per_type,
    }
