"""`kerastl train`'s flow runs one way: each file read once, validation predicted once per epoch."""

import numpy as np
import pytest

from kerastl.preprocessing.padding import padded_batch
from kerastl.reporting import headline_metrics
from kerastl.runs.train import run_training
from kerastl.tasks import ClassificationTask, NerTask
from kerastl.training import EpochMetricsCallback

TRAIN = "sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in [
    ("a wonderful film", "positive"), ("the best movie", "positive"), ("an awful film", "negative"),
    ("the worst movie", "negative"), ("great music", "positive"), ("dull music", "negative")])
VALIDATION = "sentence\tlabel\ngreat film\tpositive\nawful music\tnegative\nthe best music\tpositive\n"


@pytest.fixture
def keras_passes(monkeypatch):
    """One entry per validation pass Keras runs itself (`evaluate`, as `fit` runs it)."""
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

    passes, evaluate = [], TensorFlowTrainer.evaluate
    monkeypatch.setattr(TensorFlowTrainer, "evaluate",
                        lambda self, *args, **kwargs: passes.append(1) or evaluate(self, *args, **kwargs))
    return passes


@pytest.mark.parametrize("calibrate", [False, True], ids=["no-calibrate", "calibrate"])
def test_files_are_read_once_and_validation_is_predicted_once_per_epoch(tiny_backbone, tmp_path, monkeypatch,
                                                                        model_rows, calibrate):
    (tmp_path / "train.tsv").write_text(TRAIN, encoding="utf-8")
    (tmp_path / "dev.tsv").write_text(VALIDATION, encoding="utf-8")
    files_read, read_file = [], ClassificationTask.read_file

    def counting_read_file(self, path, **options):
        files_read.append(path.name)
        return read_file(self, path, **options)

    monkeypatch.setattr(ClassificationTask, "read_file", counting_read_file)
    summary = run_training("sentiment", tmp_path / "train.tsv", tmp_path / "run", validation=tmp_path / "dev.tsv",
                           task_options={"backbone": str(tiny_backbone), "max_length": 16}, epochs=2,
                           batch_size=2, verbose=0, train_sample=0, calibrate=calibrate)
    assert sorted(files_read) == ["dev.tsv", "train.tsv"]
    # Two epochs, three validation examples: one pass an epoch, none repeated for calibration, the
    # summary or the report (calibration's logits and the calibrated predictions are the last epoch's).
    assert sum(model_rows) == 2 * 3
    assert headline_metrics(summary["validation"]) == summary["per_epoch"][-1]["validation"]
    assert summary["report_items"], "the report figures come from the last epoch's predictions"


def fit_with_epoch_metrics(task, train, validation, keras_passes):
    """Fit 2 epochs with `EpochMetricsCallback`; check Keras ran no validation pass and its
    `History` holds the callback's `val_loss`. Returns the validation records and the callback."""
    records = task.read(validation)
    callback = EpochMetricsCallback(task, records, train_sample=0, verbose=False)
    history = task.fit(train, validation=records, epochs=2, batch_size=2, verbose=0, callbacks=[callback],
                       calibrate=False)
    assert keras_passes == [], "Keras ran a validation pass of its own"
    assert history.history["val_loss"] == [entry["val_loss"] for entry in callback.epochs]
    return records, callback


def test_the_validation_loss_comes_from_the_epoch_prediction_pass(tiny_backbone, tmp_path, keras_passes):
    (tmp_path / "train.tsv").write_text(TRAIN, encoding="utf-8")
    (tmp_path / "dev.tsv").write_text(VALIDATION, encoding="utf-8")
    task = ClassificationTask(str(tiny_backbone), max_length=16)
    validation, callback = fit_with_epoch_metrics(task, tmp_path / "train.tsv", tmp_path / "dev.tsv", keras_passes)
    logits = np.stack(task.predict_outputs(validation)).astype("float64")
    log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    true_ids = task.label_set.ids(validation)
    expected = -log_probabilities[np.arange(len(true_ids)), true_ids].mean()
    assert callback.epochs[-1]["val_loss"] == pytest.approx(expected, rel=1e-4)


def test_without_the_epoch_metrics_keras_computes_the_validation_loss(tiny_backbone, tmp_path):
    (tmp_path / "train.tsv").write_text(TRAIN, encoding="utf-8")
    (tmp_path / "dev.tsv").write_text(VALIDATION, encoding="utf-8")
    task = ClassificationTask(str(tiny_backbone), max_length=16)
    history = task.fit(tmp_path / "train.tsv", validation=tmp_path / "dev.tsv", epochs=1, batch_size=2, verbose=0,
                       calibrate=False)
    assert set(history.history) >= {"val_loss", "val_accuracy"}


CONLL_TRAIN = "John B-PER\nlives O\nin O\nBerlin B-LOC\n\nthe O\ndog O\nwon O\n\nMary B-PER\nmet O\nPaul B-PER\n"
CONLL_VALIDATION = "Anna B-PER\nwent O\nto O\nParis B-LOC\n\nthe O\ncat O\nslept O\n\nTom B-PER\nwon O\n"


def test_ner_runs_the_model_on_validation_once_per_epoch_with_calibration(tiny_backbone, tmp_path, monkeypatch):
    (tmp_path / "train.txt").write_text(CONLL_TRAIN, encoding="utf-8")
    (tmp_path / "dev.txt").write_text(CONLL_VALIDATION, encoding="utf-8")
    rows_forwarded, forward = [], NerTask.forward

    def counting_forward(self, batch):
        rows_forwarded.append(int(batch["token_ids"].nrows()))
        return forward(self, batch)

    monkeypatch.setattr(NerTask, "forward", counting_forward)
    summary = run_training("ner", tmp_path / "train.txt", tmp_path / "run", validation=tmp_path / "dev.txt",
                           task_options={"backbone": str(tiny_backbone), "max_length": 16, "scheme": "iob2"},
                           epochs=2, batch_size=2, verbose=0, train_sample=0, calibrate=True)
    # The calibration tries temperatures on the last epoch's sub-token logits, and the final
    # metrics decode them at the fitted temperature: no pass beyond one per epoch.
    assert sum(rows_forwarded) == 2 * 3
    assert summary["calibration"]["method"] == "temperature"
    assert headline_metrics(summary["validation"]).keys() == summary["per_epoch"][-1]["validation"].keys()


@pytest.mark.parametrize("class_weight", [None, {"PER": 3.0}], ids=["unweighted", "weighted"])
def test_ner_validation_loss_is_keras_loss_on_the_sub_token_logits(tiny_backbone, tmp_path, keras_passes,
                                                                   class_weight):
    (tmp_path / "train.txt").write_text(CONLL_TRAIN, encoding="utf-8")
    (tmp_path / "dev.txt").write_text(CONLL_VALIDATION, encoding="utf-8")
    task = NerTask(str(tiny_backbone), max_length=16, scheme="iob2", class_weight=class_weight)
    validation, callback = fit_with_epoch_metrics(task, tmp_path / "train.txt", tmp_path / "dev.txt", keras_passes)
    # Every sentence fits one window, so Keras' loss on one batch of all of them is the same number.
    features, targets = task.encode(validation, with_targets=True)
    logits = task.model(padded_batch(features, task.pad_id), training=False)
    expected = float(task.loss()(targets.to_tensor(-1), logits))
    assert callback.epochs[-1]["val_loss"] == pytest.approx(expected, rel=1e-5)
