"""`Trainer`: fits a task's model — batches grouped by length, the optimizer, checkpoints, strategies.

The task decides what is learned (`encode`, `build_model`, `loss`); the trainer decides how:
it builds the model under the strategy's scope on the first fit, tokenizes every record once,
feeds length-grouped batches, compiles with `warmup_cosine_adamw`, and runs Keras `fit`
(or `fit_resumable` with step checkpoints).
"""

import contextlib

import keras
import numpy as np
import tensorflow as tf

from kerastl.errors import KerastlError
from kerastl.training.precision import check_training_precision, precision_scope
from kerastl.preprocessing import length_grouped_batches
from kerastl.training.best_epoch import BestEpoch
from kerastl.training.distribution import distributable_batches, distribution_devices
from kerastl.training.distribution import resolve_distribution
from kerastl.training.distribution import is_chief
from kerastl.training.optimizer import warmup_cosine_adamw
from kerastl.training.resumable_fit import fit_resumable


class Trainer:
    """Fit a `kerastl.tasks.Task` on records.

    Args:
        task: the task to train; its model is built on the first `fit`.
        distribution: None, a strategy name ("mirrored", "multiworker", "tpu"), a
            `tf.distribute.Strategy` (TensorFlow) or a `keras.distribution.Distribution` (JAX);
            resolved once, here, for the running Keras backend (`resolve_distribution`) and
            before any TensorFlow operation (a multi-worker strategy must come first). On JAX the
            whole `fit` runs in the distribution's scope (the model is built in it, each batch is
            split over the devices), and `batch_size` must split evenly over them.
    """

    def __init__(self, task, distribution=None):
        self.task = task
        self.strategy = resolve_distribution(distribution)
        #: The `BestEpoch` callback of the last `fit` (with early stopping or best-epoch restore).
        self.best_epoch = None
        #: The `forward` outputs of the last `fit`'s validation records under its final weights
        #: (None without validation data): what calibration and a run's final metrics decode.
        self.validation_outputs = None

    def scope(self):
        """The strategy's scope (variables created inside are mirrored), or a no-op."""
        return self.strategy.scope() if self.strategy is not None else contextlib.nullcontext()

    def fit(self, train_records, validation_records=None, **options):
        """Train on records read by `task.read`; see `Task.fit` for the options.

        Returns:
            The Keras `History` object.
        """
        check_training_precision(self.task.precision)
        if self.strategy is None or isinstance(self.strategy, tf.distribute.Strategy):
            return self._fit(train_records, validation_records, **options)
        with self.scope():  # a Keras distribution (JAX): the model is built and every batch split inside
            return self._fit(train_records, validation_records, **options)

    def _fit(self, train_records, validation_records=None, *, epochs=3, batch_size=32, callbacks=None,
             verbose="auto", checkpoint_dir=None, checkpoint_every=None, early_stopping_patience=None,
             restore_best=None, accumulate_steps=1):
        task = self.task
        callbacks = list(callbacks or [])
        self.best_epoch = self._best_epoch_callback(validation_records, callbacks, early_stopping_patience,
                                                    restore_best)
        if self.best_epoch is not None:
            callbacks.append(self.best_epoch)
        if not isinstance(accumulate_steps, int) or accumulate_steps < 1:
            raise KerastlError(f"accumulate_steps must be a positive integer (got {accumulate_steps!r}). "
                               "Fix: pass 1 (no accumulation) or more, e.g. --accumulate-steps 4.")
        if task.model is None:
            with self.scope():
                task.prepare(train_records)
        keras.utils.set_random_seed(task.seed)
        tf_strategy = isinstance(self.strategy, tf.distribute.Strategy)
        place = distributable_batches if tf_strategy else (lambda dataset: dataset)
        # A Keras distribution (JAX) splits every batch evenly over its devices: the last, partial one is cut
        # to a multiple of them (tf.distribute takes uneven batches).
        devices = 1 if tf_strategy else distribution_devices(self.strategy)
        if batch_size % devices:
            raise KerastlError(f"batch_size {batch_size} does not split evenly over the {devices} devices of the "
                               f"distribution. Fix: pass a multiple of {devices}, e.g. --batch-size "
                               f"{max(devices, batch_size // devices * devices)}.")
        pad_id = task.pad_id
        train_features, train_targets = task.encode(train_records, with_targets=True)

        def train_batches(seed, reshuffle=True):
            return place(length_grouped_batches(train_features, train_targets, batch_size, pad_id,
                                                task.target_padding, shuffle=True, seed=seed, batch_multiple=devices,
                                                reshuffle=reshuffle))

        validation_data = None
        if validation_records is not None and not _validation_loss_reported(validation_records, callbacks):
            features, targets = _sorted_by_length(*task.encode(validation_records, with_targets=True))
            validation_data = place(length_grouped_batches(features, targets, batch_size * 2, pad_id,
                                                           task.target_padding, batch_multiple=devices))
        elif validation_records is not None:  # scored from outputs after each epoch: check its labels now
            task.encode(validation_records, with_targets=True)
        steps_per_epoch = -(-len(train_records) // batch_size)
        if len(train_records) % batch_size and len(train_records) % batch_size < devices:
            steps_per_epoch -= 1  # the partial batch is cut to nothing
        with self.scope():
            self.compile(epochs * steps_per_epoch, accumulate_steps)
        with precision_scope(task.precision):  # the train and validation steps are first run in here
            if checkpoint_dir is not None:
                run = {"examples": len(train_records), "batch_size": batch_size, "seed": task.seed}
                if accumulate_steps > 1:
                    run["accumulate_steps"] = accumulate_steps
                # One dataset per epoch, the same order however often Keras starts it: a resumed run replays it.
                history = fit_resumable(
                    task.model, lambda epoch: train_batches(task.seed + epoch, reshuffle=False), steps_per_epoch,
                    checkpoint_dir, epochs=epochs, every=checkpoint_every, run=run, validation_data=validation_data,
                    callbacks=callbacks, verbose=verbose, write=is_chief(self.strategy), best_epoch=self.best_epoch,
                )
            else:
                history = task.model.fit(
                    train_batches(task.seed), validation_data=validation_data, epochs=epochs, callbacks=callbacks,
                    verbose=verbose, shuffle=False,  # the dataset shuffles itself, grouped by length
                )
        restored = self.best_epoch is not None and self.best_epoch.restore_best \
            and self.best_epoch.best_epoch not in (None, self.best_epoch.last_epoch)
        if restored:
            self.best_epoch.restore(task.model)
        self.validation_outputs = None if restored else _last_validation_outputs(validation_records, callbacks)
        if validation_records is not None and self.validation_outputs is None:
            self.validation_outputs = task.predict_outputs(validation_records, batch_size=batch_size * 2)
        return history

    def compile(self, total_steps, accumulate_steps=1):
        """Compile the task's model with its loss and `fit_metrics`, and AdamW over `total_steps`
        batches (applied every `accumulate_steps` batches, on their mean gradient)."""
        task = self.task
        optimizer = warmup_cosine_adamw(task.learning_rate, total_steps, warmup_ratio=task.warmup_ratio,
                                        weight_decay=task.weight_decay, accumulate_steps=accumulate_steps)
        task.model.compile(optimizer=optimizer, loss=task.loss(), metrics=list(task.fit_metrics))
        # Create the optimizer's slots now: created inside the first training step they would make
        # TensorFlow trace that step twice.
        optimizer.build(task.model.trainable_variables)

    def _best_epoch_callback(self, validation_records, callbacks, patience, restore_best):
        """The `BestEpoch` callback early stopping or best-epoch restore needs (after the epoch
        metrics, which it reads), or None when neither is asked for."""
        restore_best = bool(patience) if restore_best is None else restore_best
        if not patience and not restore_best:
            return None
        if validation_records is None:
            raise KerastlError("early stopping and keeping the best epoch need validation data to compare epochs "
                               "on. Fix: pass validation data (--validation), or drop --early-stopping-patience "
                               "and --restore-best.")
        from kerastl.training.epoch_metrics import EpochMetricsCallback

        epoch_metrics = next((c for c in callbacks if isinstance(c, EpochMetricsCallback)), None)
        if epoch_metrics is None:
            epoch_metrics = EpochMetricsCallback(self.task, validation_records, train_sample=0, verbose=False)
            callbacks.append(epoch_metrics)
        return BestEpoch(epoch_metrics, patience=patience, restore_best=restore_best)


def _validation_loss_reported(validation_records, callbacks):
    """True when a callback predicts `validation_records` after every epoch and gives `val_loss`
    from those outputs (`EpochMetricsCallback.reports_validation_loss`): a validation pass of
    Keras' own would run the model over them once more."""
    from kerastl.training.epoch_metrics import EpochMetricsCallback

    return any(isinstance(callback, EpochMetricsCallback) and callback.validation_records is validation_records
               and callback.reports_validation_loss() for callback in callbacks)


def _last_validation_outputs(validation_records, callbacks):
    """The last epoch's outputs of `validation_records` an `EpochMetricsCallback` kept, or None."""
    from kerastl.training.epoch_metrics import EpochMetricsCallback

    return next((callback.last_validation_outputs for callback in callbacks
                 if isinstance(callback, EpochMetricsCallback) and callback.validation_records is validation_records),
                None)


def _sorted_by_length(features, targets):
    """Encoded examples reordered from shortest to longest (validation batches carry little padding)."""
    order = np.argsort(features["token_ids"].row_lengths().numpy(), kind="stable")
    return {key: tf.gather(value, order) for key, value in features.items()}, tf.gather(targets, order)
