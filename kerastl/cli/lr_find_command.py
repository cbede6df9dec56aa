"""`kerastl lr-find TASK`: sweep the learning rate over a few steps and suggest a peak rate.

`lr-find` is a group of one command per registered task, as `kerastl train`: each takes the task's
own flags (--text-column, ...) and `--set task.NAME=VALUE|read.NAME=VALUE`.
"""

import click

from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.cli.task_commands import TaskGroup, apply_settings, settings_param, short_help, task_params, task_values
from kerastl.options import BATCH_SIZE, SEED


def lr_find_params():
    """The options every task's `kerastl lr-find TASK` command has."""
    return [
        click.Option(["--train", "train_path"], required=True,
                     help="Training data: a file, folder, or tfds:NAME[:SPLIT]."),
        click.Option(["--output"], type=click.Path(file_okay=False),
                     help="Folder for lr_find.png and lr_find.json [default: lr-find-TASK]."),
        click.Option(["--backbone"], default=DEFAULT_BACKBONE, show_default=True, help="Backbone name or folder."),
        click.Option(["--max-length"], type=click.IntRange(min=4),
                     help="Longest token sequence (default: the task's)."),
        click.Option(["--batch-size"], default=32, show_default=True, type=BATCH_SIZE,
                     help="Examples per step: the batch size you will train with."),
        click.Option(["--steps"], default=100, show_default=True, type=click.IntRange(min=1),
                     help="The most steps to sweep over (at most one pass over --train)."),
        click.Option(["--min-rate"], default=1e-7, show_default=True, type=float,
                     help="Learning rate of the first step."),
        click.Option(["--max-rate"], default=1.0, show_default=True, type=float,
                     help="Learning rate of the last step."),
        click.Option(["--seed"], type=SEED, help="Random seed."),
        settings_param("Set any constructor (task.) or file reader (read.) option of the task, as `kerastl train`."),
        click.Option(["--overwrite"], is_flag=True,
                     help="Replace --output when it holds a finished sweep "
                          "(a folder of other files is never replaced)."),
    ]


def lr_find_command(name, task_class):
    """The `kerastl lr-find NAME` command of `task_class`."""

    def callback(**values):
        _lr_find(name, task_values(task_class, values), **values)

    return click.Command(name, callback=callback, params=lr_find_params() + task_params(task_class),
                         short_help=short_help(task_class), help=SWEEP_HELP.replace("TASK", f"the '{name}' task"))


SWEEP_HELP = """Sweep TASK's learning rate from --min-rate to --max-rate on --train; print the suggested rate.

The model trains a few steps with a rate growing exponentially until its loss diverges;
the suggestion is a tenth of the rate of the lowest smoothed loss. Writes lr_find.png
(loss against rate, the suggestion marked) and lr_find.json to --output. The suggestion
is printed alone on standard output: kerastl train ... --learning-rate $(kerastl lr-find ...).
"""

lr_find = TaskGroup("lr-find", lr_find_command, help=SWEEP_HELP.replace("TASK's", "a task's"),
                    epilog="Each task adds options of its own: kerastl lr-find TASK --help lists them.")


def _lr_find(task, given, train_path, output, backbone, max_length, batch_size, steps, min_rate, max_rate, seed,
             settings, overwrite):
    from kerastl.cli.backend_option import log_backend
    from kerastl.runs.lr_find import LR_FIND_JSON, LR_FIND_PLOT, run_lr_find

    log_backend()
    shared = {"backbone": backbone, "max_length": max_length, "seed": seed}
    task_options = {key: value for key, value in shared.items() if value is not None}
    task_options.update(given["task"])
    read_options = dict(given["read"])
    apply_settings(settings, task_options, read_options)
    output = output or f"lr-find-{task}"
    sweep = run_lr_find(task, train_path, output, task_options=task_options, read_options=read_options,
                        overwrite=overwrite, steps=steps, min_rate=min_rate, max_rate=max_rate, batch_size=batch_size)
    click.echo(f"{len(sweep.rates)}-step sweep in {sweep.seconds:.0f} s, lowest loss at {sweep.minimum_rate:.3g}"
               f"{', stopped as the loss diverged' if sweep.stopped_early else ''}; wrote "
               f"{output}/{LR_FIND_PLOT} and {output}/{LR_FIND_JSON}. Suggested learning rate:", err=True)
    if sweep.inconclusive_because:
        click.echo(f"Warning: the sweep cannot tell a rate: {sweep.inconclusive_because}. Do not train at the rate "
                   "below; set one yourself (5e-5 is the usual one for fine-tuning), or sweep more data with a "
                   "smaller --batch-size.", err=True)
    click.echo(f"{sweep.suggestion:.3g}")
