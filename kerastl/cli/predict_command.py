"""`kerastl predict MODEL [TEXT...]`: predictions for texts, or for each line of stdin."""

import json

import click

from kerastl.options import BATCH_SIZE


@click.command()
@click.argument("model", type=click.Path())
@click.argument("texts", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per input.")
@click.option("--batch-size", default=64, show_default=True, type=BATCH_SIZE)
def predict(model, texts, as_json, batch_size):
    """Predict with the model in MODEL for TEXTS (or each non-empty line of standard input)."""
    import kerastl
    from kerastl.cli.backend_option import log_backend
    from kerastl.errors import DataError

    log_backend()
    texts = [_checked_argument(number, text) for number, text in enumerate(texts, start=1)]
    task, predicted = None, 0
    for chunk in [texts] if texts else _stdin_chunks(batch_size):
        task = task or kerastl.load(model)
        for prediction in task.predict(chunk, batch_size=batch_size):
            click.echo(_json_line(prediction) if as_json else prediction.describe())
        predicted += len(chunk)
    if not predicted:
        raise DataError("no text to predict for", fix="pass texts as arguments or one per line on standard input")


def _json_line(prediction):
    """The prediction as one line of strict JSON: a model whose outputs are NaN or infinite is an error."""
    from kerastl.errors import KerastlError

    try:
        return json.dumps(prediction.to_dict(), ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise KerastlError("the model's outputs are not finite numbers (NaN or infinity), so its weights are broken. "
                           "Fix: train the model again (a lower --learning-rate keeps training from diverging).") from None


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


def _stdin_chunks(size):
    """The non-empty lines of standard input in lists of `size`, each list as soon as it is read, so
    predictions print while input still arrives (lines are checked as `stream_lines` does)."""
    from kerastl.data.text_file import stream_lines

    chunk = []
    for _, line in stream_lines(click.get_binary_stream("stdin")):
        if line.strip():
            chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
