"""`kerastl curve TASK`: the metric against labeled examples, one line per backbone and one from random init."""

import click
from click.core import ParameterSource

from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.errors import KerastlError
from kerastl.options import BATCH_SIZE, COLUMN, EPOCHS, SEED


def _whole_numbers(example, minimum=None):
    """A click callback parsing comma-separated whole numbers (at least one, each >= `minimum`)."""

    def parse(ctx, param, value):
        if value is None:
            return None
        try:
            numbers = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise click.BadParameter(f"give comma-separated whole numbers, e.g. {example}")
        if not numbers or (minimum is not None and min(numbers) < minimum):
            raise click.BadParameter(f"give at least one {'positive ' if minimum == 1 else ''}number, e.g. {example}")
        return numbers

    return parse


def _names(ctx, param, value):
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise click.BadParameter("give comma-separated backbone names or folders, e.g. minilm-l6,my-backbone")
    return names


def _one_form(ctx, single, several):
    """The value of `several` (a list), or `[single]`; refuse both given on the command line."""
    several_value = ctx.params[several]
    if several_value is None:
        return [ctx.params[single]]
    if ctx.get_parameter_source(single) is not ParameterSource.DEFAULT:
        raise KerastlError(f"--{single} and --{several} were both given. "
                           f"Fix: pass one of them (--{several} takes a comma-separated list).")
    return several_value


@click.command()
@click.argument("task")
@click.option("--train", "train_path", required=True, help="Training data (subsets of it are trained on).")
@click.option("--validation", "validation_path", required=True, help="Labeled data every model is scored on.")
@click.option("--sizes", required=True, callback=_whole_numbers("100,500,2000", minimum=1),
              help="Training-set sizes, comma-separated: 100,500,2000.")
@click.option("--backbone", default=DEFAULT_BACKBONE, show_default=True,
              help="Backbone name or folder (e.g. one written by `kerastl pretrain`).")
@click.option("--backbones", callback=_names,
              help="Several backbones, comma-separated names or folders, one line each (instead of --backbone).")
@click.option("--scratch/--no-scratch", default=True, show_default=True,
              help="Also train the first backbone's architecture from random weights.")
@click.option("--baseline",
              help="The line the others are compared with, seed by seed: a backbone of --backbones (or 'from "
                   "scratch') [default: the last backbone of --backbones].")
@click.option("--output", type=click.Path(file_okay=False),
              help="Folder for curve.png and curve.json [default: curve-TASK].")
@click.option("--epochs", default=3, show_default=True, type=EPOCHS)
@click.option("--batch-size", default=32, show_default=True, type=BATCH_SIZE)
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True),
              help="Peak learning rate (default: the task's).")
@click.option("--scratch-learning-rate", type=click.FloatRange(min=0, min_open=True),
              help="Learning rate of the from-scratch runs (default: the same as the pretrained ones).")
@click.option("--max-length", type=click.IntRange(min=4), help="Longest token sequence (default: the task's).")
@click.option("--seed", default=0, show_default=True, type=SEED)
@click.option("--seeds", callback=_whole_numbers("0,1,2"),
              help="Several seeds, comma-separated: each (line, size) is trained once per seed (instead of --seed).")
@click.option("--text-column", type=COLUMN, help="Column (name or index, -1 the last) holding the text, for tables.")
@click.option("--label-column", type=COLUMN, help="Column (name or index, -1 the last) holding the label, for tables.")
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl learning curve "
                   "(a folder of other files is never replaced).")
@click.pass_context
def curve(ctx, task, train_path, validation_path, sizes, backbone, backbones, scratch, baseline, output, epochs,
          batch_size, learning_rate, scratch_learning_rate, max_length, seed, seeds, text_column, label_column,
          overwrite):
    """Train TASK at each --sizes from each backbone, and from random weights, once per seed.

    Writes curve.png (the metric against labeled examples: each line through its medians over
    the seeds, the min-max range shaded) and curve.json (every run and each point's summary),
    then prints a table: line x size -> median [min-max], and each line against the --baseline
    line: the paired difference (same seed, same labeled subset) as its median over the seeds
    with a 95% bootstrap interval, and whether it is beyond the seed spread.
    """
    from kerastl.runs.curve import curve_table, learning_curve

    task_options = {key: value for key, value in (("learning_rate", learning_rate), ("max_length", max_length))
                    if value is not None}
    read_options = {key: value for key, value in (("text_column", text_column),
                                                  ("label_column", label_column)) if value is not None}
    result = learning_curve(
        task, train_path, validation_path, sizes, backbones=_one_form(ctx, "backbone", "backbones"), epochs=epochs,
        output=output or f"curve-{task}", batch_size=batch_size, seeds=_one_form(ctx, "seed", "seeds"),
        scratch=scratch, task_options=task_options, read_options=read_options,
        scratch_learning_rate=scratch_learning_rate, baseline=baseline, log=click.echo, overwrite=overwrite,
    )
    click.echo(curve_table(result))
    click.echo(f"wrote {result['png']} and {result['json']}")
