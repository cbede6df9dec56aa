from kerastl.reporting import headline_metrics, main_metric_name, summary_line
from kerastl.training import EpochMetricsCallback


class FakeTask:
    """Scores rise by 0.1 per call: enough to check what the callback records."""

    main_metric = None
    seed = 0
    validation_loss = None  # Keras' own validation pass gives val_loss

    def __init__(self):
        self.calls = []

    def predict_outputs(self, records, batch_size=64):
        return [len(self.calls)] * len(records)

    def decode(self, outputs, records):
        return [f"prediction {output}" for output in outputs]

    def predict(self, records, batch_size=64):
        return self.decode(self.predict_outputs(records, batch_size), records)

    def score(self, records, predictions):
        self.calls.append(len(records))
        return {"examples": len(records), "f1": 0.1 * len(self.calls), "per_type": {"PER": {"f1": 1.0}}}

    def evaluate(self, records, batch_size=64):
        return self.score(records, self.predict(records))


def test_records_losses_and_the_task_metric_each_epoch(capsys):
    task = FakeTask()
    callback = EpochMetricsCallback(task, validation_records=[{}] * 3, train_records=[{}] * 10, train_sample=4)
    callback.on_epoch_end(0, {"loss": 0.9, "val_loss": 0.8, "accuracy": 0.5, "learning_rate": 1e-5})
    callback.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.85, "accuracy": 0.7})
    first, second = callback.epochs
    assert first["epoch"] == 1 and first["loss"] == 0.9 and first["val_loss"] == 0.8
    assert first["fit_metrics"] == {"accuracy": 0.5}  # the learning rate is not a metric
    assert first["validation"] == {"examples": 3, "f1": 0.1}
    assert first["train"]["examples"] == 4  # the training sample
    assert task.calls == [3, 4, 3, 4]
    # The last epoch's validation outputs stay, for calibration and the run's final metrics.
    assert callback.last_validation_outputs == [2] * 3
    assert task.decode(callback.last_validation_outputs, [{}] * 3) == ["prediction 2"] * 3
    assert callback.metric == "f1"
    assert callback.best_epoch() == {"epoch": 2, "metric": "f1", "value": 0.30000000000000004, "on": "validation"}
    assert "Epoch 2: validation f1 0.3000" in capsys.readouterr().out


class LossFromOutputsTask(FakeTask):
    """A task whose outputs give the validation loss (`Task.validation_loss`)."""

    def __init__(self):
        super().__init__()
        self.losses_given = []

    def validation_loss(self, records, outputs):
        self.losses_given.append(list(outputs))
        return 1.0 / (1 + len(self.calls))


def test_the_validation_loss_comes_from_the_epoch_outputs():
    task = LossFromOutputsTask()
    callback = EpochMetricsCallback(task, validation_records=[{}] * 3, train_sample=0, verbose=False)
    assert callback.reports_validation_loss()
    logs = {"loss": 0.9}
    callback.on_epoch_end(0, logs)
    assert task.losses_given == [[0, 0, 0]]  # the outputs of the epoch's one prediction pass
    assert callback.epochs[0]["val_loss"] == logs["val_loss"] == 1.0  # History and the progress bar see it
    assert callback.last_validation_outputs == [0, 0, 0] and task.calls == [3]
    callback.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.7})  # Keras' own, when it ran a pass: kept
    assert callback.epochs[1]["val_loss"] == 0.7 and len(task.losses_given) == 1


def test_without_validation_records_or_a_loss_from_outputs_keras_gives_the_validation_loss():
    assert not EpochMetricsCallback(LossFromOutputsTask(), verbose=False).reports_validation_loss()
    task = FakeTask()
    callback = EpochMetricsCallback(task, validation_records=[{}] * 3, verbose=False)
    assert not callback.reports_validation_loss()
    callback.on_epoch_end(0, {"loss": 0.9})
    assert "val_loss" not in callback.epochs[0]


def test_without_validation_the_best_epoch_has_the_lowest_training_loss():
    task = FakeTask()
    callback = EpochMetricsCallback(task, train_records=[{}] * 10, verbose=False)
    for epoch, loss in enumerate([0.9, 0.4, 0.6]):
        callback.on_epoch_end(epoch, {"loss": loss})
    assert task.calls == []
    assert callback.best_epoch() == {"epoch": 2, "metric": "loss", "value": 0.4, "on": "training"}


def test_main_metric_prefers_the_task_attribute():
    task = FakeTask()
    metrics = {"examples": 5, "accuracy": 0.5, "macro_f1": 0.4}
    assert main_metric_name(task, metrics) == "accuracy"
    task.main_metric = "macro_f1"
    assert main_metric_name(task, metrics) == "macro_f1"
    assert headline_metrics({"a": 1.0, "nested": {"b": 2}}) == {"a": 1.0}


def test_summary_line():
    summary = {"task": "ner", "train_examples": 100, "train_seconds": 5.25, "epochs": 1,
               "best_epoch": {"epoch": 1, "metric": "f1", "value": 0.5, "on": "validation"}}
    assert summary_line(summary, "out") == ("Trained ner on 100 examples in 5.2 s (1 epoch); "
                                            "best epoch 1: validation f1 0.5000; saved to out")


def test_the_summary_line_names_the_epoch_saved_when_it_is_not_the_best():
    summary = {"task": "sentiment", "train_examples": 300, "train_seconds": 30.0, "epochs": 2,
               "best_epoch": {"epoch": 1, "metric": "accuracy", "value": 0.64, "on": "validation"},
               "kept_epoch": {"epoch": 2, "chosen_by": "the last epoch (--keep-last)", "best_epoch": 1,
                              "last_epoch": 2, "stopped_early": False}}
    assert summary_line(summary, "my-model").endswith(
        "best epoch 1: validation accuracy 0.6400; saved epoch 2 (the last epoch (--keep-last)) to my-model")
    summary["kept_epoch"].update(epoch=1, chosen_by="the best validation accuracy")
    assert summary_line(summary, "my-model").endswith("validation accuracy 0.6400; saved that epoch to my-model")


def test_a_resumed_run_takes_back_the_epochs_its_checkpoint_covers(tmp_path):
    record = tmp_path / "checkpoint_epochs.json"
    first = EpochMetricsCallback(FakeTask(), validation_records=[{}] * 3, verbose=False, record_file=record)
    for epoch, loss in enumerate([0.9, 0.5, 0.4]):
        first.on_epoch_end(epoch, {"loss": loss})
    resumed = EpochMetricsCallback(FakeTask(), validation_records=[{}] * 3, verbose=False, record_file=record)
    resumed.restore(finished_epochs=2)  # the checkpoint was written at the end of epoch 2
    assert [e["epoch"] for e in resumed.epochs] == [1, 2] and resumed.metric == "f1"
    assert resumed.best_epoch()["epoch"] == 2


def test_an_unreadable_record_costs_only_the_earlier_epochs(tmp_path):
    record = tmp_path / "checkpoint_epochs.json"
    record.write_text("{not json")
    callback = EpochMetricsCallback(FakeTask(), verbose=False, record_file=record)
    callback.restore(finished_epochs=3)
    assert callback.epochs == []
