"""`kerastl pretrain`: pretrain a small backbone on raw text and write a keras-hub preset."""

import json

import click

from kerastl.options import COLUMN

SIZES = ("tiny", "mini", "small", "base")


@click.command()
@click.option("--objective", type=click.Choice(["mlm", "clm"]), default="mlm", show_default=True,
              help="mlm: masked LM (BERT-style backbone); clm: causal LM (GPT-style backbone).")
@click.option("--corpus", "corpus", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="A corpus file (repeat for more): text with one document a line, a TSV/CSV "
                   "table (with --text-column), or one character a line with tags (KLUE NER).")
@click.option("--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the backbone preset (usable as --backbone), pretrain_metrics.json and checkpoint/.")
@click.option("--size", type=click.Choice(SIZES), default="small", show_default=True, help="Backbone size.")
@click.option("--vocabulary-size", default=8000, show_default=True, type=click.IntRange(min=16))
@click.option("--sequence-length", default=128, show_default=True, type=click.IntRange(min=8))
@click.option("--epochs", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1))
@click.option("--learning-rate", default=5e-4, show_default=True, type=float)
@click.option("--time-budget", "time_budget_minutes", type=click.FloatRange(min=0),
              help="Minutes of training (over all resumed runs) after which the backbone is written as it is.")
@click.option("--checkpoint-every", default=200, show_default=True, type=click.IntRange(min=1),
              help="Steps between checkpoints; rerun the same command to continue after an interruption.")
@click.option("--max-steps", type=click.IntRange(min=1), help="Stop this run after this many steps in total.")
@click.option("--held-out", "held_out_fraction", default=0.05, show_default=True, type=click.FloatRange(0, 0.5),
              help="Fraction of the documents held out for the reported metric.")
@click.option("--text-column", type=COLUMN, help="Text column (name or index, -1 the last) of table corpus files.")
@click.option("--lowercase/--no-lowercase", default=False, show_default=True)
@click.option("--strip-accents/--no-strip-accents", default=False, show_default=True)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl backbone without a checkpoint "
                   "(a folder of other files is never replaced).")
def pretrain(objective, corpus, output, size, vocabulary_size, sequence_length, epochs, batch_size, learning_rate,
             time_budget_minutes, checkpoint_every, max_steps, held_out_fraction, text_column, lowercase,
             strip_accents, seed, overwrite):
    """Learn a vocabulary and pretrain a backbone on the --corpus files; write it to --output.

    Reports masked-token accuracy (mlm) or perplexity (clm) on held-out documents. Every
    kerastl task takes the folder as --backbone. Rerun the same command after an interruption
    to continue from the last checkpoint.
    """
    from pathlib import Path

    from kerastl.pretrain import pretrain as run_pretraining

    metrics = run_pretraining(
        [Path(path) for path in corpus], output, objective=objective, size=size, vocabulary_size=vocabulary_size,
        sequence_length=sequence_length, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
        time_budget_minutes=time_budget_minutes, checkpoint_every=checkpoint_every, seed=seed,
        held_out_fraction=held_out_fraction, max_steps=max_steps, lowercase=lowercase,
        strip_accents=strip_accents, text_column=text_column, log=click.echo, overwrite=overwrite,
    )
    shown = ("objective", "size", "parameters", "vocabulary_size", "steps", "total_steps", "stopped_by",
             "training_seconds", "tokens_per_second", "held_out")
    click.echo(json.dumps({key: metrics[key] for key in shown}, indent=2, ensure_ascii=False))
