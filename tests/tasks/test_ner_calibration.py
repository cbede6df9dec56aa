"""NER's temperature: entity scores calibrated against exact-match correctness, used by predict."""

import json

import numpy as np
import pytest

import kerastl
from kerastl.tasks.calibration import softmax_with_temperature
from kerastl.preprocessing.word_alignment import align_words
from kerastl.tagging import tags_to_spans
from kerastl.tasks import NerTask

TRAIN = [
    (["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
     ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O"]),
    (["John", "Smith", "was", "in", "Berlin"], ["B-PER", "I-PER", "O", "O", "B-LOC"]),
    (["the", "dog", "won", "in", "London"], ["O", "O", "O", "O", "B-LOC"]),
]
KEYS = {"method", "temperature", "ece_before", "ece_after", "nll_before", "nll_after", "bins"}


@pytest.fixture(scope="module")
def calibrated(tiny_backbone):
    # One epoch leaves the tiny model near random: many entities, some of them right.
    task = NerTask(str(tiny_backbone), scheme="iob2", max_length=16)
    task.fit(TRAIN, validation=TRAIN, epochs=1, batch_size=4, verbose=0)
    return task, task.read(TRAIN)


def right_entities(predictions, records):
    """How many predicted entities have the type and exact word span of a gold entity."""
    return sum((entity.type, entity.start_word, entity.end_word) in set(tags_to_spans(record["tags"]))
               for prediction, record in zip(predictions, records) for entity in prediction.entities)


def test_fit_with_validation_calibrates_the_entity_scores(calibrated):
    task, records = calibrated
    facts = task.calibration
    assert set(facts) >= KEYS and facts["bins"] == 15 and facts["temperature"] == task.get_config()["temperature"]
    assert facts["nll_after"] <= facts["nll_before"]
    predictions = task.predict(records)
    after = facts["reliability"]["after"]
    assert sum(after["count"]) == facts["entities"] == sum(len(p.entities) for p in predictions) > 0
    # An entity is right when it matches a gold entity exactly (type and span).
    assert sum(a * c for a, c in zip(after["accuracy"], after["count"]) if c) == pytest.approx(
        right_entities(predictions, records))
    json.dumps(facts)


def test_entity_scores_are_mean_word_tag_probabilities_at_the_temperature(calibrated):
    task, records = calibrated
    logits = task.predict_outputs(records)  # sub-token logits
    first_sub_tokens = align_words(task.tokenizer, [r["words"] for r in records])["is_first"].to_list()
    fitted, tags = task.temperature, None
    for temperature in (fitted, 4.0):
        task.temperature = temperature
        predictions = task.predict(records)
        assert tags is None or [p.tags for p in predictions] == tags  # the temperature changes scores only
        tags = [p.tags for p in predictions]
        for sentence_logits, first, prediction in zip(logits, first_sub_tokens, predictions):
            word_probabilities = softmax_with_temperature(sentence_logits[np.asarray(first, bool)], temperature)
            tag_ids = [task.label_set.names.index(tag) for tag in prediction.tags]
            for entity in prediction.entities:
                words = range(entity.start_word, entity.end_word)
                assert entity.score == pytest.approx(np.mean([word_probabilities[w, tag_ids[w]] for w in words]),
                                                     abs=1e-5)
    task.temperature = fitted


def test_temperature_is_saved_and_loaded(calibrated, tmp_path):
    task, _ = calibrated
    task.save(tmp_path / "model")
    loaded = kerastl.load(tmp_path / "model")
    assert loaded.temperature == task.temperature
    text = "Angela Merkel met John Smith in Berlin"
    assert [e.score for e in loaded.predict(text)[0].entities] == pytest.approx(
        [e.score for e in task.predict(text)[0].entities], abs=1e-6)


def test_report_shows_the_reliability_diagram(calibrated, tmp_path):
    task, records = calibrated
    items = task.report_figures(records, task.predict(records), tmp_path)
    assert "Calibration (reliability diagram)" in [item.title for item in items]
    assert (tmp_path / "reliability.png").stat().st_size > 5000


def test_a_temperature_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match=r"Received: temperature=-1"):
        NerTask(temperature=-1)
