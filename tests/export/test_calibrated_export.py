"""An export serves the task's temperature: scores served without kerastl equal predict's."""

import numpy as np

import kerastl
from kerastl.tasks.calibration import softmax_with_temperature
from kerastl.tasks import ClassificationTask, NerTask

REVIEWS = [("a wonderful film", "positive"), ("an awful movie", "negative")]
SENTENCES = [(["Angela", "Merkel", "met", "John", "in", "Paris"], ["B-PER", "I-PER", "O", "B-PER", "O", "B-LOC"])]
TEXTS = ["Angela Merkel met Emmanuel Macron in Paris.", "a dull film", ""]


def test_exported_classifier_divides_logits_by_the_temperature(tiny_backbone, tmp_path, export_and_serve):
    task = ClassificationTask(str(tiny_backbone), max_length=16, temperature=0.05)  # sharp, far from 1
    task.prepare(task.read(REVIEWS))
    task.save(tmp_path / "model")
    description, served = export_and_serve(tmp_path / "model", TEXTS)
    loaded = kerastl.load(tmp_path / "model")
    expected = loaded.predict(TEXTS)
    names = description["labels"]
    assert np.allclose(served["probabilities"], [[p.probabilities[n] for n in names] for p in expected], atol=1e-5)
    assert served["label"] == [p.label for p in expected]
    logits = np.stack(loaded.predict_outputs(loaded.read(TEXTS)))
    assert not np.allclose(served["probabilities"], softmax_with_temperature(logits, 1.0), atol=1e-3)


def test_exported_ner_scores_entities_at_the_temperature(tiny_backbone, tmp_path, export_and_serve):
    task = NerTask(str(tiny_backbone), scheme="iob2", max_length=16, temperature=3.0)
    task.prepare(task.read(SENTENCES))  # untrained: many entities
    task.save(tmp_path / "model")
    _, served = export_and_serve(tmp_path / "model", TEXTS)
    loaded = kerastl.load(tmp_path / "model")
    at_one = NerTask.from_config({**loaded.get_config(), "temperature": 1.0})
    at_one.model, at_one.tokenizer = loaded.model, loaded.tokenizer
    scores, uncalibrated_scores = [], []
    for row, (prediction, uncalibrated) in enumerate(zip(loaded.predict(TEXTS), at_one.predict(TEXTS))):
        count = served["entity_count"][row]
        assert count == len(prediction.entities) == len(uncalibrated.entities)
        assert np.allclose(served["entity_score"][row][:count], [e.score for e in prediction.entities], atol=1e-5)
        scores += served["entity_score"][row][:count]
        uncalibrated_scores += [e.score for e in uncalibrated.entities]
    assert scores and not np.allclose(scores, uncalibrated_scores, atol=1e-3)  # the temperature was served
