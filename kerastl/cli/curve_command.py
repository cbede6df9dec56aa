"""`kerastl curve TASK`: the metric against labeled examples, pretrained vs random init."""

import json

import click

from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.options import COLUMN


def _sizes(ctx, param, value):
    try:
        sizes = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("give comma-separated whole numbers, e.g. 100,500,2000")
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("give at least one positive size, e.g. 100,500,2000")
    return sizes


@click.command()
@click.argument("task")
@click.option("--train", "train_path", required=True, help="Training data (subsets of it are trained on).")
@click.option("--validation", "validation_path", required=True, help="Labeled data every model is scored on.")
@click.option("--sizes", required=True, callback=_sizes, help="Training-set sizes, comma-separated: 100,500,2000.")
@click.option("--backbone", default=DEFAULT_BACKBONE, show_default=True,
              help="Backbone name or folder (e.g. one written by `kerastl pretrain`).")
@click.option("--output", type=click.Path(file_okay=False),
              help="Folder for curve.png and curve.json [default: curve-TASK].")
@click.option("--epochs", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1))
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True),
              help="Peak learning rate (default: the task's).")
@click.option("--scratch-learning-rate", type=click.FloatRange(min=0, min_open=True),
              help="Learning rate of the from-scratch runs (default: the same as the pretrained ones).")
@click.option("--max-length", type=click.IntRange(min=4), help="Longest token sequence (default: the task's).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--text-column", type=COLUMN, help="Column (name or index, -1 the last) holding the text, for tables.")
@click.option("--label-column", type=COLUMN, help="Column (name or index, -1 the last) holding the label, for tables.")
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl learning curve "
                   "(a folder of other files is never replaced).")
def curve(task, train_path, validation_path, sizes, backbone, output, epochs, batch_size, learning_rate,
          scratch_learning_rate, max_length, seed, text_column, label_column, overwrite):
    """Train TASK at each --sizes, from the pretrained backbone and from random weights.

    Writes curve.png (the metric against labeled examples, two lines) and curve.json.
    """
    from kerastl.curve import learning_curve

    task_options = {key: value for key, value in (("learning_rate", learning_rate), ("max_length", max_length))
                    if value is not None}
    read_options = {key: value for key, value in (("text_column", text_column),
                                                          ("label_column", label_column)) if value is not None}
    result = learning_curve(
        task, train_path, validation_path, sizes, backbone=backbone, epochs=epochs,
        output=output or f"curve-{task}", batch_size=batch_size, seed=seed, task_options=task_options,
        read_options=read_options, scratch_learning_rate=scratch_learning_rate, log=click.echo, overwrite=overwrite,
    )
    table = {line: {point["size"]: point["metric"] for point in result[line]} for line in ("pretrained", "from_scratch")}
    click.echo(json.dumps({"metric": result["metric"], **table, "png": result["png"], "json": result["json"]}, indent=2))
