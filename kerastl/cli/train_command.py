"""`kerastl train TASK`: fine-tune a task and save it."""

import json

import click

from kerastl.backbones import DEFAULT_BACKBONE


def _given(**options):
    return {key: value for key, value in options.items() if value is not None}


@click.command()
@click.argument("task")
@click.option("--train", "train_path", required=True, help="Training data: a file, folder, or tfds:NAME[:SPLIT].")
@click.option("--validation", "validation_path", help="Validation data, scored after training.")
@click.option("--output", required=True, type=click.Path(file_okay=False), help="Folder for the trained model.")
@click.option("--backbone", default=DEFAULT_BACKBONE, show_default=True, help="Backbone name or folder.")
@click.option("--epochs", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1))
@click.option("--learning-rate", type=float, help="Peak learning rate (default: the task's).")
@click.option("--max-length", type=click.IntRange(min=4), help="Longest token sequence (default: the task's).")
@click.option("--freeze", help="'none', 'all', or how many bottom transformer layers to freeze.")
@click.option("--lora-rank", type=click.IntRange(min=1), help="Train low-rank adapters of this rank instead.")
@click.option("--seed", type=int, help="Random seed.")
@click.option("--text-column", help="Column (name or index) holding the text, for table files.")
@click.option("--label-column", help="Column (name or index) holding the label, for table files.")
def train(task, train_path, validation_path, output, backbone, epochs, batch_size, learning_rate, max_length,
          freeze, lora_rank, seed, text_column, label_column):
    """Fine-tune TASK on --train and save the model in --output."""
    from kerastl.training_run import run_training

    if freeze is not None and freeze not in ("none", "all"):
        if not freeze.isdigit():
            raise click.BadParameter("use 'none', 'all' or a number of layers", param_hint="--freeze")
        freeze = int(freeze)
    task_options = _given(backbone=backbone, learning_rate=learning_rate, max_length=max_length, freeze=freeze,
                          lora_rank=lora_rank, seed=seed)
    read_options = _given(text_column=_column(text_column), label_column=_column(label_column))
    summary = run_training(task, train_path, output, validation=validation_path, task_options=task_options,
                           read_options=read_options, epochs=epochs, batch_size=batch_size)
    click.echo(f"Trained {task} on {summary['train_examples']} examples in {summary['train_seconds']:.0f} s; "
               f"saved to {output}")
    if "validation" in summary:
        click.echo(json.dumps(_headline(summary["validation"]), indent=2))


def _column(value):
    return int(value) if value is not None and value.lstrip("-").isdigit() else value


def _headline(metrics):
    return {key: value for key, value in metrics.items() if not isinstance(value, dict)}
