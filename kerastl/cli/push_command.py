"""`kerastl push MODEL hf://OWNER/NAME`: upload a model folder (or an export of it) with its card to a hub."""

import click


@click.command()
@click.argument("model", type=click.Path())
@click.argument("target")
@click.option("--format", "export_format", type=click.Choice(["savedmodel", "onnx", "keras-hub"]), default=None,
              help="Push an export of the model instead of the model folder (with the model's card).")
@click.option("--private", is_flag=True, help="Create a new Hugging Face repository as private.")
@click.option("--message", default=None, help="The commit message (Kaggle: the version notes).")
def push(model, target, export_format, private, message):
    """Upload the kerastl model folder MODEL, with its card (README.md), to TARGET.

    TARGET is hf://OWNER/NAME (the Hugging Face Hub; HF_TOKEN or `hf auth login` gives the
    credentials, HF_ENDPOINT another server) or kaggle://OWNER/MODEL/FRAMEWORK/VARIATION (Kaggle
    Models; KAGGLE_USERNAME and KAGGLE_KEY). The upload is one commit: all files or none.
    """
    from kerastl.hub_push import push_model

    url = push_model(model, target, export_format=export_format, private=private, message=message)
    click.echo(f"Pushed {model}{f' ({export_format})' if export_format else ''} to {url}")
