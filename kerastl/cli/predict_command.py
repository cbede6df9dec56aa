"""`kerastl predict MODEL [TEXT...]`: predictions for texts, or for each line of stdin."""

import json

import click


@click.command()
@click.argument("model", type=click.Path())
@click.argument("texts", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per input.")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(min=1))
def predict(model, texts, as_json, batch_size):
    """Predict with the model in MODEL for TEXTS (or each non-empty line of standard input)."""
    import kerastl
    from kerastl.errors import DataError

    if not texts:
        texts = [line.rstrip("\n") for line in click.get_text_stream("stdin") if line.strip()]
    if not texts:
        raise DataError("no text to predict for", fix="pass texts as arguments or one per line on standard input")
    task = kerastl.load(model)
    for prediction in task.predict(list(texts), batch_size=batch_size):
        click.echo(json.dumps(prediction.to_dict(), ensure_ascii=False) if as_json else prediction.describe())
