"""Error analysis for run reports: the examples a model gets wrong, as report tables and sentences.

Every function here takes plain values (texts, labels, spans) and returns JSON-ready data for a
`kerastl.reporting.ReportItem`; the tasks' `report_figures` gather those values from their
records and predictions.
"""

from collections import Counter

#: How many examples an error-analysis item shows.
ERROR_EXAMPLES = 20
#: Longer texts are cut to this many characters (and an ellipsis) in tables.
LONGEST_TEXT = 400
#: The row and column of entities found on one side only.
MISSED = "(missed)"
SPURIOUS = "(spurious)"


def confident_mistakes(texts, true_labels, predicted_labels, scores, limit=ERROR_EXAMPLES):
    """The wrongly classified examples the model was surest of, most confident first.

    Args:
        texts: the examples' texts.
        true_labels: their gold labels.
        predicted_labels: the predicted labels, in the same order.
        scores: the probability the model gave its predicted label.
        limit: how many mistakes to keep.

    Returns:
        A report table `{"columns": ["text", "gold", "predicted", "score"], "rows": [...]}`
        (no rows when every example is right); texts longer than `LONGEST_TEXT` are cut.

    Example:

    >>> from kerastl.reporting.error_analysis import confident_mistakes
    >>> confident_mistakes(["good", "bad", "fine"], ["pos", "neg", "pos"], ["neg", "neg", "neg"],
    ...                    [0.6, 0.9, 0.8])["rows"]
    [['fine', 'pos', 'neg', 0.8], ['good', 'pos', 'neg', 0.6]]
    """
    mistakes = [(float(score), index) for index, (true, predicted, score)
                in enumerate(zip(true_labels, predicted_labels, scores)) if true != predicted]
    mistakes.sort(key=lambda pair: (-pair[0], pair[1]))
    rows = [[_shortened(texts[index]), str(true_labels[index]), str(predicted_labels[index]), round(score, 4)]
            for score, index in mistakes[:limit]]
    return {"columns": ["text", "gold", "predicted", "score"], "rows": rows}


def worst_translations(sources, references, translations, chrf_scores, limit=ERROR_EXAMPLES):
    """The translations with the lowest sentence chrF, worst first.

    Args:
        sources: the source sentences.
        references: their reference translations.
        translations: the model's translations, in the same order.
        chrf_scores: each translation's sentence chrF (`kerastl.metrics.sentence_chrf`).
        limit: how many translations to keep.

    Returns:
        A report table with the columns source, reference, translation and chrF.

    Example:

    >>> from kerastl.reporting.error_analysis import worst_translations
    >>> worst_translations(["a", "b"], ["A", "B"], ["A", "x"], [100.0, 0.0], limit=1)["rows"]
    [['b', 'B', 'x', 0.0]]
    """
    order = sorted(range(len(chrf_scores)), key=lambda index: (chrf_scores[index], index))[:limit]
    return translation_table(sources, references, translations, chrf_scores, order)


def translation_table(sources, references, translations, chrf_scores, indices):
    """A report table of the translations at `indices`, in that order, beside source, reference and chrF.

    Example:

    >>> from kerastl.reporting.error_analysis import translation_table
    >>> translation_table(["a"], ["A"], ["A"], [100.0], [0])["columns"]
    ['source', 'reference', 'translation', 'chrF']
    """
    rows = [[sources[i], references[i], translations[i], round(float(chrf_scores[i]), 1)] for i in indices]
    return {"columns": ["source", "reference", "translation", "chrF"], "rows": rows}


def sentences_with_mistakes(texts, gold_spans, predicted_spans, limit=ERROR_EXAMPLES):
    """Sentences with their gold and predicted entities, those with mistakes first.

    A mistake is an entity on one side without an identical one (same span and type) on the
    other. The sentences with mistakes keep their order (sorting by the number of mistakes would
    show only the longest lists of names); sentences without fill the list up when there are
    fewer than `limit` with.

    Args:
        texts: the sentences.
        gold_spans: per sentence, `[start, end, type]` character spans of the gold entities.
        predicted_spans: per sentence, the predicted ones.
        limit: how many sentences to keep.

    Returns:
        A list of `{"text", "gold", "predicted"}` dicts, as `ReportItem(spans=...)` takes.

    Example:

    >>> from kerastl.reporting.error_analysis import sentences_with_mistakes
    >>> sentences_with_mistakes(["Ann sang", "Bob ran"], [[[0, 3, "PER"]], [[0, 3, "PER"]]],
    ...                         [[[0, 3, "PER"]], []], limit=1)
    [{'text': 'Bob ran', 'gold': [[0, 3, 'PER']], 'predicted': []}]
    """
    def right(index):
        return {tuple(span) for span in gold_spans[index]} == {tuple(span) for span in predicted_spans[index]}

    order = sorted(range(len(texts)), key=lambda index: (right(index), index))[:limit]
    return [{"text": texts[i], "gold": [list(span) for span in gold_spans[i]],
             "predicted": [list(span) for span in predicted_spans[i]]} for i in order]


def entity_confusion(gold_spans, predicted_spans):
    """Count, at entity level, which type the model gave each gold entity.

    Each gold entity is paired with the not yet paired predicted entity that overlaps it most
    (one of its own type first when overlaps tie); a gold entity left alone is "missed", a
    predicted one "spurious". Boundaries need not match: a paired entity counts under its
    predicted type even when its span differs.

    Args:
        gold_spans: per sentence, `[start, end, type]` spans of the gold entities.
        predicted_spans: per sentence, the predicted ones (same units as the gold ones).

    Returns:
        A report table: one row per type (gold) and a last "(spurious)" row; one column per
        type (predicted) and a last "(missed)" column.

    Example:

    >>> from kerastl.reporting.error_analysis import entity_confusion
    >>> entity_confusion([[[0, 2, "PER"], [5, 7, "LOC"]]], [[[0, 2, "ORG"], [9, 10, "LOC"]]])["rows"]
    [['LOC', 0, 0, 0, 1], ['ORG', 0, 0, 0, 0], ['PER', 0, 1, 0, 0], ['(spurious)', 1, 0, 0, '']]
    """
    counts = Counter()
    for gold, predicted in zip(gold_spans, predicted_spans):
        for pair in _paired_types(gold, predicted):
            counts[pair] += 1
    types = sorted({kind for pair in counts for kind in pair} - {MISSED, SPURIOUS})
    rows = [[gold] + [counts[gold, predicted] for predicted in types] + [counts[gold, MISSED]] for gold in types]
    rows.append([SPURIOUS] + [counts[SPURIOUS, predicted] for predicted in types] + [""])
    return {"columns": ["gold \\ predicted", *types, MISSED], "rows": rows}


def _paired_types(gold, predicted):
    """`(gold type, predicted type)` of each entity of one sentence, MISSED and SPURIOUS for the unpaired."""
    unpaired = list(predicted)
    for start, end, kind in gold:
        overlaps = [(min(end, p_end) - max(start, p_start), p_kind == kind, index)
                    for index, (p_start, p_end, p_kind) in enumerate(unpaired) if min(end, p_end) > max(start, p_start)]
        if not overlaps:
            yield kind, MISSED
            continue
        _, _, best = max(overlaps, key=lambda overlap: (overlap[0], overlap[1], -overlap[2]))
        yield kind, unpaired.pop(best)[2]
    for _, _, kind in unpaired:
        yield SPURIOUS, kind


def _shortened(text):
    return text if len(text) <= LONGEST_TEXT else text[:LONGEST_TEXT].rstrip() + "…"
