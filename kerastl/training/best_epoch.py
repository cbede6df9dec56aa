"""`BestEpoch`: keep the weights of the best validation epoch, and stop when it stays behind."""

import keras
import numpy as np

from kerastl.training.checkpoint import load_arrays, read_state, save_arrays, write_state

STATE_FILE = "best_epoch.json"
WEIGHTS_FILE = "best_epoch_weights.npz"


class BestEpoch(keras.callbacks.Callback):
    """Remember the weights of the epoch with the best validation score; stop early on patience.

    The score is the task's own metric (accuracy, entity F1, BLEU, ...; higher is better) that
    an `EpochMetricsCallback` placed before this callback computes each epoch, or the
    validation loss (lower is better) when the task has no metric. Its state goes into every
    step checkpoint (`write_into`), so a run killed and resumed keeps the best weights it had.

    Args:
        epoch_metrics: the run's `kerastl.training.EpochMetricsCallback` (with validation data).
        patience: stop after this many epochs without a better score; None never stops.
        restore_best: whether the trainer puts the best epoch's weights back at the end.

    Example:

    >>> from kerastl.training import EpochMetricsCallback
    >>> from kerastl.training.best_epoch import BestEpoch
    >>> metrics = EpochMetricsCallback(task, validation_records=dev)  # doctest: +SKIP
    >>> best = BestEpoch(metrics, patience=2)  # doctest: +SKIP
    >>> task.model.fit(data, epochs=10, callbacks=[metrics, best])  # doctest: +SKIP
    >>> best.restore(task.model)  # doctest: +SKIP
    """

    def __init__(self, epoch_metrics, patience=None, restore_best=True):
        super().__init__()
        if patience is not None and (not isinstance(patience, int) or patience < 1):
            raise ValueError(f"`patience` must be a positive integer or None. Received: patience={patience!r}")
        self.epoch_metrics = epoch_metrics
        self.patience = patience
        self.restore_best = restore_best
        self.metric = None
        self.best_value = None
        self.best_epoch = None
        self.last_epoch = 0
        self.stopped_epoch = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 <= self.last_epoch:
            return  # replayed after a resume: counted before the interruption
        self.last_epoch = epoch + 1
        metric, value, higher_is_better = self._score(self.epoch_metrics.epochs[-1])
        self.metric = metric
        if value is not None and (self.best_value is None
                                  or (value > self.best_value if higher_is_better else value < self.best_value)):
            self.best_value, self.best_epoch = value, epoch + 1
            self.best_weights = [np.array(weight) for weight in self.model.get_weights()]
        elif self.patience is not None and self.best_epoch is not None \
                and self.last_epoch - self.best_epoch >= self.patience:
            self.stopped_epoch = self.last_epoch
            self.model.stop_training = True

    @property
    def stopped(self):
        """Whether patience ran out (training ends after `stopped_epoch`)."""
        return self.stopped_epoch is not None

    def restore(self, model):
        """Put the best epoch's weights back into `model` (nothing before the first epoch)."""
        if self.best_weights is not None:
            model.set_weights(self.best_weights)

    def summary(self):
        """The epoch whose weights the model ends with (the best one, or the last with `restore_best`
        False), the best epoch, and why training ended, JSON-ready."""
        if self.best_epoch is None:
            return None
        ended = (f"stopped early: no better validation {self.metric} in the {self.patience} epochs after epoch "
                 f"{self.best_epoch}" if self.stopped else "ran every epoch")
        kept = self.best_epoch if self.restore_best else self.last_epoch
        chosen_by = f"the best validation {self.metric}" if self.restore_best else "the last epoch (--keep-last)"
        return {"epoch": kept, "chosen_by": chosen_by, "best_epoch": self.best_epoch, "metric": self.metric,
                "value": self.best_value, "last_epoch": self.last_epoch, "stopped_early": self.stopped, "why": ended}

    def write_into(self, folder):
        """Write the state and the best weights into a checkpoint folder being written
        (`kerastl.training.checkpoint`'s format: a state file and an array file)."""
        write_state(folder, {"metric": self.metric, "best_value": self.best_value, "best_epoch": self.best_epoch,
                             "last_epoch": self.last_epoch, "stopped_epoch": self.stopped_epoch}, name=STATE_FILE)
        if self.best_weights is not None:
            save_arrays(folder / WEIGHTS_FILE, self.best_weights)

    def read_from(self, folder):
        """Take back what `write_into` wrote into the checkpoint `folder`, if anything."""
        state = read_state(folder, name=STATE_FILE)
        if state is None:
            return
        self.metric, self.best_value, self.best_epoch = state["metric"], state["best_value"], state["best_epoch"]
        self.last_epoch, self.stopped_epoch = state["last_epoch"], state["stopped_epoch"]
        if (folder / WEIGHTS_FILE).is_file():
            self.best_weights = load_arrays(folder / WEIGHTS_FILE)

    def _score(self, entry):
        """(metric, value, higher is better) of one epoch's entry of `EpochMetricsCallback.epochs`."""
        metric = self.epoch_metrics.metric
        if metric is not None and metric in entry.get("validation", {}):
            return metric, entry["validation"][metric], True
        return "val_loss", entry.get("val_loss"), False
