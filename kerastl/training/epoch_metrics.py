"""`EpochMetricsCallback`: the task's own metrics on validation data after every epoch."""

import json
from pathlib import Path

import keras
import numpy as np

from kerastl.atomic_files import atomic_file
from kerastl.reporting.main_metric import headline_metrics, main_metric_name
from kerastl.data.records import Records


class EpochMetricsCallback(keras.callbacks.Callback):
    """Record the losses and the task's field metric (accuracy, F1, BLEU...) each epoch.

    Keras reports the training loss and the task's `fit_metrics`; with validation records this
    callback also predicts them (once an epoch: the last epoch's outputs stay in
    `last_validation_outputs`, for calibration and the final metrics) and evaluates a fixed
    sample of the training records, so the training curves show the same metric for training
    and validation data. When the task's loss comes from its outputs (`Task.validation_loss`:
    classification, pairs, multi-label, NER), the same pass gives `val_loss` too, and
    `Trainer.fit` leaves Keras no validation pass of its own to run.

    Args:
        task: the `kerastl.tasks.Task` being trained.
        validation_records: labeled records to evaluate after each epoch, or None.
        train_records: the training records; a sample of them is evaluated too.
        train_sample: how many training records to evaluate (0 for none).
        batch_size: batch size for the evaluations.
        verbose: print one line of metrics after each epoch.
        record_file: a JSON file the epochs are written to after each one, so a resumed run
            (see `restore`) reports the epochs before its interruption too; None: no file.

    Example:

    >>> from kerastl.reporting import EpochMetricsCallback
    >>> callback = EpochMetricsCallback(task, validation_records=dev)  # doctest: +SKIP
    >>> task.fit(train, validation=dev, callbacks=[callback])  # doctest: +SKIP
    >>> callback.best_epoch()  # doctest: +SKIP
    {'epoch': 2, 'metric': 'accuracy', 'value': 0.84, 'on': 'validation'}
    """

    def __init__(self, task, validation_records=None, train_records=None, train_sample=500, batch_size=64,
                 verbose=True, record_file=None):
        super().__init__()
        if train_sample < 0:
            raise ValueError(f"`train_sample` must be 0 or more. Received: train_sample={train_sample!r}")
        self.task = task
        self.validation_records = validation_records or None
        self.train_sample = train_sample
        self.batch_size = batch_size
        self.verbose = verbose
        self.sampled_train_records = None
        if self.validation_records and train_records and train_sample:
            rng = np.random.default_rng(getattr(task, "seed", 0))
            count = min(train_sample, len(train_records))
            chosen = sorted(rng.choice(len(train_records), count, replace=False))
            self.sampled_train_records = Records(train_records[i] for i in chosen)
        self.metric = None
        self.epochs = []
        #: The last epoch's `forward` outputs of `validation_records` (None before the first epoch).
        self.last_validation_outputs = None
        self.record_file = Path(record_file) if record_file is not None else None

    def restore(self, finished_epochs):
        """Take back the first `finished_epochs` epochs from `record_file` (those a checkpoint covers)."""
        if self.record_file is None or not self.record_file.is_file():
            return
        try:
            record = json.loads(self.record_file.read_text(encoding="utf-8"))
            epochs = [e for e in record["epochs"] if isinstance(e, dict) and e.get("epoch", 0) <= finished_epochs]
        except (ValueError, KeyError, TypeError):
            return  # a record that cannot be read only costs the report its earlier epochs
        self.epochs = epochs
        self.metric = record.get("metric") if isinstance(record.get("metric"), str) else None

    def on_epoch_end(self, epoch, logs=None):
        keras_logs, logs = logs, dict(logs or {})
        entry = {"epoch": epoch + 1}
        for key in ("loss", "val_loss"):
            if key in logs:
                entry[key] = float(logs.pop(key))
        logs.pop("learning_rate", None)
        entry["fit_metrics"] = {key: float(value) for key, value in logs.items()}
        if self.validation_records:
            outputs = self.last_validation_outputs = self.task.predict_outputs(self.validation_records,
                                                                                batch_size=self.batch_size)
            if "val_loss" not in entry and self.reports_validation_loss():
                entry["val_loss"] = self.task.validation_loss(self.validation_records, outputs)
                if keras_logs is not None:  # the same dict reaches `History` and the progress bar after us
                    keras_logs["val_loss"] = entry["val_loss"]
            validation = self.task.score(self.validation_records, self.task.decode(outputs, self.validation_records))
            self.metric = self.metric or main_metric_name(self.task, validation)
            entry["validation"] = headline_metrics(validation)
            if self.sampled_train_records:
                entry["train"] = headline_metrics(self.task.evaluate(self.sampled_train_records,
                                                                     batch_size=self.batch_size))
            if self.verbose and self.metric:
                line = f"Epoch {epoch + 1}: validation {self.metric} {entry['validation'][self.metric]:.4f}"
                if "train" in entry:
                    line += f" (training sample of {len(self.sampled_train_records)}: {entry['train'][self.metric]:.4f})"
                print(line, flush=True)
        self.epochs.append(entry)
        if self.record_file is not None:
            with atomic_file(self.record_file) as file:
                json.dump({"metric": self.metric, "epochs": self.epochs}, file)

    def reports_validation_loss(self):
        """True when this callback gives each epoch's `val_loss` from its own prediction pass
        (`Task.validation_loss`), so `fit` needs no validation pass of Keras' own."""
        return bool(self.validation_records) and self.task.validation_loss is not None

    def best_epoch(self):
        """Return the best epoch so far as `{"epoch", "metric", "value", "on"}`, or None.

        The best epoch has the highest validation metric; without one, the lowest validation
        loss; without validation data, the lowest training loss.
        """
        if not self.epochs:
            return None
        if self.metric and all(self.metric in e.get("validation", {}) for e in self.epochs):
            best = max(self.epochs, key=lambda e: e["validation"][self.metric])
            return {"epoch": best["epoch"], "metric": self.metric, "value": best["validation"][self.metric],
                    "on": "validation"}
        for key, on in (("val_loss", "validation"), ("loss", "training")):
            if all(key in e for e in self.epochs):
                best = min(self.epochs, key=lambda e: e[key])
                return {"epoch": best["epoch"], "metric": "loss", "value": best[key], "on": on}
        return None
