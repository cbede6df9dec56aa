"""`kerastl lr-find TASK`: sweep the learning rate over a few steps and suggest a peak rate.

The task's own flags (--text-column, ...) are those of `kerastl train TASK` (`TaskTrainCommand`).
"""

import click

from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.cli.train_command import TaskTrainCommand, task_option_values
from kerastl.options import parse_setting


@click.command(cls=TaskTrainCommand)
@click.argument("task")
@click.option("--train", "train_path", required=True, help="Training data: a file, folder, or tfds:NAME[:SPLIT].")
@click.option("--output", type=click.Path(file_okay=False),
              help="Folder for lr_find.png and lr_find.json [default: lr-find-TASK].")
@click.option("--backbone", default=DEFAULT_BACKBONE, show_default=True, help="Backbone name or folder.")
@click.option("--max-length", type=click.IntRange(min=4), help="Longest token sequence (default: the task's).")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1),
              help="Examples per step: the batch size you will train with.")
@click.option("--steps", default=100, show_default=True, type=click.IntRange(min=1),
              help="The most steps to sweep over (at most one pass over --train).")
@click.option("--min-rate", default=1e-7, show_default=True, type=float, help="Learning rate of the first step.")
@click.option("--max-rate", default=1.0, show_default=True, type=float, help="Learning rate of the last step.")
@click.option("--seed", type=int, help="Random seed.")
@click.option("--set", "settings", multiple=True, metavar="task.NAME=VALUE|read.NAME=VALUE",
              help="Set any constructor (task.) or file reader (read.) option of the task, as `kerastl train`.")
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished sweep (a folder of other files is never replaced).")
@click.pass_context
def lr_find(ctx, task, train_path, output, backbone, max_length, batch_size, steps, min_rate, max_rate, seed,
            settings, overwrite, **task_values):
    """Sweep TASK's learning rate from --min-rate to --max-rate on --train; print the suggested rate.

    The model trains a few steps with a rate growing exponentially until its loss diverges;
    the suggestion is a tenth of the rate of the lowest smoothed loss. Writes lr_find.png
    (loss against rate, the suggestion marked) and lr_find.json to --output. The suggestion
    is printed alone on standard output: kerastl train ... --learning-rate $(kerastl lr-find ...).
    """
    from kerastl.tasks import get_task
    from kerastl.runs.lr_find import LR_FIND_JSON, LR_FIND_PLOT, run_lr_find

    given = task_option_values(ctx, task_values)
    train_path, _ = get_task(task).data_from_cli(train_path, None, given["data"])
    shared = {"backbone": backbone, "max_length": max_length, "seed": seed}
    task_options = {key: value for key, value in shared.items() if value is not None}
    task_options.update(given["task"])
    read_options = dict(given["read"])
    for target, name, value in (parse_setting(setting) for setting in settings):
        (task_options if target == "task" else read_options)[name] = value
    output = output or f"lr-find-{task}"
    sweep = run_lr_find(task, train_path, output, task_options=task_options, read_options=read_options,
                        overwrite=overwrite, steps=steps, min_rate=min_rate, max_rate=max_rate, batch_size=batch_size)
    click.echo(f"{len(sweep.rates)}-step sweep in {sweep.seconds:.0f} s, lowest loss at {sweep.minimum_rate:.3g}"
               f"{', stopped as the loss diverged' if sweep.stopped_early else ''}; wrote "
               f"{output}/{LR_FIND_PLOT} and {output}/{LR_FIND_JSON}. Suggested learning rate:", err=True)
    click.echo(f"{sweep.suggestion:.3g}")
