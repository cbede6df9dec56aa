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
    from kerastl.cli.backend_option import log_backend
    from kerastl.errors import DataError

    log_backend()

    texts = [_checked_argument(number, text) for number, text in enumerate(texts, start=1)] or _stdin_lines()
    if not texts:
        raise DataError("no text to predict for", fix="pass texts as arguments or one per line on standard input")
    task = kerastl.load(model)
    for prediction in task.predict(list(texts), batch_size=batch_size):
        click.echo(json.dumps(prediction.to_dict(), ensure_ascii=False) if as_json else prediction.describe())


def _checked_argument(number, text):
    """`text` if it is valid Unicode; an argument of bytes that are not UTF-8 is a `DataError`."""
    from kerastl.errors import DataError

    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise DataError(
            f"text argument {number} is not valid UTF-8 (character {error.start + 1} is "
            f"{ascii(text[error.start])}, an unpaired surrogate or a byte that is not UTF-8)",
            fix="pass the text as UTF-8, e.g. convert it with iconv -t utf-8") from None
    return text


def _stdin_lines():
    """The non-empty lines of standard input, decoded as UTF-8 (errors name the line)."""
    from kerastl.data.text_file import decode_utf8

    data = click.get_binary_stream("stdin").read()
    text = decode_utf8(data, "<standard input>")
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]
