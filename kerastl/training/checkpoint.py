"""`StepCheckpoint`: save model and optimizer state every N training steps, atomically."""

import json
from pathlib import Path

import keras
import numpy as np

from kerastl.atomic_files import atomic_folder
from kerastl.errors import KerastlError

STATE_FILE = "state.json"
VARIABLES_FILE = "variables.npz"


class StepCheckpoint(keras.callbacks.Callback):
    """Write a checkpoint every `every` steps and at the end of every epoch.

    A checkpoint is a folder with the model's and the optimizer's variables (`variables.npz`:
    weights, optimizer moments and step counter, dropout seed states) and `state.json` (the
    global step, the run's settings and the history of finished epochs). It is written to a
    temporary folder and renamed into place, so a kill at any moment leaves the previous
    checkpoint whole.

    Args:
        folder: the checkpoint folder (replaced by each save).
        every: save every this many steps (None or 0: only at epoch ends).
        steps_per_epoch: training steps in one epoch.
        run: a JSON-ready dict of the settings a resumed run must share (examples, epochs, ...).
        step: the global step training starts from (0, or the restored checkpoint's).
        history: the Keras history of the epochs finished before `step`.
        write: False on the workers of a multi-worker run that are not the chief: they keep
            count and read the variables with the chief, but leave writing to it.
        extras: objects whose `write_into(folder)` adds their own state to each checkpoint, in
            the same atomic write (e.g. `kerastl.training.best_epoch.BestEpoch`).

    Example:

    >>> from kerastl.training import StepCheckpoint
    >>> saver = StepCheckpoint("out/checkpoint", every=200, steps_per_epoch=2105, run={})  # doctest: +SKIP
    >>> model.fit(data, callbacks=[saver])  # doctest: +SKIP
    """

    def __init__(self, folder, every, steps_per_epoch, run, step=0, history=None, write=True, extras=()):
        super().__init__()
        if every is not None and (not isinstance(every, int) or every < 0):
            raise ValueError(f"`every` must be a non-negative integer or None. Received: every={every!r}")
        self.folder = Path(folder)
        self.every = every or None
        self.steps_per_epoch = steps_per_epoch
        self.run = run
        self.step = step
        self.history = {key: list(values) for key, values in (history or {}).items()}
        self.write = write
        self.extras = list(extras)

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.every and self.step % self.every == 0:
            self.save()

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        self.save()

    def save(self):
        """Write the current state as the checkpoint (atomically); only read it when not writing.

        Every worker reads the variables, the chief writes them: reading a variable a strategy
        keeps per replica (synchronized on read) is a collective operation all workers join.
        """
        variables = list(self.model.variables) + list(self.model.optimizer.variables)
        arrays = {f"v{i}": keras.ops.convert_to_numpy(v) for i, v in enumerate(variables)}
        if not self.write:
            return
        with atomic_folder(self.folder) as folder:
            np.savez(folder / VARIABLES_FILE, **arrays)
            state = {"step": self.step, "steps_per_epoch": self.steps_per_epoch, "run": self.run,
                     "history": self.history, "variables": len(variables)}
            (folder / STATE_FILE).write_text(json.dumps(state, indent=2))
            for extra in self.extras:
                extra.write_into(folder)


def read_checkpoint(folder):
    """Return the `state.json` of the checkpoint in `folder`, or None when there is none."""
    state_file = Path(folder) / STATE_FILE
    if not state_file.is_file():
        return None
    try:
        return json.loads(state_file.read_text())
    except json.JSONDecodeError as error:
        raise KerastlError(f"{state_file} is not valid JSON ({error}). Fix: delete {folder} to train from the start.")


def restore_checkpoint(model, folder):
    """Load the model's and the optimizer's variables from the checkpoint in `folder`.

    Raises:
        KerastlError: when the checkpoint's variables do not fit the model.
    """
    model.optimizer.build(model.trainable_variables)
    variables = list(model.variables) + list(model.optimizer.variables)
    with np.load(Path(folder) / VARIABLES_FILE) as stored:
        if len(stored.files) != len(variables):
            raise KerastlError(
                f"{folder} holds {len(stored.files)} variables but the model and optimizer have "
                f"{len(variables)}. Fix: delete {folder} to train from the start."
            )
        for i, variable in enumerate(variables):
            value = stored[f"v{i}"]
            if tuple(value.shape) != tuple(variable.shape):
                raise KerastlError(
                    f"{folder}: variable {variable.path} has shape {tuple(variable.shape)} but the checkpoint "
                    f"holds {tuple(value.shape)}. Fix: delete {folder} to train from the start."
                )
            variable.assign(value)
