"""`pretrain`: learn a vocabulary and a small backbone from raw text; write a keras-hub preset."""

import hashlib
import json
import os
import random
import shutil
from pathlib import Path

import keras

from kerastl.atomic_files import (atomic_folder, check_output_folder, output_lock, remove_leftovers,
                                  write_run_marker)
from kerastl.errors import DataError, KerastlError
from kerastl.pretrain.backbone_sizes import backbone_size
from kerastl.pretrain.causal_lm import CausalLanguageModel
from kerastl.pretrain.checkpoint import PretrainCheckpoint
from kerastl.pretrain.corpus import read_corpus
from kerastl.pretrain.masked_lm import MaskedLanguageModel
from kerastl.pretrain.progress_callback import PretrainProgress
from kerastl.pretrain.token_windows import token_windows
from kerastl.pretrain.vocabulary import learn_vocabulary, word_piece_tokenizer

OBJECTIVES = {"mlm": MaskedLanguageModel, "clm": CausalLanguageModel}
CHECKPOINT_FOLDER = "checkpoint"
METRICS_FILE = "pretrain_metrics.json"
#: Steps per Keras epoch when progress lines are off.
LOG_CHUNK = 100
#: Options that must stay the same between an interrupted run and its continuation.
RESUME_OPTIONS = ("corpus", "objective", "size", "vocabulary_size", "sequence_length", "epochs", "batch_size",
                  "learning_rate", "seed", "held_out_fraction", "lowercase", "strip_accents")


def pretrain(corpus, output, objective="mlm", size="small", vocabulary_size=8000, sequence_length=128,
             epochs=3, batch_size=32, learning_rate=5e-4, time_budget_minutes=None, checkpoint_every=200,
             seed=0, *, held_out_fraction=0.05, max_steps=None, lowercase=False, strip_accents=False,
             text_column=None, log_every=50, log=None, overwrite=False):
    """Pretrain a small backbone on raw text and write it as a keras-hub preset folder.

    Learns a WordPiece vocabulary from the corpus (case and accents kept unless asked), builds
    a BERT-style backbone for masked LM ("mlm") or a GPT-style one for causal LM ("clm"),
    trains it on the corpus packed into windows of `sequence_length` tokens, and reports
    masked-token accuracy or perplexity on a held-out slice of the documents. The folder
    `output` then holds the backbone and tokenizer (pass it as `backbone=` to any task, or as
    `--backbone` on the command line), `pretrain_metrics.json`, and `checkpoint/`.

    A checkpoint (weights, optimizer state, vocabulary, step counter) is written every
    `checkpoint_every` steps. Run the same call again after an interruption and it continues
    from the last checkpoint, skipping the batches already trained on.

    Args:
        corpus: a corpus file, a list of files (see `read_corpus` for the layouts), or a list
            of texts.
        output: the folder to write (replaced whole when the run ends).
        objective: "mlm" (masked LM, BERT-style) or "clm" (causal LM, GPT-style).
        size: a named size of `kerastl.pretrain.BACKBONE_SIZES` ("tiny", "mini", "small", "base").
        vocabulary_size: the largest WordPiece vocabulary to learn.
        sequence_length: tokens per training window.
        epochs: passes over the training windows; the learning-rate schedule spans them all.
        batch_size: windows per step.
        learning_rate: peak AdamW learning rate (warmup, then cosine decay).
        time_budget_minutes: stop training once this many minutes of training (over all runs)
            are spent, and write the backbone as it is then. None: no limit.
        checkpoint_every: steps between checkpoints.
        seed: seed of the vocabulary split, initialization and data order.
        held_out_fraction: fraction of the documents kept out of training for the metric.
        max_steps: stop this run after this many steps in total (a later run continues);
            None: train to the end.
        lowercase, strip_accents: normalize the text (off by default: Korean and German survive).
        text_column: the text column of table corpus files.
        log_every: steps between progress lines (0: none).
        log: called with each progress line (default: print).
        overwrite: replace `output` when it holds a finished backbone without a checkpoint to
            continue. A folder of other files is never replaced.

    Returns:
        The metrics dict also written to `pretrain_metrics.json`.

    Raises:
        KerastlError: for an unknown objective or size, an empty corpus, or a checkpoint of a
            run with other options.
        OutputError: before any work, when `output` holds other files, cannot be written, or
            another run is writing it.

    Example:

    >>> from kerastl.pretrain import pretrain
    >>> pretrain(["nsmc.txt"], "korean-backbone", size="small", time_budget_minutes=25)  # doctest: +SKIP
    >>> from kerastl.tasks import SentimentTask
    >>> SentimentTask("korean-backbone")  # doctest: +SKIP
    """
    if objective not in OBJECTIVES:
        raise KerastlError(f"Unknown objective '{objective}'. Fix: use 'mlm' (masked LM) or 'clm' (causal LM).")
    if not 0 <= held_out_fraction < 1:
        raise ValueError(f"`held_out_fraction` must be in [0, 1). Received: held_out_fraction={held_out_fraction!r}")
    output = Path(output)
    check_output_folder(output, "pretrain", overwrite=overwrite)
    with output_lock(output):
        remove_leftovers(output)
        return _pretrain(corpus, output, objective, size, vocabulary_size, sequence_length, epochs, batch_size,
                         learning_rate, time_budget_minutes, checkpoint_every, seed, held_out_fraction, max_steps,
                         lowercase, strip_accents, text_column, log_every, log)


def _pretrain(corpus, output, objective, size, vocabulary_size, sequence_length, epochs, batch_size, learning_rate,
              time_budget_minutes, checkpoint_every, seed, held_out_fraction, max_steps, lowercase, strip_accents,
              text_column, log_every, log):
    dimensions = backbone_size(size)
    log = log or (lambda line: print(line, flush=True))
    options = {
        "objective": objective, "size": size, "vocabulary_size": vocabulary_size,
        "sequence_length": sequence_length, "epochs": epochs, "batch_size": batch_size,
        "learning_rate": learning_rate, "seed": seed, "held_out_fraction": held_out_fraction,
        "lowercase": lowercase, "strip_accents": strip_accents,
    }
    texts = _corpus_texts(corpus, text_column)
    options["corpus"] = f"{len(texts)} documents, sha256 " + hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    train_texts, held_out_texts = _split_documents(texts, held_out_fraction, seed)

    write_run_marker(output, "pretrain")
    checkpoint = PretrainCheckpoint(output / CHECKPOINT_FOLDER)
    previous = {}
    if checkpoint.exists():
        previous, vocabulary = checkpoint.read_state()
        _check_same_options(previous.get("options", {}), options, checkpoint.folder)
        log(f"Resuming from {checkpoint.folder} at step {previous['step']}.")
    else:
        log(f"Learning a WordPiece vocabulary of up to {vocabulary_size} tokens from {len(train_texts)} documents.")
        vocabulary = learn_vocabulary(train_texts, vocabulary_size, lowercase=lowercase, strip_accents=strip_accents)
    tokenizer = word_piece_tokenizer(vocabulary, lowercase=lowercase, strip_accents=strip_accents)

    keras.utils.set_random_seed(seed)
    model = OBJECTIVES[objective](tokenizer, dimensions, sequence_length=sequence_length)
    train_windows, train_tokens = token_windows(tokenizer, train_texts, model.window_length)
    held_out_windows, _ = token_windows(tokenizer, held_out_texts or train_texts, model.window_length)
    steps_per_epoch = max(1, len(train_windows) // batch_size)
    total_steps = epochs * steps_per_epoch
    model.compile(learning_rate, total_steps)
    if previous:
        checkpoint.restore(model)
    target = total_steps if max_steps is None else min(total_steps, max_steps)
    budget = None if time_budget_minutes is None else 60.0 * time_budget_minutes
    tokens_per_step = batch_size * model.window_length

    def state(progress):
        return {
            "options": options, "step": model.step, "total_steps": total_steps,
            "training_seconds": round(progress.elapsed, 1),
            "tokens_per_second": _rate(progress) or previous.get("tokens_per_second"),
        }

    progress = PretrainProgress(
        save=lambda: checkpoint.save(model, vocabulary, state(progress)), checkpoint_every=checkpoint_every,
        elapsed_before=float(previous.get("training_seconds", 0.0)), time_budget_seconds=budget,
        tokens_per_step=tokens_per_step, log_every=log_every, log=log,
    )
    out_of_time = budget is not None and progress.elapsed >= budget
    if model.step < target and not out_of_time:
        log(f"Training a {size} {objective} backbone ({model.backbone.count_params():,} parameters) on "
            f"{train_tokens:,} tokens in {len(train_windows)} windows: steps {model.step + 1}-{target} of {total_steps}.")
        # Keras "epochs" of `chunk` steps over the endless batches, so the logged loss and accuracy
        # are means over the last chunk; the callback stops at `target` inside the last one.
        chunk = min(log_every or LOG_CHUNK, target - model.step)
        progress.stop_at_step = target
        model.model.fit(
            model.batches(train_windows, batch_size, training=True, seed=seed, skip_steps=model.step),
            epochs=-(-(target - model.step) // chunk), steps_per_epoch=chunk, verbose=0, callbacks=[progress],
            shuffle=False,
        )
        checkpoint.save(model, vocabulary, state(progress))
        out_of_time = progress.out_of_time

    held_out = model.evaluate(held_out_windows, batch_size=batch_size * 2)
    step = model.step
    metrics = {
        "objective": objective,
        "size": size,
        "dimensions": dimensions,
        "parameters": int(model.backbone.count_params()),
        "vocabulary_size": tokenizer.vocabulary_size(),
        "sequence_length": sequence_length,
        model.headline_metric: held_out[model.headline_metric],
        "held_out": held_out,
        "held_out_is_training_data": not held_out_texts,
        "documents": {"train": len(train_texts), "held_out": len(held_out_texts)},
        "train_tokens": int(train_tokens),
        "steps": step,
        "total_steps": total_steps,
        "epochs_done": round(step / steps_per_epoch, 3),
        "complete": step >= total_steps,
        "stopped_by": "finished" if step >= total_steps else ("time_budget" if out_of_time else "max_steps"),
        "tokens_seen": step * tokens_per_step,
        "training_seconds": round(progress.elapsed, 1),
        "tokens_per_second": _rate(progress) or previous.get("tokens_per_second"),
        "options": options,
    }
    _write_preset(model, tokenizer, metrics, output, checkpoint.folder)
    log(f"{model.headline_metric} on the held-out text: {held_out[model.headline_metric]:.4f}. "
        f"Backbone written to {output} (use it as --backbone {output}).")
    return metrics


def _corpus_texts(corpus, text_column):
    if isinstance(corpus, (str, os.PathLike)):
        corpus = [corpus]
    corpus = list(corpus)
    if corpus and all(isinstance(item, os.PathLike) or (isinstance(item, str) and os.path.isfile(item))
                      for item in corpus):
        texts = read_corpus(corpus, text_column=text_column)
    else:
        texts = [text.strip() for text in corpus if isinstance(text, str) and text.strip()]
    if not texts:
        raise DataError("the pretraining corpus holds no text", fix="give text files (one document per line) or texts")
    return texts


def _split_documents(texts, fraction, seed):
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    count = min(round(len(texts) * fraction), len(texts) - 1) if fraction > 0 and len(texts) > 1 else 0
    count = max(count, 1) if fraction > 0 and len(texts) > 1 else count
    held_out = sorted(order[:count])
    train = sorted(order[count:])
    return [texts[i] for i in train], [texts[i] for i in held_out]


def _check_same_options(saved, options, folder):
    changed = [f"{key}={saved.get(key)!r} there, {options[key]!r} now" for key in RESUME_OPTIONS
               if saved.get(key) != options[key]]
    if changed:
        raise KerastlError(
            f"The checkpoint in {folder} belongs to a run with other options ({'; '.join(changed)}). "
            f"Fix: rerun with the same options to continue it, or delete {folder} to start over."
        )


def _rate(progress):
    rate = progress.tokens_per_second
    return round(rate, 1) if rate else None


def _write_preset(model, tokenizer, metrics, output, checkpoint_folder):
    with atomic_folder(output) as work:
        model.backbone.save_to_preset(str(work))
        tokenizer.save_to_preset(str(work))
        (work / METRICS_FILE).write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")
        if checkpoint_folder.is_dir():
            shutil.copytree(checkpoint_folder, work / CHECKPOINT_FOLDER)
