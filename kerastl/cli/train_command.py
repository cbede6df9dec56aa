"""`kerastl train TASK`: fine-tune a task and save it.

`train` is a group of one command per registered task (`kerastl.cli.task_commands.TaskGroup`):
each has the options every task shares plus the task's own (`Task.cli_options`), so
`kerastl train ner --help` lists NER's and a plugin's task lists its own. `--set
task.NAME=VALUE` / `--set read.NAME=VALUE` reaches any constructor or reader option of any task.
`kerastl train --config FILE ...` trains the task the config file names.
"""

import json
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.cli.task_commands import (TaskGroup, apply_settings, settings_param, short_help, task_defaults, task_params,
                                       task_values)
from kerastl.options import BATCH_SIZE, EPOCHS, FREEZE, PRECISIONS, SEED

MISSING_TASK = ("Missing argument 'TASK' (give it first: kerastl train TASK [OPTIONS], "
                "or pass a --config file that has it).")


class LearningRateType(click.ParamType):
    """A learning rate: a positive number, or "auto" (a short sweep finds one)."""

    name = "RATE|auto"

    def convert(self, value, param, ctx):
        from kerastl.errors import KerastlError
        from kerastl.runs.run_config import parse_learning_rate

        try:
            return parse_learning_rate(value)
        except KerastlError as error:
            self.fail(str(error), param, ctx)


class TrainGroup(TaskGroup):
    """`kerastl train`: one command per task; `kerastl train --config FILE ...` runs the task FILE names."""

    def parse_args(self, ctx, args):
        if args and args[0].startswith("-") and args[0] not in self.get_help_option_names(ctx):
            task = _config_task(args)
            if task is None:
                raise click.UsageError(MISSING_TASK, ctx=ctx)
            args = [task, *args]
        return super().parse_args(ctx, args)


def _config_task(args):
    """The task of the `--config` file among the command-line `args`, or None (no --config, no task)."""
    from kerastl.runs.run_config import read_run_config

    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--config" and index + 1 < len(args):
            return read_run_config(args[index + 1]).get("task")  # a bad file is kerastl's one-line error
        if arg.startswith("--config="):
            return read_run_config(arg.partition("=")[2]).get("task")
    return None


def train_params(task_class=None):
    """The options every task's `kerastl train TASK` command has (their help names `task_class`' defaults)."""
    defaults = task_defaults(task_class)
    return [
        click.Option(["--config", "config_path"], type=click.Path(dir_okay=False),
                     help="A config.yaml of an earlier run to run again; flags given here override its values "
                          "(`kerastl train --config FILE` trains the task it names)."),
        click.Option(["--train", "train_path"], help="Training data: a file, folder, or tfds:NAME[:SPLIT]."),
        click.Option(["--validation", "validation_path"],
                     help="Validation data, scored each epoch and after training."),
        click.Option(["--output"], type=click.Path(file_okay=False),
                     help="Folder for the trained model, metrics.json, config.yaml and plots."),
        click.Option(["--backbone"], default=DEFAULT_BACKBONE, show_default=True, help="Backbone name or folder."),
        click.Option(["--epochs"], default=3, show_default=True, type=EPOCHS),
        click.Option(["--batch-size"], default=32, show_default=True, type=BATCH_SIZE),
        click.Option(["--learning-rate"], type=LearningRateType(),
                     help=f"Peak learning rate (default: the task's, {defaults.get('learning_rate', '?')}), or 'auto': "
                          "a short sweep on --train first picks it (as `kerastl lr-find`; OUTPUT/lr_find.png shows it)."),
        click.Option(["--max-length"], type=click.IntRange(min=4),
                     help=f"Longest token sequence (default: the task's, {defaults.get('max_length', '?')})."),
        click.Option(["--freeze"], type=FREEZE, help="'none', 'all', or how many bottom transformer layers to freeze."),
        click.Option(["--lora-rank"], type=click.IntRange(min=1), help="Train low-rank adapters of this rank instead."),
        click.Option(["--seed"], type=SEED, help="Random seed."),
        click.Option(["--precision"], type=click.Choice(PRECISIONS),
                     help="Numeric precision of the backbone (default: the task's): 'mixed_bfloat16' computes its "
                          "layers in bfloat16, 'onednn_bfloat16' only its matrix products (on the CPU, the model "
                          "stays float32); 'auto' uses 'mixed_bfloat16' where the CPU has bfloat16 instructions."),
        settings_param("Set any constructor (task.) or file reader (read.) option of the task, e.g. "
                       "--set task.dropout=0.2 --set read.text_column=review; values are YAML. Applied last."),
        click.Option(["--tensorboard/--no-tensorboard"], default=False,
                     help="Also write TensorBoard logs to OUTPUT/tensorboard."),
        click.Option(["--checkpoint-every"], default=500, show_default=True, type=click.IntRange(min=0),
                     help="Checkpoint into OUTPUT/checkpoint every N steps (0: never); the same command run "
                          "again after an interruption resumes from the last checkpoint."),
        click.Option(["--strategy"], type=click.Choice(["mirrored", "multiworker", "tpu"]),
                     help="Train over several devices (mirrored), workers (multiworker, from TF_CONFIG: run the same "
                          "command on every worker; only the chief writes --output) or a TPU."),
        click.Option(["--early-stopping-patience"], type=click.IntRange(min=1),
                     help="Stop after N epochs without a better validation score (the task's metric) and keep the "
                          "best epoch's weights."),
        click.Option(["--restore-best/--keep-last"], default=None,
                     help="Save the best validation epoch's weights (the default with --validation) or the last "
                          "epoch's (the default without)."),
        click.Option(["--accumulate-steps"], type=click.IntRange(min=1),
                     help="Update every N batches with their mean gradient: an effective batch of N x --batch-size "
                          "at the memory of one batch."),
        click.Option(["--calibrate/--no-calibrate"], default=True, show_default=True,
                     help="After training, let the task learn on --validation what its answers depend on beyond the "
                          "weights (a temperature that makes scores match accuracy, per-label thresholds)."),
        click.Option(["--overwrite"], is_flag=True,
                     help="Replace --output when it holds a finished kerastl model "
                          "(a folder of other files is never replaced)."),
    ]


def train_command(name, task_class):
    """The `kerastl train NAME` command of `task_class`."""

    def callback(**values):
        _train(click.get_current_context(), name, task_values(task_class, values), **values)

    return click.Command(
        name, callback=callback, params=train_params(task_class) + task_params(task_class),
        short_help=short_help(task_class),
        help=f"Fine-tune the '{name}' task on --train and save the model in --output.\n\n"
             "With --config FILE (the config.yaml of an earlier run), --train and --output may come from the file; "
             "flags given here override its values.")


train = TrainGroup(
    "train", train_command,
    help="Fine-tune TASK on --train and save the model in --output.\n\n"
         "With --config FILE (the config.yaml of an earlier run), TASK, --train and --output may come from the "
         "file (kerastl train --config FILE [OPTIONS]); flags given here override its values.",
    epilog="Each task adds options of its own: kerastl train TASK --help lists them.")


def _train(ctx, task, given, config_path, train_path, validation_path, output, backbone, epochs, batch_size,
           learning_rate, max_length, freeze, lora_rank, seed, precision, settings, tensorboard, checkpoint_every,
           strategy, early_stopping_patience, restore_best, accumulate_steps, calibrate, overwrite):
    from kerastl.cli.backend_option import log_backend
    from kerastl.reporting import summary_line
    from kerastl.runs.run_config import read_run_config
    from kerastl.runs.train import run_training

    log_backend()
    config = read_run_config(config_path) if config_path else {}
    train_path = train_path or config.get("train")
    validation_path = validation_path or config.get("validation")
    output = output or config.get("output")
    for value, missing in ((train_path, "option '--train'"), (output, "option '--output'")):
        if value is None:
            raise click.UsageError(f"Missing {missing} (give it here, or pass a --config file that has it).", ctx=ctx)
    epochs, batch_size, tensorboard, early_stopping_patience, restore_best, accumulate_steps, calibrate = (
        value if _on_command_line(ctx, name) or config.get(name) is None else config[name]
        for name, value in (("epochs", epochs), ("batch_size", batch_size), ("tensorboard", tensorboard),
                            ("early_stopping_patience", early_stopping_patience), ("restore_best", restore_best),
                            ("accumulate_steps", accumulate_steps), ("calibrate", calibrate))
    )
    if restore_best is None and validation_path:
        restore_best = True  # save the best validation epoch, as the summary line reports it (--keep-last: the last)
    task_options = dict(config.get("task_options") or {})
    if config.get("seed") is not None:
        task_options["seed"] = config["seed"]
    if _on_command_line(ctx, "backbone") or "backbone" not in task_options:
        task_options["backbone"] = backbone
    shared = {"learning_rate": learning_rate if learning_rate != "auto" else None, "max_length": max_length,
              "freeze": freeze, "lora_rank": lora_rank, "seed": seed, "precision": precision}
    task_options.update({key: value for key, value in shared.items() if value is not None})
    task_options.update(given["task"])
    read_options = {**(config.get("read_options") or {}), **given["read"]}
    apply_settings(settings, task_options, read_options)
    try:
        summary = run_training(task, train_path, output, validation=validation_path, task_options=task_options,
                               read_options=read_options, epochs=epochs, batch_size=batch_size,
                               tensorboard=tensorboard, checkpoint_every=checkpoint_every, distribution=strategy,
                               overwrite=overwrite, early_stopping_patience=early_stopping_patience,
                               restore_best=restore_best, accumulate_steps=accumulate_steps or 1, calibrate=calibrate,
                               learning_rate="auto" if learning_rate == "auto" else None)
    except KeyboardInterrupt:
        click.echo(_interrupted(output, checkpoint_every), err=True)
        sys.exit(130)  # the shell's code for a command ended by Ctrl-C
    if summary.get("learning_rate", {}).get("auto"):
        found = summary["learning_rate"]
        click.echo(f"Learning rate {found['used']:.3g}: suggested by a {found['steps']}-step sweep "
                   f"of {found['seconds']:.0f} s ({output}/{found['plot']})")
    if "validation" in summary:
        click.echo(json.dumps(_headline(summary["validation"]), indent=2))
    calibration = summary.get("calibration") or {}
    if calibration.get("note") or calibration.get("why"):
        click.echo(f"Calibration: {calibration.get('note') or calibration.get('why')}.")
    click.echo(summary_line(summary, output))


def _interrupted(output, checkpoint_every):
    """What an interrupted `kerastl train` kept in `output`, and how to go on."""
    from kerastl.runs.train import CHECKPOINT_FOLDER
    from kerastl.training import read_checkpoint

    try:
        state = read_checkpoint(Path(output) / CHECKPOINT_FOLDER)
    except Exception:  # noqa: BLE001 - a torn checkpoint is reported by the resume, not here
        state = None
    if state and state.get("step"):
        return (f"Interrupted. Kept: the checkpoint of step {state['step']} in {output}/{CHECKPOINT_FOLDER}. "
                "Run the same command again to resume from it.")
    if not checkpoint_every:
        return ("Interrupted: nothing was kept (--checkpoint-every 0 turns checkpoints off). Run the same command "
                "again to start over; --checkpoint-every N keeps a checkpoint every N steps and at each epoch's end.")
    return (f"Interrupted before the first checkpoint (every {checkpoint_every} steps and at the end of each epoch): "
            "nothing was kept. Run the same command again to start over; a smaller --checkpoint-every keeps more.")


def _on_command_line(ctx, name):
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def _headline(metrics):
    return {key: value for key, value in metrics.items() if not isinstance(value, dict)}
