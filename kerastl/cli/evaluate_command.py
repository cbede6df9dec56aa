"""`kerastl evaluate MODEL --data ...`: score a saved model on labeled data."""

import json

import click

from kerastl.options import COLUMN


@click.command()
@click.argument("model", type=click.Path())
@click.option("--data", required=True, help="Labeled data: a file, folder, or tfds:NAME[:SPLIT].")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(min=1))
@click.option("--text-column", type=COLUMN, help="Column (name or index, -1 the last) holding the text, for tables.")
@click.option("--label-column", type=COLUMN, help="Column (name or index, -1 the last) holding the label, for tables.")
@click.option("--text-pair-column", type=COLUMN, help="classification of text pairs: the second text's column.")
@click.option("--source-column", type=COLUMN, help="translation: source column of a pair table.")
@click.option("--target-column", type=COLUMN, help="translation: target column of a pair table.")
def evaluate(model, data, batch_size, text_column, label_column, text_pair_column, source_column, target_column):
    """Print the metrics of the model saved in MODEL on --data, as JSON."""
    import kerastl

    task = kerastl.load(model)
    columns = {"text_column": text_column, "label_column": label_column, "text_pair_column": text_pair_column,
               "source_column": source_column, "target_column": target_column}
    read_options = {key: value for key, value in columns.items() if value is not None}
    click.echo(json.dumps(task.evaluate(data, batch_size=batch_size, **read_options), indent=2, ensure_ascii=False))
