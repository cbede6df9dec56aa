"""Each task's `report_figures` adds its error analysis, on constructed records and predictions (no model)."""

from kerastl.reporting import ReportItem
from kerastl.tasks import ClassificationTask, NerTask, TranslationTask
from kerastl.tasks.classification.prediction import ClassificationPrediction
from kerastl.tasks.ner.entity import Entity
from kerastl.tasks.ner.prediction import NerPrediction
from kerastl.tasks.translation.prediction import TranslationPrediction


def _item(items, title):
    [item] = [item for item in items if item.title.startswith(title)]
    return ReportItem.from_dict(item.to_dict())  # as `kerastl report` reads it back


def test_classification_lists_the_most_confident_mistakes(tmp_path):
    task = ClassificationTask(labels=["negative", "positive"])
    examples = [("dull", "negative", "positive", 0.55), ("great", "positive", "positive", 0.99),
                ("awful", "negative", "positive", 0.91), ("fine", "positive", "negative", 0.7)]
    records = [{"text": text, "label": label} for text, label, _, _ in examples]
    predictions = [ClassificationPrediction(text=text, label=predicted, score=score,
                                            probabilities={predicted: score})
                   for text, _, predicted, score in examples]
    item = _item(task.report_figures(records, predictions, tmp_path), "Most confident mistakes")
    assert item.table["rows"] == [["awful", "negative", "positive", 0.91], ["fine", "positive", "negative", 0.7],
                                  ["dull", "negative", "positive", 0.55]]
    assert "(of 3)" in item.caption
    right = [ClassificationPrediction(text=t, label=g, score=0.9, probabilities={}) for t, g, _, _ in examples]
    assert not [i for i in task.report_figures(records, right, tmp_path) if i.title == "Most confident mistakes"]


def _entity(kind, words, start, end):
    start_char = len(" ".join(words[:start])) + (1 if start else 0)
    text = " ".join(words[start:end])
    return Entity(type=kind, text=text, start_word=start, end_word=end, start_char=start_char,
                  end_char=start_char + len(text), score=0.9)


def test_ner_marks_gold_and_predicted_entities_and_counts_confusions(tmp_path):
    task = NerTask(labels=["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"])
    first = ["Ann", "Lee", "flew", "to", "New", "York"]
    second = ["Acme", "hired", "Bob"]
    records = [{"words": first, "tags": ["I-PER", "I-PER", "O", "O", "I-LOC", "I-LOC"]},  # IOB1, as CoNLL-2003
               {"words": second, "tags": ["I-ORG", "O", "I-PER"]}]
    predicted_tags = [["B-PER", "I-PER", "O", "O", "B-ORG", "O"], ["B-ORG", "O", "B-PER"]]
    predictions = [NerPrediction(text=" ".join(words), words=words, tags=tags, entities=entities) for
                   words, tags, entities in
                   ((first, predicted_tags[0], [_entity("PER", first, 0, 2), _entity("ORG", first, 4, 5)]),
                    (second, predicted_tags[1], [_entity("ORG", second, 0, 1), _entity("PER", second, 2, 3)]))]
    items = task.report_figures(records, predictions, tmp_path)
    sentences = _item(items, "Sentences with mistakes").spans
    assert sentences[0] == {"text": "Ann Lee flew to New York", "gold": [[0, 7, "PER"], [16, 24, "LOC"]],
                            "predicted": [[0, 7, "PER"], [16, 19, "ORG"]]}
    assert sentences[1]["gold"] == sentences[1]["predicted"] == [[0, 4, "ORG"], [11, 14, "PER"]]
    confusion = _item(items, "Entity types confused").table
    assert confusion["columns"] == ["gold \\ predicted", "LOC", "ORG", "PER", "(missed)"]
    assert confusion["rows"] == [["LOC", 0, 1, 0, 0], ["ORG", 0, 1, 0, 0], ["PER", 0, 0, 2, 0],
                                 ["(spurious)", 0, 0, 0, ""]]


def test_translation_lists_the_worst_translations_by_sentence_chrf(tmp_path):
    task = TranslationTask()
    records = [{"source": "a man rides", "target": "ein Mann fährt Rad"},
               {"source": "a dog", "target": "ein Hund"},
               {"source": "two cats", "target": "zwei Katzen schlafen"}]
    translations = ["ein Mann fährt Rad", "Katze", "zwei Katzen"]
    predictions = [TranslationPrediction(source=r["source"], translation=t, tokens=[])
                   for r, t in zip(records, translations)]
    rows = _item(task.report_figures(records, predictions, tmp_path), "Worst translations").table["rows"]
    assert [row[0] for row in rows] == ["a dog", "two cats", "a man rides"]
    assert rows[0][1:3] == ["ein Hund", "Katze"]
    assert rows[2][3] == 100.0 and rows[0][3] < rows[1][3] < 100.0
