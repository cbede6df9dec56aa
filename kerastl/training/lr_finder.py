"""`find_learning_rate`: a short exponential learning-rate sweep that suggests a peak rate.

The sweep trains the task's model, as its first `fit` would build and feed it, for up to
`steps` batches (one pass over the data at most) while the learning rate grows exponentially
from `min_rate` to `max_rate`, records the smoothed loss of each step, and stops once that
loss passes `divergence` times its minimum. It then puts back every variable of the model
(weights and dropout seeds) as they were and drops the optimizer: a `fit` that follows trains
exactly as without the sweep. The suggested rate is a tenth of the rate of the lowest
smoothed loss (`LearningRateSweep.suggestion`).

`kerastl.runs.lr_find.run_lr_find` is what `kerastl lr-find` runs: the sweep written to a folder.
"""

import math
import time

import keras

from kerastl.errors import DataError, KerastlError, Location
from kerastl.training.precision import check_training_precision, precision_scope
from kerastl.preprocessing import length_grouped_batches
from kerastl.training.learning_rate_sweep import LearningRateSweep
from kerastl.training.optimizer import warmup_cosine_adamw

#: The fewest steps a sweep takes: fewer batches than this give no curve to read a rate from.
MIN_SWEEP_STEPS = 10


def find_learning_rate(task, train, *, steps=100, min_rate=1e-7, max_rate=1.0, batch_size=32, smoothing=0.9,
                       divergence=4.0, read_options=None):
    """Sweep the learning rate exponentially over a few training steps; suggest a peak rate.

    The model is built as the first `task.fit` builds it (`task.prepare`, unless the task has
    a model already) and trained with the AdamW training uses (weight decay, gradient
    clipping), on the same length-grouped batches. Afterwards the model holds exactly the
    variables it had before and no optimizer.

    Args:
        task: a `kerastl.tasks.Task` (its backbone, seed, max_length and weight decay are used).
        train: training data, any source `task.read` accepts.
        steps: the most steps to sweep over; capped by the batches in one pass over `train`.
        min_rate, max_rate: the learning rates of the first and of the last planned step.
        batch_size: examples per step (the batch size you will train with).
        smoothing: the factor of the exponential moving average of the loss (fastai's beta).
            0.9 averages about ten steps: over 100 steps spanning seven decades, fastai's 0.98
            would lag the loss by about three decades of rate.
        divergence: stop when the smoothed loss passes this many times its minimum.
        read_options: options of the task's file reader (text_column, ...).

    Returns:
        A `kerastl.training.LearningRateSweep`: `rates`, `losses`, `suggestion`, `to_dict()`,
        `plot(path)`.

    Raises:
        KerastlError: for rates that are not positive or not increasing, or other bad settings.
        DataError: when `train` has fewer than `MIN_SWEEP_STEPS` batches of `batch_size`.

    Example:

    >>> from kerastl.tasks import get_task
    >>> from kerastl.training import find_learning_rate
    >>> task = get_task("sentiment")()
    >>> sweep = find_learning_rate(task, "train.tsv")  # doctest: +SKIP
    >>> task.learning_rate = sweep.suggestion  # doctest: +SKIP
    >>> task.fit("train.tsv", epochs=3)  # doctest: +SKIP
    """
    check_sweep_settings(min_rate, max_rate, steps, smoothing, divergence, batch_size)
    check_training_precision(task.precision)
    records = task.read(train, **(read_options or {}))
    batches = -(-len(records) // batch_size)
    if batches < MIN_SWEEP_STEPS:
        paths = {getattr(record.get("where"), "path", None) for record in records}
        where = Location(str(paths.pop())) if len(paths) == 1 and None not in paths else None
        fewest = MIN_SWEEP_STEPS * batch_size
        raise DataError(
            f"{len(records)} training examples make {batches} batch{'es' if batches != 1 else ''} of {batch_size}; "
            f"a learning-rate sweep needs at least {MIN_SWEEP_STEPS}", where=where,
            fix=f"pass a smaller --batch-size (at most {len(records) // MIN_SWEEP_STEPS or 1}) or at least "
                f"{fewest} examples, or set the learning rate yourself (--learning-rate 5e-5)")
    steps = min(steps, batches)
    if task.model is None:
        task.prepare(records)
    keras.utils.set_random_seed(task.seed)
    features, targets = task.encode(records, with_targets=True)
    dataset = length_grouped_batches(features, targets, batch_size, task.pad_id, task.target_padding,
                                     shuffle=True, seed=task.seed)
    model = task.model
    initial = [(variable, variable.numpy()) for variable in model.variables]
    optimizer = _sweep_optimizer(task, min_rate, max_rate, steps)
    model.compile(optimizer=optimizer, loss=task.loss())
    optimizer.build(model.trainable_variables)
    recorder = _SweepRecorder(optimizer, smoothing, divergence)
    started = time.perf_counter()
    try:
        with precision_scope(task.precision):
            model.fit(dataset, epochs=1, steps_per_epoch=steps, callbacks=[recorder], verbose=0, shuffle=False)
    finally:
        for variable, value in initial:
            variable.assign(value)
        model.optimizer = None  # the next `fit` compiles its own
        model.compiled = False
    if not recorder.rates:
        raise KerastlError(f"The loss was not finite at the first step of the sweep (learning rate {min_rate:g}). "
                           "Fix: pass a smaller min_rate (--min-rate), or check the training data.")
    return LearningRateSweep(rates=recorder.rates, losses=recorder.losses, raw_losses=recorder.raw_losses,
                             min_rate=min_rate, max_rate=max_rate, planned_steps=steps, batch_size=batch_size,
                             stopped_early=len(recorder.rates) < steps, seconds=time.perf_counter() - started)


def check_sweep_settings(min_rate=1e-7, max_rate=1.0, steps=100, smoothing=0.9, divergence=4.0, batch_size=32):
    """Refuse sweep settings that cannot make a sweep, before any work (`find_learning_rate`'s options).

    Raises:
        KerastlError: names the setting, its value and the fix.
    """
    for name, value in (("min_rate", min_rate), ("max_rate", max_rate)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise KerastlError(f"{name} must be a positive number (got {value!r}). "
                               f"Fix: pass e.g. --{name.replace('_', '-')} {1e-7 if name == 'min_rate' else 1.0}.")
    if min_rate >= max_rate:
        raise KerastlError(f"min_rate must be below max_rate (got min_rate={min_rate:g}, max_rate={max_rate:g}). "
                           "Fix: pass a smaller --min-rate or a larger --max-rate (default 1e-7 to 1).")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < MIN_SWEEP_STEPS:
        raise KerastlError(f"steps must be a whole number of at least {MIN_SWEEP_STEPS} (got {steps!r}). "
                           "Fix: pass e.g. --steps 100.")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise KerastlError(f"batch_size must be a positive whole number (got {batch_size!r}). "
                           "Fix: pass e.g. --batch-size 32.")
    if not 0 <= smoothing < 1:
        raise KerastlError(f"smoothing must be at least 0 and below 1 (got {smoothing!r}). Fix: pass e.g. 0.9.")
    if not divergence > 1:
        raise KerastlError(f"divergence must be above 1 (got {divergence!r}). Fix: pass e.g. 4.")


class _SweepRecorder(keras.callbacks.Callback):
    """Records each step's rate and loss (the loss of its batch alone) and stops training at divergence."""

    def __init__(self, optimizer, smoothing, divergence):
        super().__init__()
        self.optimizer, self.smoothing, self.divergence = optimizer, smoothing, divergence
        self.rates, self.losses, self.raw_losses = [], [], []
        self._average = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        self.model.reset_metrics()  # Keras reports the epoch's running mean: make it this batch's loss
        self._rate = float(self.optimizer.learning_rate)

    def on_train_batch_end(self, batch, logs=None):
        loss = float(logs["loss"])
        if not math.isfinite(loss):
            self.model.stop_training = True
            return
        self._average = self.smoothing * self._average + (1 - self.smoothing) * loss
        self.rates.append(self._rate)
        self.raw_losses.append(loss)
        self.losses.append(self._average / (1 - self.smoothing ** len(self.rates)))  # bias-corrected, as Adam's
        if self.losses[-1] > self.divergence * min(self.losses):
            self.model.stop_training = True


def _sweep_optimizer(task, min_rate, max_rate, steps):
    """The AdamW training uses (weight decay, clipping); at step i its rate is
    `min_rate * (max_rate / min_rate) ** (i / (steps - 1))`."""
    optimizer = warmup_cosine_adamw(min_rate, steps, warmup_ratio=0.0, weight_decay=task.weight_decay)
    optimizer.learning_rate = keras.optimizers.schedules.ExponentialDecay(
        min_rate, decay_steps=steps - 1, decay_rate=max_rate / min_rate)  # a "decay" above 1 grows
    return optimizer
