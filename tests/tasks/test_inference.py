"""The inference loop's memory: inside `reused_outputs` the model runs once per rows, options and weights."""

import numpy as np
import pytest

from kerastl.preprocessing.word_alignment import align_words
from kerastl.tasks import NerTask, SentimentTask, inference
from kerastl.tasks.inference import reused_outputs, weights_fingerprint

REVIEWS = [("a wonderful film", "positive"), ("an awful film", "negative"), ("great music", "positive"),
           ("dull music", "negative")]
SENTENCES = [(["John", "lives", "in", "Berlin"], ["B-PER", "O", "O", "B-LOC"]),
             (["the", "dog", "won"], ["O", "O", "O"])]


@pytest.fixture
def forwarded_rows(monkeypatch):
    """Rows each forward pass of any task ran, one count per `forward` call."""
    rows, forward_all = [], inference._forward_all

    def counting(task, features, batch_size, forward_options):
        outputs = forward_all(task, features, batch_size, forward_options)
        rows.append(len(outputs))
        return outputs

    monkeypatch.setattr(inference, "_forward_all", counting)
    return rows


@pytest.fixture(scope="module")
def sentiment(tiny_backbone):
    task = SentimentTask(str(tiny_backbone), max_length=16)
    task.prepare(task.read(REVIEWS))
    return task


def test_outside_the_block_every_call_runs_the_model(sentiment, forwarded_rows):
    records = sentiment.read(REVIEWS)
    sentiment.predict_outputs(records)
    sentiment.predict_outputs(records)
    assert forwarded_rows == [4, 4]


def test_inside_the_block_the_same_rows_and_weights_run_once(sentiment, forwarded_rows):
    records = sentiment.read(REVIEWS)
    with reused_outputs(sentiment):
        first = sentiment.predict_outputs(records)
        again = sentiment.predict_outputs(sentiment.read(REVIEWS))  # other records, the same rows
        sentiment.temperature = 2.0  # the base forward reads only the model: no new pass
        calibrated = sentiment.predict(records)
        sentiment.predict_outputs(records[:2])  # other rows
        sentiment.predict_outputs(records, batch_size=2)  # another batch size
    sentiment.temperature = 1.0
    assert forwarded_rows == [4, 2, 4]
    np.testing.assert_array_equal(np.stack(first), np.stack(again))
    assert calibrated[0].score == pytest.approx(float(np.max(
        np.exp(first[0] / 2.0) / np.exp(first[0] / 2.0).sum())), abs=1e-5)


def test_a_change_of_weights_runs_the_model_again(sentiment, forwarded_rows):
    records = sentiment.read(REVIEWS)
    with reused_outputs(sentiment):
        before = sentiment.predict_outputs(records)
        kernel = sentiment.model.trainable_weights[-2]  # the head's
        trained = kernel.numpy()
        kernel.assign(trained + np.random.default_rng(0).normal(size=trained.shape))  # as a training step would
        after = sentiment.predict_outputs(records)
        kernel.assign(trained)
    assert forwarded_rows == [4, 4]
    assert not np.allclose(np.stack(before), np.stack(after))


def test_the_fingerprint_follows_every_weight(sentiment):
    fingerprint = weights_fingerprint(sentiment.model)
    assert weights_fingerprint(sentiment.model) == fingerprint
    for weight in (sentiment.model.weights[0], sentiment.model.weights[-1]):
        values = weight.numpy()
        changed = values.copy()
        changed.flat[0] += 1e-3
        weight.assign(changed)
        assert weights_fingerprint(sentiment.model) != fingerprint, weight.path
        weight.assign(values)
    assert weights_fingerprint(sentiment.model) == fingerprint


def test_ner_reuses_its_logits_at_any_temperature_and_runs_again_when_forward_reads_a_change(tiny_backbone,
                                                                                             forwarded_rows):
    task = NerTask(str(tiny_backbone), scheme="iob2", max_length=16)
    task.prepare(task.read(SENTENCES))
    records = task.read(SENTENCES)
    with reused_outputs(task):
        cold = task.predict(records)
        task.temperature = 3.0  # applied in `decode`, to the same sub-token logits
        reused = task.predict(records)
        task.window_stride = 2  # `forward` cuts windows with it: a new pass
        task.predict(records)
    assert forwarded_rows == [2, 2]
    task.window_stride = None
    fresh = task.predict(records)  # outside the block, at temperature 3
    task.temperature = 1.0

    def scores(predictions):
        return [entity.score for prediction in predictions for entity in prediction.entities]

    assert [p.tags for p in reused] == [p.tags for p in fresh] == [p.tags for p in cold]
    assert scores(reused) == pytest.approx(scores(fresh), abs=1e-6)
    assert scores(reused) != pytest.approx(scores(cold), abs=1e-3)  # the temperature was applied


def test_blocks_nest_and_the_memory_ends_with_the_outer_block(sentiment, forwarded_rows):
    records = sentiment.read(REVIEWS)
    with reused_outputs(sentiment):
        with reused_outputs(sentiment):
            sentiment.predict_outputs(records)
        sentiment.predict_outputs(records)
    sentiment.predict_outputs(records)
    assert forwarded_rows == [4, 4]


def test_ner_batches_sentences_by_their_sub_tokens_not_their_words(tiny_backbone, monkeypatch):
    task = NerTask(str(tiny_backbone), scheme="iob2", max_length=64)
    task.prepare(task.read(SENTENCES))
    sentences = [["Qwzxkvjpy", "Zxqvbjkw"], ["the", "dog", "won"], ["the", "dog"], ["Jqxzvk", "the", "dog", "won"]]
    sub_tokens = align_words(task.tokenizer, sentences)["token_ids"].row_lengths().numpy().tolist()
    by_words = sorted(range(len(sentences)), key=lambda row: len(sentences[row]))
    by_sub_tokens = sorted(range(len(sentences)), key=lambda row: sub_tokens[row])
    assert by_words != by_sub_tokens, sub_tokens  # the rare words split into many sub-tokens
    forwarded, forward = [], NerTask.forward

    def recording_forward(self, batch):
        forwarded.extend(batch["words"].to_list())
        return forward(self, batch)

    monkeypatch.setattr(NerTask, "forward", recording_forward)
    task.predict_outputs(task.read(sentences), batch_size=1)
    assert [[word.decode() for word in row] for row in forwarded] == [sentences[row] for row in by_sub_tokens]
