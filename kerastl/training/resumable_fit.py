"""`fit_resumable`: Keras `fit` that checkpoints every N steps and resumes mid-epoch."""

from pathlib import Path

import keras
import tensorflow as tf

from kerastl.errors import KerastlError
from kerastl.training.distribution import gather_from_replicas
from kerastl.training.checkpoint import StepCheckpoint, read_checkpoint, restore_checkpoint


def fit_resumable(model, epoch_data, steps_per_epoch, folder, *, epochs, every=None, run=None,
                  validation_data=None, callbacks=None, verbose="auto", write=True, best_epoch=None):
    """Train `model` for `epochs`, checkpointing into `folder`; resume from it when it exists.

    Each epoch gets its own dataset from `epoch_data(epoch)`, whose order must depend on the
    epoch number alone (a seed derived from it), so a resumed run replays the same order: it
    restores the variables, skips the batches of the interrupted epoch that were already
    trained on (`dataset.skip`), and goes on. An uninterrupted run and a resumed one thus
    see the same batches in the same order with the same optimizer state.

    With several workers, every worker reads `folder` and they must find the same checkpoint
    (a folder they share); only the chief writes (`write`).

    Args:
        model: a compiled `keras.Model`.
        epoch_data: a function `epoch -> tf.data.Dataset` of that epoch's batches.
        steps_per_epoch: batches in one epoch.
        folder: the checkpoint folder.
        epochs: the total number of epochs.
        every: checkpoint every this many steps (besides every epoch end).
        run: JSON-ready settings a checkpoint must match to be resumed (e.g. examples, batch size).
        validation_data: passed to `fit`.
        callbacks: Keras callbacks.
        verbose: Keras' verbosity.
        write: whether this process writes checkpoints (False on non-chief workers).
        best_epoch: a `kerastl.training.best_epoch.BestEpoch` among `callbacks`: its state is
            checkpointed and resumed with the model's, and training ends when it stops.

    Returns:
        A `keras.callbacks.History` covering every epoch, those before the resume included.

    Raises:
        KerastlError: when the checkpoint in `folder` was written by a run with other settings,
            or the workers of a multi-worker run found different checkpoints.

    Example:

    >>> from kerastl.training import fit_resumable
    >>> fit_resumable(model, lambda e: batches(seed=e), 100, "out/checkpoint", epochs=3, every=50)  # doctest: +SKIP
    """
    run = dict(run or {}, epochs=epochs, steps_per_epoch=steps_per_epoch)
    state = read_checkpoint(folder)
    check_workers_agree(model, folder, state.get("step", 0) if state is not None else 0)
    step, history = 0, {}
    if state is not None:
        if state.get("run") != run:
            raise KerastlError(
                f"{folder} holds a checkpoint of a run with other settings ({state.get('run')}; this run: {run}). "
                "Fix: delete that checkpoint folder to start over, or write to another --output folder."
            )
        restore_checkpoint(model, folder)
        if best_epoch is not None:
            best_epoch.read_from(Path(folder))
        step, history = state["step"], state.get("history", {})
        if verbose:
            print(f"Resuming from the checkpoint in {folder} at step {step} "
                  f"(epoch {step // steps_per_epoch + 1}, step {step % steps_per_epoch + 1}).", flush=True)
    saver = StepCheckpoint(folder, every, steps_per_epoch, run, step=step, history=history, write=write,
                           extras=[best_epoch] if best_epoch is not None else [],
                           resume_from=folder if state is not None else None)
    start_epoch, skip = divmod(step, steps_per_epoch)
    for epoch in range(start_epoch, epochs):
        if best_epoch is not None and best_epoch.stopped:
            break
        data = epoch_data(epoch)
        model.fit(data.skip(skip) if skip else data, validation_data=validation_data, initial_epoch=epoch,
                  epochs=epoch + 1, callbacks=[*(callbacks or []), saver], verbose=verbose, shuffle=False)
        skip = 0
    result = keras.callbacks.History()
    result.history = saver.history
    result.epoch = list(range(len(next(iter(saver.history.values()), []))))
    result.set_model(model)
    return result


def check_workers_agree(model, folder, step):
    """Raise on every worker of a multi-worker run when they would resume from different steps."""
    strategy = getattr(model, "distribute_strategy", None)
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return
    steps = gather_from_replicas(strategy, step)
    if len(set(steps)) > 1:
        raise KerastlError(
            f"The workers found different checkpoints to resume from (steps {steps}, one per replica; in {folder} "
            f"here: {f'step {step}' if step else 'none'}). Fix: give every worker the same --output folder on a "
            "filesystem they all share, or delete the checkpoint folders to train from the start."
        )
