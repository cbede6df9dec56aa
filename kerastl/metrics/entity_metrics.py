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
    true_entities = _entities_by_type(true_tags)
    predicted_entities = _entities_by_type(predicted_tags)
    counts = {name: _counts(true_entities.get(name, set()), predicted_entities.get(name, set()))
              for name in sorted(set(true_entities) | set(predicted_entities))}
    per_type = {name: {**_scores(*count), "support": count[2]} for name, count in counts.items()}
    totals = [sum(column) for column in zip(*counts.values())] or [0, 0, 0]
    return {
        **_scores(*totals),
        "sentences": len(true_tags),
        "entities": totals[2],
        "per_type": per_type,
    }


def _entities_by_type(tag_sequences):
    """`{type: {(start, end), ...}}` of every entity, positions counted over all sentences
    (seqeval's conlleval-compatible chunker; a sentence boundary ends an entity)."""
    from seqeval.metrics.sequence_labeling import get_entities

    entities = {}
    for kind, start, end in get_entities([list(tags) for tags in tag_sequences]):
        entities.setdefault(kind, set()).add((start, end))
    return entities


def _counts(true_entities, predicted_entities):
    """(correct, predicted, reference) entity counts."""
    return len(true_entities & predicted_entities), len(predicted_entities), len(true_entities)


def _scores(correct, predicted, reference):
    """Precision, recall and F1 from entity counts; 0 where a ratio has nothing to divide by."""
    precision = correct / predicted if predicted else 0.0
    recall = correct / reference if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
