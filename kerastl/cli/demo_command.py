"""`kerastl demo`: the main job on the bundled defaults, offline."""

import click

from kerastl.options import EPOCHS, SEED


@click.command()
@click.option("--backbone", default="minilm-l6", show_default=True, help="Backbone name or folder.")
@click.option("--epochs", default=3, show_default=True, type=EPOCHS)
@click.option("--seed", default=0, show_default=True, type=SEED)
def demo(backbone, epochs, seed):
    """Fine-tune the default backbone on kerastl's sentiment sample and show the result."""
    from kerastl.runs.demo import run_demo

    run_demo(backbone=backbone, epochs=epochs, seed=seed, echo=click.echo)
