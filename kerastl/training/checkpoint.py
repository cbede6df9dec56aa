"""Checkpoints: one folder format for every resumable state kerastl writes, and `StepCheckpoint`.

A checkpoint folder holds `state.json` (JSON facts: the step, the run's settings, ...) and
`variables.npz` (the model's and its optimizer's variables, in `training_variables` order: weights,
optimizer moments and step counter, dropout seed states; numpy arrays, whatever the Keras backend,
so a checkpoint written on one backend resumes on another), written together into a temporary folder
and renamed into place, so a kill at any moment leaves the previous checkpoint whole. On PyTorch,
whose Keras dropout draws from torch's global generator rather than the layers' seed states, the
folder also holds that generator's state (`random_state.npz`), so a resumed run draws the same masks. Training runs
(`StepCheckpoint`), their best epoch (`kerastl.training.best_epoch.BestEpoch.write_into`: its own state
file and weights in the same folder) and pretraining (`kerastl.pretrain.PretrainCheckpoint`, plus the
learned vocabulary) write it with the helpers here.
"""

import json
from pathlib import Path

import keras
import numpy as np

from kerastl.atomic_files import atomic_folder
from kerastl.errors import KerastlError

STATE_FILE = "state.json"
VARIABLES_FILE = "variables.npz"
RANDOM_STATE_FILE = "random_state.npz"


def write_state(folder, state, name=STATE_FILE):
    """Write the JSON-ready dict `state` as `name` into the checkpoint `folder` being written."""
    (Path(folder) / name).write_text(json.dumps(state, indent=2, ensure_ascii=False), encoding="utf-8")


def read_state(folder, name=STATE_FILE, fix=None):
    """The dict `write_state` wrote as `name` into `folder`, or None when there is none.

    Raises:
        KerastlError: when the file is not valid JSON; `fix` says what to do (default: delete the folder).
    """
    state_file = Path(folder) / name
    if not state_file.is_file():
        return None
    try:
        return json.loads(state_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KerastlError(f"{state_file} is not valid JSON ({error}). "
                           f"Fix: {fix or f'delete {folder} to train from the start'}.") from None


def save_arrays(path, arrays):
    """Write a list of arrays to the `.npz` file `path` (keys `v0`, `v1`, ...)."""
    np.savez(path, **{f"v{i}": array for i, array in enumerate(arrays)})


def load_arrays(path):
    """The list of arrays `save_arrays` wrote (also reads positional `arr_0`, ... keys)."""
    with np.load(path) as stored:
        prefix = "v" if "v0" in stored.files else "arr_"
        return [stored[f"{prefix}{i}"] for i in range(len(stored.files))]


def training_variables(model):
    """The model's variables, then its optimizer's (built first when needed): what a checkpoint holds."""
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    return list(model.variables) + list(model.optimizer.variables)


def save_variables(folder, values):
    """Write the values of `training_variables` (numpy arrays) into the checkpoint `folder` being written,
    with the backend's global random state where Keras draws from it (PyTorch's dropout)."""
    save_arrays(Path(folder) / VARIABLES_FILE, values)
    if keras.backend.backend() == "torch":
        import torch

        save_arrays(Path(folder) / RANDOM_STATE_FILE, [torch.get_rng_state().numpy()])


def restore_random_state(folder):
    """Take back the random state `save_variables` wrote, when there is one for this backend. Call it
    just before the first training step: Keras' first `fit` on PyTorch draws from the generator
    while it builds (`StepCheckpoint(resume_from=...)` does, on train begin)."""
    path = Path(folder) / RANDOM_STATE_FILE
    if keras.backend.backend() == "torch" and path.is_file():
        import torch

        torch.set_rng_state(torch.from_numpy(load_arrays(path)[0]))


class StepCheckpoint(keras.callbacks.Callback):
    """Write a checkpoint every `every` steps and at the end of every epoch.

    A checkpoint folder (the module's format) whose `state.json` holds the global step, the
    run's settings and the history of finished epochs.

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
        resume_from: the checkpoint folder training resumes from (its variables restored by
            `restore_checkpoint`): its random state is restored when the next `fit` begins.

    Example:

    >>> from kerastl.training import StepCheckpoint
    >>> saver = StepCheckpoint("out/checkpoint", every=200, steps_per_epoch=2105, run={})  # doctest: +SKIP
    >>> model.fit(data, callbacks=[saver])  # doctest: +SKIP
    """

    def __init__(self, folder, every, steps_per_epoch, run, step=0, history=None, write=True, extras=(),
                 resume_from=None):
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
        self.resume_from = resume_from

    def on_train_begin(self, logs=None):
        if self.resume_from is not None:
            restore_random_state(self.resume_from)
            self.resume_from = None

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
        variables = training_variables(self.model)
        values = [keras.ops.convert_to_numpy(variable) for variable in variables]
        if not self.write:
            return
        with atomic_folder(self.folder) as folder:
            save_variables(folder, values)
            write_state(folder, {"step": self.step, "steps_per_epoch": self.steps_per_epoch, "run": self.run,
                                 "history": self.history, "variables": len(variables)})
            for extra in self.extras:
                extra.write_into(folder)


def read_checkpoint(folder):
    """Return the `state.json` of the checkpoint in `folder`, or None when there is none."""
    return read_state(folder)


def restore_checkpoint(model, folder, fix=None):
    """Load the model's and the optimizer's variables (`training_variables`) from the checkpoint in `folder`.

    Raises:
        KerastlError: when the checkpoint's variables do not fit the model; `fix` says what to do
            (default: delete the folder to train from the start).
    """
    fix = fix or f"delete {folder} to train from the start"
    variables = training_variables(model)
    values = load_arrays(Path(folder) / VARIABLES_FILE)
    if len(values) != len(variables):
        raise KerastlError(f"{folder} holds {len(values)} variables but the model and optimizer have "
                           f"{len(variables)}. Fix: {fix}.")
    for variable, value in zip(variables, values):
        if tuple(value.shape) != tuple(variable.shape):
            raise KerastlError(f"{folder}: variable {variable.path} has shape {tuple(variable.shape)} but the "
                               f"checkpoint holds {tuple(value.shape)}. Fix: {fix}.")
        variable.assign(value if str(value.dtype) == variable.dtype else value.astype(variable.dtype))
