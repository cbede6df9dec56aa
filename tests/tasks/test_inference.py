"""The inference loop keeps nothing: every call runs the model, and outputs are handed on instead
(the epoch metrics keep the last epoch's, `Trainer.fit` leaves those of the final weights, and
calibration reads them without running the model)."""

import numpy as np
import pytest

from kerastl.preprocessing.word_alignment import align_words
from kerastl.tasks import MultiLabelTask, NerTask, SentimentTask
from kerastl.training import EpochMetricsCallback

REVIEWS = [("a wonderful film", "positive"), ("an awful film", "negative"), ("great music", "positive"),
           ("dull music", "negative")]
SENTENCES = [(["John", "lives", "in", "Berlin"], ["B-PER", "O", "O", "B-LOC"]),
             (["the", "dog", "won"], ["O", "O", "O"])]


@pytest.fixture
def sentiment(tiny_backbone):
    task = SentimentTask(str(tiny_backbone), max_length=16)
    task.prepare(task.read(REVIEWS))
    return task


def test_every_call_runs_the_model(sentiment, model_rows):
    records = sentiment.read(REVIEWS)
    first = sentiment.predict_outputs(records)
    again = sentiment.predict_outputs(sentiment.read(REVIEWS))
    sentiment.predict_outputs(records[:2], batch_size=1)
    assert model_rows == [4, 4, 1, 1]
    np.testing.assert_array_equal(np.stack(first), np.stack(again))


def test_decode_applies_the_temperature_to_given_outputs(sentiment, model_rows):
    records = sentiment.read(REVIEWS)
    logits = sentiment.predict_outputs(records)
    sentiment.temperature = 2.0  # read by `decode` only: the same logits serve every temperature
    decoded = sentiment.decode(logits, records)
    assert model_rows == [4]
    predicted = sentiment.predict(records)
    for decoded_one, predicted_one in zip(decoded, predicted):
        assert decoded_one.probabilities == pytest.approx(predicted_one.probabilities, abs=1e-6)
    assert decoded[0].score == pytest.approx(float(np.max(
        np.exp(logits[0] / 2.0) / np.exp(logits[0] / 2.0).sum())), abs=1e-5)


def test_classification_calibrates_on_the_outputs_it_is_given(sentiment, model_rows):
    records = sentiment.read(REVIEWS)
    logits = sentiment.predict_outputs(records)
    facts = sentiment.calibrate(records, logits)
    assert model_rows == [4], "calibration ran the model"
    assert facts["temperature"] == sentiment.temperature and facts["examples"] == 4
    # Made-up logits (labels: positive, negative, positive, negative): what they say is what it fits.
    over_confident = np.array([[0.0, 8.0], [8.0, 0.0], [8.0, 0.0], [8.0, 0.0]])  # sure, and one wrong
    assert sentiment.calibrate(records, list(over_confident))["temperature"] > 1.0
    right = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])  # all right, and unsure
    facts = sentiment.calibrate(records, list(right))
    assert facts["temperature"] < 1.0 and facts["nll_before"] == pytest.approx(np.log(1.0 + np.exp(-1.0)))
    assert model_rows == [4]


def test_multi_label_calibrates_its_thresholds_on_the_outputs_it_is_given(tiny_backbone, model_rows):
    train = [("great music", ["music", "positive"]), ("an awful film", ["negative"]), ("the city", [])]
    task = MultiLabelTask(str(tiny_backbone), max_length=16)
    task.prepare(task.read(train))
    records = task.read(train)
    logits = task.predict_outputs(records)
    facts = task.calibrate(records, logits)
    assert model_rows == [3], "calibration ran the model"
    assert list(facts["thresholds"].values()) == pytest.approx(task.thresholds, abs=1e-4)
    assert [p.labels for p in task.decode(logits, records)] == [p.labels for p in task.predict(records)]


def test_fit_leaves_the_validation_outputs_of_its_final_weights(tiny_backbone, model_rows):
    task = SentimentTask(str(tiny_backbone), max_length=16)
    validation = task.read(REVIEWS[:3])
    callback = EpochMetricsCallback(task, validation, train_sample=0, verbose=False)
    task.fit(REVIEWS, validation=validation, epochs=2, batch_size=2, verbose=0, callbacks=[callback])
    # One pass an epoch; the last one is what calibration read and what the trainer leaves.
    assert sum(model_rows) == 2 * 3
    assert task.trainer.validation_outputs is callback.last_validation_outputs
    np.testing.assert_allclose(np.stack(task.trainer.validation_outputs), np.stack(task.predict_outputs(validation)),
                               atol=1e-6)
    assert task.calibration["examples"] == 3


def test_without_the_epoch_metrics_fit_predicts_the_validation_records_once(tiny_backbone, model_rows):
    task = SentimentTask(str(tiny_backbone), max_length=16)
    validation = task.read(REVIEWS[:3])
    task.fit(REVIEWS, validation=validation, epochs=2, batch_size=2, verbose=0)
    assert sum(model_rows) == 3  # Keras computed val_loss; the outputs came from one pass at the end
    np.testing.assert_allclose(np.stack(task.trainer.validation_outputs), np.stack(task.predict_outputs(validation)),
                               atol=1e-6)


@pytest.mark.parametrize("restore_best", [True, False], ids=["restored", "kept"])
def test_restoring_an_earlier_epoch_runs_exactly_one_more_pass(tiny_backbone, model_rows, restore_best):
    task = SentimentTask(str(tiny_backbone), max_length=16, learning_rate=3e-3, warmup_ratio=0.0)
    scores = iter([0.9, 0.5, 0.4])  # the first epoch is the best
    task.score = lambda records, predictions: {"examples": len(records), "accuracy": next(scores)}
    validation = task.read(REVIEWS[:3])
    callback = EpochMetricsCallback(task, validation, train_sample=0, verbose=False)
    task.fit(REVIEWS, validation=validation, epochs=3, batch_size=2, verbose=0, callbacks=[callback],
             restore_best=restore_best, calibrate=False)
    fresh = np.stack(task.predict_outputs(validation))
    np.testing.assert_allclose(np.stack(task.trainer.validation_outputs), fresh, atol=1e-6)
    if restore_best:
        assert task.trainer.best_epoch.best_epoch == 1
        assert sum(model_rows) == 3 * 3 + 3 + 3  # an epoch each, one under the restored weights, `fresh`
        assert not np.allclose(np.stack(callback.last_validation_outputs), fresh, atol=1e-4)
    else:
        assert sum(model_rows) == 3 * 3 + 3
        assert task.trainer.validation_outputs is callback.last_validation_outputs


def test_ner_decodes_its_logits_at_any_temperature(tiny_backbone):
    task = NerTask(str(tiny_backbone), scheme="iob2", max_length=16)
    task.prepare(task.read(SENTENCES))
    records = task.read(SENTENCES)
    logits = task.predict_outputs(records)
    cold = task.decode(logits, records)
    task.temperature = 3.0  # applied in `decode`, to the same sub-token logits
    reused = task.decode(logits, records)
    fresh = task.predict(records)

    def scores(predictions):
        return [entity.score for prediction in predictions for entity in prediction.entities]

    assert [p.tags for p in reused] == [p.tags for p in fresh] == [p.tags for p in cold]
    assert scores(reused) == pytest.approx(scores(fresh), abs=1e-6)
    assert scores(reused) != pytest.approx(scores(cold), abs=1e-3)  # the temperature was applied


def test_ner_batches_sentences_by_their_sub_tokens_not_their_words(tiny_backbone, monkeypatch):
    task = NerTask(str(tiny_backbone), scheme="iob2", max_length=64)
    task.prepare(task.read(SENTENCES))
    sentences = [["Qwzxkvjpy", "Zxqvbjkw"], ["the", "dog", "won"], ["the", "dog"], ["Jqxzvk", "the", "dog", "won"]]
    token_ids = align_words(task.tokenizer, sentences)["token_ids"].to_list()
    sub_tokens = [len(row) for row in token_ids]
    by_words = sorted(range(len(sentences)), key=lambda row: len(sentences[row]))
    by_sub_tokens = sorted(range(len(sentences)), key=lambda row: sub_tokens[row])
    assert by_words != by_sub_tokens, sub_tokens  # the rare words split into many sub-tokens
    forwarded, forward = [], NerTask.forward

    def recording_forward(self, batch):
        forwarded.extend(batch["token_ids"].to_list())
        return forward(self, batch)

    monkeypatch.setattr(NerTask, "forward", recording_forward)
    task.predict_outputs(task.read(sentences), batch_size=1)
    assert forwarded == [token_ids[row] for row in by_sub_tokens]
