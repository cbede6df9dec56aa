"""Best-epoch restore and early stopping on the task's own metric, also across a resumed run."""

import numpy as np
import pytest

from kerastl.errors import KerastlError
from kerastl.tasks import ClassificationTask
from kerastl.runs.train import run_training

ROWS = [("a wonderful film", "positive"), ("the best movie", "positive"), ("an awful film", "negative"),
        ("the worst movie", "negative"), ("great music", "positive"), ("dull music", "negative")]
#: Scripted validation accuracy of epochs 1, 2, 3...: the best is epoch 2; with patience 2 training
#: stops after epoch 4.
SCORES = [0.5, 0.8, 0.6, 0.7, 0.9, 0.95]


@pytest.fixture()
def scripted_scores(monkeypatch):
    """Make the validation accuracy of epoch N be SCORES[N - 1] (N read off the optimizer's step
    count, so a resumed run scores its epochs as an uninterrupted one)."""
    score = ClassificationTask.score

    def scripted(self, records, predictions):
        metrics = score(self, records, predictions)
        epoch = int(self.model.optimizer.iterations.numpy()) // STEPS_PER_EPOCH
        metrics["accuracy"] = SCORES[epoch - 1] if records is self.scored_records else metrics["accuracy"]
        return metrics

    monkeypatch.setattr(ClassificationTask, "score", scripted)


STEPS_PER_EPOCH = 3  # six examples, batches of two


class WeightsEachEpoch:
    """Keras callback recording the weights at the end of every epoch."""

    def __new__(cls):
        import keras

        class Recorder(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.weights = {}

            def on_epoch_end(self, epoch, logs=None):
                self.weights[epoch + 1] = [np.array(w) for w in self.model.get_weights()]

        return Recorder()


def fitted(tiny_backbone, scripted_scores, **fit_options):
    task = ClassificationTask(str(tiny_backbone), max_length=16, learning_rate=1e-3)
    validation = task.read(ROWS[:3])
    task.scored_records = validation
    recorder = WeightsEachEpoch()
    task.fit(ROWS, validation=validation, epochs=6, batch_size=2, verbose=0, callbacks=[recorder], **fit_options)
    return task, recorder


def test_patience_stops_after_epochs_without_a_better_score_and_keeps_the_best(tiny_backbone, scripted_scores):
    task, recorder = fitted(tiny_backbone, scripted_scores, early_stopping_patience=2)
    assert sorted(recorder.weights) == [1, 2, 3, 4]  # epochs 3 and 4 did not beat epoch 2
    assert task.trainer.best_epoch.summary()["epoch"] == 2
    assert task.trainer.best_epoch.summary()["stopped_early"] is True
    for kept, epoch_two in zip(task.model.get_weights(), recorder.weights[2]):
        np.testing.assert_array_equal(kept, epoch_two)


def test_without_patience_every_epoch_runs_and_restore_best_keeps_the_best(tiny_backbone, scripted_scores):
    task, recorder = fitted(tiny_backbone, scripted_scores, restore_best=True)
    assert sorted(recorder.weights) == [1, 2, 3, 4, 5, 6]
    assert task.trainer.best_epoch.summary()["epoch"] == 6
    last, _ = fitted(tiny_backbone, scripted_scores)
    assert last.trainer.best_epoch is None  # by default the last epoch is kept, as in Keras


def test_patience_without_validation_data_says_what_to_pass(tiny_backbone):
    task = ClassificationTask(str(tiny_backbone), max_length=16)
    with pytest.raises(KerastlError, match="need validation data.*--validation"):
        task.fit(ROWS, epochs=2, batch_size=2, verbose=0, early_stopping_patience=2)


class Interrupt(Exception):
    pass


def test_a_run_interrupted_after_its_best_epoch_resumes_with_the_best_weights(tiny_backbone, scripted_scores,
                                                                              tmp_path, monkeypatch):
    """`kerastl train` with checkpoints, stopped in epoch 3, run again: it stops after epoch 4 and
    saves epoch 2's weights, as the uninterrupted run does; metrics.json says so."""
    import json

    import keras

    import kerastl

    (tmp_path / "train.tsv").write_text("sentence\tlabel\n" + "".join(f"{t}\t{l}\n" for t, l in ROWS))
    (tmp_path / "dev.tsv").write_text("sentence\tlabel\n" + "".join(f"{t}\t{l}\n" for t, l in ROWS[:3]))
    read = ClassificationTask.read

    def read_marking_validation(self, source, **options):
        records = read(self, source, **options)
        if str(source).endswith("dev.tsv"):
            self.scored_records = records
        return records

    monkeypatch.setattr(ClassificationTask, "read", read_marking_validation)
    options = dict(validation=tmp_path / "dev.tsv", task_options={"backbone": str(tiny_backbone), "max_length": 16,
                                                                   "learning_rate": 1e-3},
                   epochs=6, batch_size=2, verbose=0, train_sample=0, checkpoint_every=1, early_stopping_patience=2)
    whole = run_training("sentiment", tmp_path / "train.tsv", tmp_path / "whole", **options)

    fit = keras.Model.fit
    calls = []

    def fit_interrupted_in_epoch_three(model, *args, **kwargs):
        calls.append(kwargs.get("initial_epoch"))
        if kwargs.get("initial_epoch") == 2 and calls.count(2) == 1:
            raise Interrupt()
        return fit(model, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", fit_interrupted_in_epoch_three)
    with pytest.raises(Interrupt):
        run_training("sentiment", tmp_path / "train.tsv", tmp_path / "resumed", **options)
    resumed = run_training("sentiment", tmp_path / "train.tsv", tmp_path / "resumed", **options)
    for summary in (whole, resumed):
        assert summary["kept_epoch"]["epoch"] == 2 and summary["kept_epoch"]["last_epoch"] == 4
        assert summary["kept_epoch"]["stopped_early"] is True
        assert len(summary["per_epoch"]) == 4
    saved = json.loads((tmp_path / "resumed" / "metrics.json").read_text())
    assert saved["kept_epoch"]["value"] == SCORES[1]
    texts = [text for text, _ in ROWS]
    whole_scores = [p.score for p in kerastl.load(tmp_path / "whole").predict(texts)]
    resumed_scores = [p.score for p in kerastl.load(tmp_path / "resumed").predict(texts)]
    assert resumed_scores == pytest.approx(whole_scores, abs=1e-6)
