"""`kerastl evaluate MODEL --data ...`: score a saved model on labeled data."""

import json

import click


@click.command()
@click.argument("model", type=click.Path())
@click.option("--data", required=True, help="Labeled data: a file, folder, or tfds:NAME[:SPLIT].")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(min=1))
@click.option("--text-column", help="Column (name or index) holding the text, for table files.")
@click.option("--label-column", help="Column (name or index) holding the label, for table files.")
@click.option("--source-column", type=int, help="translation: 0-based source column of a pair table.")
@click.option("--target-column", type=int, help="translation: 0-based target column of a pair table.")
def evaluate(model, data, batch_size, text_column, label_column, source_column, target_column):
    """Print the metrics of the model saved in MODEL on --data, as JSON."""
    import kerastl
    from kerastl.cli.train_command import _column, _given

    task = kerastl.load(model)
    read_options = _given(text_column=_column(text_column), label_column=_column(label_column),
                          source_column=source_column, target_column=target_column)
    click.echo(json.dumps(task.evaluate(data, batch_size=batch_size, **read_options), indent=2, ensure_ascii=False))
