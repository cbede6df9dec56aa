"""The plugin's own test, written with kerastl's public harness on a few CoNLL-2003 lines."""

import numpy as np
import pytest

from kerastl.testing import make_tiny_backbone, run_task_test
from kerastl_pos import PosPrediction, PosTask

# CoNLL-2003 columns: word, POS tag, chunk tag, NER tag; a blank line ends a sentence.
CONLL = """-DOCSTART- -X- -X- O

angela NNP B-NP B-PER
merkel NNP I-NP I-PER
met VBD B-VP O
the DT B-NP O
man NN I-NP O
in IN B-PP O
paris NNP B-NP B-LOC
. . O O

the DT B-NP O
big JJ I-NP O
dog NN I-NP O
won VBD B-VP O
the DT B-NP O
game NN I-NP O
. . O O

john NNP B-NP B-PER
smith NNP I-NP I-PER
loved VBD B-VP O
the DT B-NP O
red JJ I-NP O
car NN I-NP O

a DT B-NP O
small JJ I-NP O
cat NN I-NP O
lost VBD B-VP O
the DT B-NP O
vote NN I-NP O
. . O O
"""


@pytest.fixture(scope="module")
def backbone(tmp_path_factory):
    return make_tiny_backbone(tmp_path_factory.mktemp("backbone") / "tiny")


def test_pos_task_round_trip(backbone, tmp_path):
    train = tmp_path / "pos.conll"
    train.write_text(CONLL, encoding="utf-8")
    inputs = ["the red cat met john in london.", ["a", "dog"]]
    task, metrics, predictions = run_task_test(PosTask, backbone, str(train), inputs, tmp_path,
                                               task_options={"max_length": 16}, epochs=2)
    assert task.label_set.names == [".", "DT", "IN", "JJ", "NN", "NNP", "VBD"]
    assert isinstance(predictions[0], PosPrediction)
    assert predictions[0].words == ["the", "red", "cat", "met", "john", "in", "london", "."]
    assert len(predictions[0].tags) == 8 and set(predictions[0].tags) <= set(task.label_set.names)
    assert predictions[1].to_dict()["words"] == ["a", "dog"] and len(predictions[1].tags) == 2
    assert set(metrics) == {"accuracy", "words"} and metrics["words"] == 28 and 0 <= metrics["accuracy"] <= 1


def test_pos_column_chooses_the_tags_and_long_sentences_are_cut(backbone, tmp_path):
    train = tmp_path / "pos.conll"
    train.write_text(CONLL, encoding="utf-8")
    task = PosTask(str(backbone), max_length=8)
    assert task.read(str(train), pos_column=2)[0]["tags"][:3] == ["B-NP", "I-NP", "B-VP"]
    task.fit(str(train), epochs=1, batch_size=4, verbose=0)
    words = "the big dog won the game in paris and the man lost the vote".split()
    [prediction] = task.predict([words])
    assert len(prediction.tags) == len(words) and prediction.tags[-1] is None
    assert all(tag in task.label_set.names for tag in prediction.tags[:6])


def test_validation_loss_is_the_mean_loss_of_the_words_first_sub_tokens(backbone, tmp_path):
    train = tmp_path / "pos.conll"
    train.write_text(CONLL, encoding="utf-8")
    task = PosTask(str(backbone), max_length=16)
    records = task.read(str(train))
    task.prepare(records)
    outputs = task.predict_outputs(records)  # one row per word (its first sub-token)
    log_probabilities = [logits - np.log(np.exp(logits).sum(-1, keepdims=True)) for logits in outputs]
    losses = [-row[task.label_set.id_of(tag)] for r, rows in zip(records, log_probabilities)
              for tag, row in zip(task.tags(r), rows)]
    assert len(losses) == 28 and task.validation_loss(records, outputs) == pytest.approx(np.mean(losses), rel=1e-4)


def test_pos_export_serves_the_tags_of_predict(backbone, tmp_path):
    import tensorflow as tf

    from kerastl.export import export_task

    train = tmp_path / "pos.conll"
    train.write_text(CONLL, encoding="utf-8")
    task = PosTask(str(backbone), max_length=8)
    task.fit(str(train), epochs=2, batch_size=2, verbose=0)
    texts = ["the red cat met john in london.", "a dog", "angela merkel met the man in paris with the big red car"]
    export_task(task, tmp_path / "serving")
    outputs = tf.saved_model.load(str(tmp_path / "serving")).signatures["serving_default"](texts=tf.constant(texts))
    for row, prediction in enumerate(task.predict(texts)):
        count = int(outputs["word_count"][row])
        assert [w.decode() for w in outputs["words"][row][:count].numpy()] == prediction.words
        assert [t.decode() or None for t in outputs["tags"][row][:count].numpy()] == prediction.tags
    assert None in task.predict(texts[2:])[0].tags  # a sentence past max_length: its cut is served too
