"""`kerastl pretrain`: pretrain a backbone on raw text (new, or continued with --from); write a keras-hub preset."""

import json

import click

from kerastl.options import BATCH_SIZE, COLUMN, EPOCHS, MAX_LENGTH, SEED

SIZES = ("tiny", "mini", "small", "base")


@click.command()
@click.option("--corpus", "corpus", multiple=True, required=True,
              help="Corpus text (repeat for more): a file, a folder (every file in it) or a quoted glob "
                   "('wiki/**/*.txt.gz'); plain, .gz or .bz2. Text with one document a line, a TSV/CSV table "
                   "(with --text-column), or one character a line with tags (KLUE NER).")
@click.option("--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the backbone preset (usable as --backbone), pretrain_metrics.json and checkpoint/.")
@click.option("--from", "from_backbone",
              help="Continue the pretraining of this backbone (name or folder, e.g. minilm-l6) with its own "
                   "objective and tokenizer: domain-adaptive pretraining. Without it a new backbone is built.")
@click.option("--objective", type=click.Choice(["mlm", "clm", "simcse", "mlm+simcse"]),
              help="mlm: masked LM (an encoder); clm: causal LM (a decoder); simcse: contrastive sentence vectors "
                   "(a pretrained encoder, with --from); mlm+simcse: both. Default: mlm for a new backbone; with "
                   "--from, the recipe for that kind of backbone (clm for a decoder, simcse for a "
                   "sentence-embedding encoder such as minilm-l6, mlm for other encoders).")
@click.option("--warmup-head-steps", type=click.IntRange(min=0),
              help="With --from and a masked LM objective: train the new head alone, the backbone frozen, for "
                   "this many steps first [default: the recipe's, 100 for mlm; 0 turns it off].")
@click.option("--size", type=click.Choice(SIZES), help="Size of a new backbone [default: small].")
@click.option("--vocabulary", type=click.Choice(["wordpiece", "sentencepiece"]),
              help="Vocabulary of a new backbone [default: wordpiece]; sentencepiece suits Korean or Japanese.")
@click.option("--vocabulary-size", type=click.IntRange(min=16), help="Vocabulary size of a new backbone [default: 8000].")
@click.option("--vocabulary-sample", default=20_000, show_default=True, type=click.IntRange(min=1),
              help="Documents (sampled from the whole corpus) a new vocabulary is learned from.")
@click.option("--sequence-length", default=128, show_default=True, type=click.IntRange(8, MAX_LENGTH))
@click.option("--epochs", default=3, show_default=True, type=EPOCHS,
              help="Passes over the corpus (counted in one tokenizing pass first).")
@click.option("--steps", type=click.IntRange(min=1),
              help="Train this many steps instead of --epochs (no counting pass: for corpora too big to count).")
@click.option("--batch-size", default=32, show_default=True, type=BATCH_SIZE)
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True),
              help="Peak learning rate [default: 5e-4 for a new backbone; with --from, the recipe's: 5e-5, or "
                   "3e-5 for simcse].")
@click.option("--shuffle-buffer", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Windows held in the shuffling buffer.")
@click.option("--time-budget", "time_budget_minutes", type=click.FloatRange(min=0),
              help="Minutes of training (over all resumed runs) after which the backbone is written as it is.")
@click.option("--checkpoint-every", default=200, show_default=True, type=click.IntRange(min=1),
              help="Steps between checkpoints; rerun the same command to continue after an interruption.")
@click.option("--stop-after-steps", "--max-steps", "max_steps", type=click.IntRange(min=1),
              help="End this run once N steps are done in all (the learning-rate schedule still spans --epochs or "
                   "--steps); the same command run again resumes from there.")
@click.option("--held-out", "held_out_fraction", default=0.05, show_default=True, type=click.FloatRange(0, 0.5),
              help="Share of the documents (chosen by a hash of their text) held out for the reported metric.")
@click.option("--text-column", type=COLUMN, help="Text column (name or index, -1 the last) of table corpus files.")
@click.option("--lowercase/--no-lowercase", default=None, help="Lower-case a new vocabulary [default: no].")
@click.option("--strip-accents/--no-strip-accents", default=None,
              help="Strip accents for a new WordPiece vocabulary [default: no].")
@click.option("--strategy", type=click.Choice(["mirrored", "multiworker"]),
              help="Train over several devices (mirrored) or workers (multiworker, from TF_CONFIG: run the same "
                   "command on every worker; only the chief writes --output).")
@click.option("--seed", default=0, show_default=True, type=SEED)
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl backbone without a checkpoint "
                   "(a folder of other files is never replaced).")
def pretrain(corpus, output, from_backbone, objective, size, vocabulary, vocabulary_size, vocabulary_sample,
             sequence_length, epochs, steps, batch_size, learning_rate, shuffle_buffer, time_budget_minutes,
             checkpoint_every, max_steps, held_out_fraction, text_column, lowercase, strip_accents, strategy, seed,
             warmup_head_steps, overwrite):
    """Pretrain a backbone on the --corpus text and write it to --output.

    Without --from, learns a vocabulary and trains a new backbone. With --from, continues the
    pretraining of an existing one on your domain's text, by default with the recipe measured
    best for its kind (causal LM for a decoder; SimCSE for a sentence-embedding encoder such as
    minilm-l6; masked LM after a head warm-up for other encoders). Reports the objective's
    held-out metric (masked-token accuracy, perplexity, contrastive accuracy) on held-out
    documents (before and after, with --from). Every kerastl task takes the folder as
    --backbone. Rerun the same command after an interruption to continue from the last
    checkpoint.
    """
    from kerastl.cli.backend_option import log_backend
    from kerastl.pretrain import Corpus
    from kerastl.pretrain import pretrain as run_pretraining

    log_backend()
    corpus = Corpus(list(corpus), text_column=text_column, held_out_fraction=held_out_fraction)
    metrics = run_pretraining(
        corpus, output, objective=objective, size=size, vocabulary_size=vocabulary_size,
        sequence_length=sequence_length, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
        time_budget_minutes=time_budget_minutes, checkpoint_every=checkpoint_every, seed=seed,
        from_backbone=from_backbone, steps=steps, vocabulary=vocabulary, vocabulary_sample=vocabulary_sample,
        shuffle_buffer=shuffle_buffer, max_steps=max_steps,
        lowercase=lowercase, strip_accents=strip_accents, text_column=text_column, distribution=strategy,
        warmup_head_steps=warmup_head_steps, log=click.echo, overwrite=overwrite,
    )
    shown = ("objective", "from", "size", "parameters", "vocabulary_size", "steps", "total_steps", "stopped_by",
             "training_seconds", "tokens_per_second", "held_out_before", "held_out_after_head_warmup", "held_out")
    click.echo(json.dumps({key: metrics[key] for key in shown}, indent=2, ensure_ascii=False))
