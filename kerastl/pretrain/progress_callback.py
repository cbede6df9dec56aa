"""`PretrainProgress`: checkpoints, a time budget and progress lines during pretraining."""

import time

import keras


class PretrainProgress(keras.callbacks.Callback):
    """Save a checkpoint every `checkpoint_every` steps, stop at the time budget, log progress.

    Args:
        save: called with no arguments to write a checkpoint.
        checkpoint_every: optimizer steps between checkpoints.
        elapsed_before: training seconds spent by earlier (interrupted) runs.
        time_budget_seconds: stop once the training time of all runs reaches this; None: no limit.
        tokens_per_step: tokens one step trains on, for the throughput shown.
        log_every: steps between progress lines (0: silent).
        log: called with each progress line.
    """

    def __init__(self, save, checkpoint_every, elapsed_before=0.0, time_budget_seconds=None,
                 tokens_per_step=0, log_every=50, log=print):
        super().__init__()
        self.save = save
        self.checkpoint_every = checkpoint_every
        self.elapsed_before = elapsed_before
        self.time_budget_seconds = time_budget_seconds
        self.tokens_per_step = tokens_per_step
        self.log_every = log_every
        self.log = log
        self.started = None
        self.first_step_ended = None
        self.ended = None
        self.steps_this_run = 0
        self.out_of_time = False
        #: Stop training once the optimizer has taken this many steps (None: never).
        self.stop_at_step = None

    @property
    def seconds_this_run(self):
        return 0.0 if self.started is None else self._now() - self.started

    @property
    def elapsed(self):
        """Training seconds of all runs so far."""
        return self.elapsed_before + self.seconds_this_run

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    @property
    def tokens_per_second(self):
        """Training throughput of this run after its first step (which traces the graph)."""
        if self.steps_this_run < 2:
            return None
        return (self.steps_this_run - 1) * self.tokens_per_step / max(self._now() - self.first_step_ended, 1e-9)

    def _now(self):
        return self.ended if self.ended is not None else time.perf_counter()

    def on_train_end(self, logs=None):
        self.ended = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps_this_run += 1
        if self.steps_this_run == 1:
            self.first_step_ended = time.perf_counter()
        step = int(self.model.optimizer.iterations.numpy())
        if self.log_every and step % self.log_every == 0:
            rate = self.tokens_per_second or 0.0
            shown = ", ".join(f"{key} {float(value):.4f}" for key, value in (logs or {}).items())
            self.log(f"step {step}: {shown}, {rate:,.0f} tokens/s, {self.elapsed / 60:.1f} min")
        if self.checkpoint_every and step % self.checkpoint_every == 0:
            self.save()
        if self.stop_at_step is not None and step >= self.stop_at_step:
            self.model.stop_training = True
        if self.time_budget_seconds is not None and self.elapsed >= self.time_budget_seconds:
            self.out_of_time = True
            self.model.stop_training = True
