"""One training run, as `kerastl train` does it: read, fit, evaluate, save, record metrics."""

import errno
import importlib.util
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import keras

from kerastl.atomic_files import RUN_MARKER, run_folder
from kerastl.backbones import check_max_length
from kerastl.errors import KerastlError
from kerastl.reporting import headline_metrics, main_metric_name, plot_training
from kerastl.runs.lr_find import LR_FIND_PLOT
from kerastl.runs.run_config import CONFIG_FILE, data_source_for_config, parse_learning_rate, write_run_config
from kerastl.tasks import new_task
from kerastl.tasks.model_folder import card_facts, write_model_card
from kerastl.training import (EpochMetricsCallback, find_learning_rate, is_chief, read_checkpoint,
                              resolve_distribution)

METRICS_FILE = "metrics.json"
#: Training options a run config leaves out at these values (the defaults).
_TRAINING_DEFAULTS = {"accumulate_steps": 1, "calibrate": True}
TRAINING_PLOT_FILE = "training.png"
TENSORBOARD_FOLDER = "tensorboard"
CHECKPOINT_FOLDER = "checkpoint"
#: The per-epoch metrics of a run with checkpoints, so a resumed run reports every epoch.
EPOCHS_FILE = "checkpoint_epochs.json"


def run_training(task_name, train, output, validation=None, task_options=None, read_options=None,
                 epochs=3, batch_size=32, verbose="auto", tensorboard=False, train_sample=500, checkpoint_every=None,
                 distribution=None, overwrite=False, early_stopping_patience=None, restore_best=None,
                 accumulate_steps=1, calibrate=True, learning_rate=None):
    """Train a task and save it, with its metrics, config and plots, into the folder `output`.

    Besides the model, `output` gets `metrics.json` (per-epoch and final metrics, best epoch, the
    Keras backend it trained on),
    `config.yaml` (the options; `kerastl train --config` runs it again), `training.png`, the
    task's own figures (`Task.report_figures`), and with `tensorboard` a `tensorboard/` folder.

    Args:
        task_name: a registered task name ("sentiment", "ner", a plugin's name).
        train: the training data source (path, "tfds:NAME[:SPLIT]", or examples).
        output: the folder the trained model and `metrics.json` go to.
        validation: an optional validation data source, scored after training.
        task_options: keyword arguments for the task's constructor (backbone, max_length, ...).
        read_options: keyword arguments for the task's file reader (text_column, ...).
        epochs: passes over the training data.
        batch_size: examples per step.
        verbose: Keras' verbosity.
        tensorboard: also write TensorBoard logs to `output/tensorboard`.
        train_sample: how many training records are scored each epoch beside the validation
            data, for the training curve of the task's metric.
        checkpoint_every: when set, checkpoint every this many steps into `output/checkpoint`;
            running the same training again after an interruption resumes from there, and
            reports the epochs before the interruption too. The checkpoint is removed once
            `metrics.json` is written.
        distribution: "mirrored", "multiworker" or "tpu" (or a `tf.distribute.Strategy`; on JAX a
            `keras.distribution.Distribution`) to train over several devices or workers (on
            TensorFlow; on JAX "mirrored" and "tpu": `keras.distribution.DataParallel`; PyTorch
            refuses them, see `kerastl.training.resolve_distribution`). With several workers, every worker trains
            (each on its share of each batch) and only the chief writes into `output`: the model,
            its files, checkpoints and TensorBoard logs. The others write nothing, and their
            summary says `"saved": False`.
        overwrite: replace `output` when it holds a trained kerastl model. A folder of other
            files is never replaced; a folder of an interrupted run is continued.
        early_stopping_patience, restore_best, accumulate_steps, calibrate: as in `Task.fit`;
            the summary's `kept_epoch` says which epoch's weights were saved and why training
            ended, its `calibration` what the task learned after training (`Task.calibrate`).
        learning_rate: the peak learning rate: None keeps the task's (or `task_options`'), a
            positive number sets it, and "auto" first sweeps the rate on `train`
            (`kerastl.training.find_learning_rate`, with `batch_size`) and trains with its
            suggestion. The summary's `learning_rate` says which rate was used and, with
            "auto", what the sweep found (`lr_find.png` in `output` shows it); `config.yaml`
            keeps the rate used, so running it again trains the same way without a sweep.

    Returns:
        A dict with the task name, the training time in seconds, the per-epoch history and
        metrics, the best epoch and the validation metrics (when there is validation data).

    Raises:
        OutputError: before any work, when `output` holds other files, a trained model (and
            `overwrite` is False), cannot be written, or another run is writing it.
        KerastlError: for options the backbone cannot take (e.g. `max_length` above its
            position limit), for bad data, for a learning rate that is neither positive nor
            "auto", and with "auto" for data too small for a sweep or a `distribution`.
    """
    if tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise KerastlError("TensorBoard logs need the tensorboard package, which is not installed. "
                           "Fix: pip install 'kerastl[tensorboard]' (or pip install tensorboard), or drop --tensorboard.")
    task_options = dict(task_options or {})
    if learning_rate is not None:
        learning_rate = parse_learning_rate(learning_rate)
    if learning_rate == "auto" and distribution is not None:
        raise KerastlError("--learning-rate auto does not sweep over several devices or workers yet. Fix: run "
                           "`kerastl lr-find` on one device first and pass its rate with --learning-rate, or drop "
                           "--strategy.")
    if learning_rate not in (None, "auto"):
        task_options["learning_rate"] = learning_rate
    strategy = resolve_distribution(distribution)  # before reading data: a multi-worker strategy comes first
    with run_folder(output, "model", overwrite=overwrite, writes=is_chief(strategy)) as folder:
        task = new_task(task_name, **task_options)
        check_max_length(task)
        training = {"early_stopping_patience": early_stopping_patience, "restore_best": restore_best,
                    "accumulate_steps": accumulate_steps, "calibrate": calibrate}
        return _train(task, task_name, train, folder, validation, read_options or {}, epochs, batch_size, verbose,
                      tensorboard, train_sample, checkpoint_every, strategy, training, learning_rate == "auto")


def _train(task, task_name, train, folder, validation, read_options, epochs, batch_size, verbose, tensorboard,
           train_sample, checkpoint_every, strategy, training, auto_learning_rate):
    output, writes = folder.path, folder.writes
    train_records = task.read(train, **read_options)
    validation_records = task.read(validation, **read_options) if validation is not None else None
    sweep = find_learning_rate(task, train_records, batch_size=batch_size) if auto_learning_rate else None
    if sweep is not None:
        if sweep.inconclusive_because:
            raise KerastlError(f"--learning-rate auto: the learning-rate sweep cannot tell a rate: "
                               f"{sweep.inconclusive_because}. Fix: set the rate yourself (--learning-rate 5e-5 is "
                               "the usual one for fine-tuning), or sweep more data with a smaller --batch-size.")
        task.learning_rate = sweep.suggestion
    record_file = output / EPOCHS_FILE if checkpoint_every and writes else None
    epoch_metrics = EpochMetricsCallback(task, validation_records, train_records, train_sample=train_sample,
                                         verbose=verbose not in (0, False), record_file=record_file)
    if record_file is not None:
        state = read_checkpoint(output / CHECKPOINT_FOLDER) or {}
        epoch_metrics.restore(int(state.get("step") or 0) // max(1, int(state.get("steps_per_epoch") or 1)))
    callbacks = [epoch_metrics]
    folder.start()
    if tensorboard and writes:
        shutil.rmtree(output / TENSORBOARD_FOLDER, ignore_errors=True)
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(output / TENSORBOARD_FOLDER)))
    started = time.perf_counter()
    checkpointing = {"checkpoint_dir": output / CHECKPOINT_FOLDER, "checkpoint_every": checkpoint_every} \
        if checkpoint_every else {}
    history = task.fit(train_records, validation=validation_records, epochs=epochs, batch_size=batch_size,
                       callbacks=callbacks, verbose=verbose, distribution=strategy, **checkpointing,
                       **dict(training, calibrate=False))
    # Calibrated here rather than in `fit` (the same call on the same outputs) to see which constructor
    # options calibration learned: a rerun learns them anew, so config.yaml leaves them out.
    untrained_config = task.get_config()
    if training["calibrate"] and validation_records is not None:
        task.calibration = task.calibrate(validation_records, task.trainer.validation_outputs)
    learned = [key for key, value in task.get_config().items()
               if _json(untrained_config.get(key, value)) != _json(value)]
    seconds = time.perf_counter() - started
    summary = {
        "task": task_name,
        "backend": keras.backend.backend(),
        "train_examples": len(train_records),
        "epochs": epochs,
        "train_seconds": round(seconds, 2),
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "per_epoch": epoch_metrics.epochs,
        "main_metric": epoch_metrics.metric,
        "best_epoch": epoch_metrics.best_epoch(),
        "learning_rate": _learning_rate_facts(task, sweep),
    }
    kept = task.trainer.best_epoch.summary() if task.trainer.best_epoch is not None else None
    summary["kept_epoch"] = kept or {"epoch": len(epoch_metrics.epochs), "chosen_by": "the last epoch (no validation "
                                     "data to compare epochs on)", "last_epoch": len(epoch_metrics.epochs),
                                     "stopped_early": False, "why": "ran every epoch"}
    if training["accumulate_steps"] > 1:
        summary["accumulate_steps"] = training["accumulate_steps"]
    if task.calibration is not None:
        summary["calibration"] = task.calibration
    if epoch_metrics.sampled_train_records:
        summary["train_sample_examples"] = len(epoch_metrics.sampled_train_records)
    validation_predictions = None
    if validation_records is not None:
        # The outputs under the weights kept (the last epoch's pass, or one more when the best epoch was
        # restored), decoded with the calibration as it is now: the model does not run again here.
        validation_predictions = task.decode(task.trainer.validation_outputs, validation_records)
        summary["validation_examples"] = len(validation_records)
        summary["validation"] = task.score(validation_records, validation_predictions)
        summary["main_metric"] = main_metric_name(task, summary["validation"])
    if not writes:
        summary["saved"] = False  # with several workers, only the chief writes the model and its files
        return summary
    # The checkpoint and the run marker stay until metrics.json is written: a kill before then reruns from them.
    _save_or_rescue(task, output, keep=(RUN_MARKER, CHECKPOINT_FOLDER, EPOCHS_FILE, TENSORBOARD_FOLDER))
    write_run_config(output / CONFIG_FILE, {
        "task": task_name,
        "train": data_source_for_config(train),
        "validation": data_source_for_config(validation),
        "output": str(output.resolve()),
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": task.seed,
        "tensorboard": bool(tensorboard),
        **{key: value for key, value in training.items() if value is not None and value != _TRAINING_DEFAULTS.get(key)},
        "task_options": _task_options_for_config(task, learned),
        "read_options": read_options,
    })
    plot_training(summary["per_epoch"], output / TRAINING_PLOT_FILE, summary["main_metric"])
    if sweep is not None:
        sweep.plot(output / LR_FIND_PLOT, title=f"{task_name}: learning-rate sweep before training, "
                                                f"{len(sweep.rates)} steps of {batch_size}")
    if validation_records is not None:
        items = task.report_figures(validation_records, validation_predictions, output)
        summary["report_items"] = [item.to_dict() for item in items]
    _write_card(task, output, summary, train, validation, batch_size)
    # The run marker goes first: from there on the folder is a finished model; then the checkpoint.
    folder.finish(METRICS_FILE, summary, leftovers=(CHECKPOINT_FOLDER, EPOCHS_FILE))
    return summary


def _write_card(task, output, summary, train, validation, batch_size):
    """The model card of the run's folder, with what training did and measured (`kerastl.reporting.model_card`)."""
    facts = card_facts(task, output.name)
    facts["train"] = {"data": data_source_for_config(train) or "examples passed in Python",
                      "examples": summary["train_examples"], "epochs": summary["epochs"], "batch_size": batch_size,
                      "learning_rate": task.learning_rate, "kept_epoch": summary.get("kept_epoch")}
    if "validation" in summary:
        note = "; scores at thresholds tuned on this data" if (summary.get("calibration") or {}).get("note") else ""
        facts["validation"] = {"data": data_source_for_config(validation) or "examples passed in Python",
                               "split": "validation", "examples": summary["validation_examples"], "note": note,
                               "metrics": headline_metrics(summary["validation"])}
    facts["calibration"] = summary.get("calibration")
    write_model_card(output, facts)


def _save_or_rescue(task, output, keep):
    """Save the trained model into `output`; when its disk is full, save it into a new temporary folder
    instead, so the training is not lost, and raise an error that names where it went."""
    try:
        task.save(output, overwrite=True, keep=keep)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        try:
            rescued = Path(tempfile.mkdtemp(prefix="kerastl-rescued-")) / output.name
            task.save(rescued)
            kept = f"the trained model was saved to {rescued} instead (kerastl.load / kerastl predict read it)"
        except OSError:
            kept = ("the temporary folder is full too, so only the last checkpoint in "
                    f"{output / CHECKPOINT_FOLDER} (if --checkpoint-every was set) holds training progress")
        raise KerastlError(f"cannot save the model into {output}: {error.strerror}; {kept}. Fix: free space on that "
                           "disk (or choose another --output) and train again.") from None


def _learning_rate_facts(task, sweep):
    """`metrics.json`'s "learning_rate": the rate used, and with "auto" what the sweep found."""
    if sweep is None:
        return {"auto": False, "used": task.learning_rate}
    found = sweep.to_dict()
    return {"auto": True, "used": task.learning_rate, "suggested": found.pop("suggested"), "plot": LR_FIND_PLOT,
            **found}


def _json(value):
    return json.dumps(value, sort_keys=True, default=str)


def _task_options_for_config(task, learned):
    """The task's constructor arguments, minus the seed (a run option) and the options calibration
    `learned` (a rerun calibrates again, or with --no-calibrate starts from the defaults), paths
    made absolute."""
    options = dict(task.get_config())
    options.pop("seed", None)
    for name in learned:
        options.pop(name, None)
    backbone = options.get("backbone")
    if isinstance(backbone, str) and os.path.exists(os.path.expanduser(backbone)):
        options["backbone"] = str(Path(backbone).expanduser().resolve())
    return options
