"""`pretrain`: pretrain a backbone on raw text, new or continued, and write a keras-hub preset."""

import contextlib
import json
import os
import shutil
from pathlib import Path

import keras
import tensorflow as tf

from kerastl.atomic_files import atomic_folder, run_folder
from kerastl.errors import DataError, KerastlError
from kerastl.pretrain.backbone_sizes import backbone_size, new_backbone
from kerastl.pretrain.causal_lm import CausalLanguageModel
from kerastl.pretrain.checkpoint import PretrainCheckpoint
from kerastl.pretrain.contrastive import ContrastiveSentenceModel, MaskedAndContrastiveModel
from kerastl.pretrain.corpus import Corpus
from kerastl.pretrain.masked_lm import MaskedLanguageModel
from kerastl.pretrain.progress_callback import PretrainProgress
from kerastl.pretrain.recipes import default_recipe
from kerastl.pretrain.token_windows import count_tokens, token_windows
from kerastl.pretrain.vocabulary import (learn_sentence_piece, learn_vocabulary, sentence_piece_tokenizer,
                                         word_piece_tokenizer)

OBJECTIVES = {"mlm": MaskedLanguageModel, "clm": CausalLanguageModel, "simcse": ContrastiveSentenceModel,
              "mlm+simcse": MaskedAndContrastiveModel}
#: The objectives that continue an encoder's pretraining, and the one that continues a causal decoder's.
ENCODER_OBJECTIVES, DECODER_OBJECTIVES = ("mlm", "simcse", "mlm+simcse"), ("clm",)
#: Objectives that train a new head on the backbone (what `warmup_head_steps` trains first).
OBJECTIVES_WITH_A_NEW_HEAD = ("mlm", "mlm+simcse")
#: Peak learning rate of the head warm-up (the backbone frozen: only the new head learns).
HEAD_WARMUP_LEARNING_RATE = 5e-4
VOCABULARIES = ("wordpiece", "sentencepiece")
CHECKPOINT_FOLDER = "checkpoint"
METRICS_FILE = "pretrain_metrics.json"
#: Steps per Keras epoch when progress lines are off.
LOG_CHUNK = 100
#: Peak learning rate of a new backbone by default (a continued one follows `default_recipe`).
NEW_LEARNING_RATE = 5e-4
#: Options of a new backbone; a continued one keeps its own (`from_backbone` refuses them).
NEW_BACKBONE_OPTIONS = {"size": "small", "vocabulary_size": 8000, "vocabulary": "wordpiece", "lowercase": False,
                        "strip_accents": False}
#: Options that must stay the same between an interrupted run and its continuation.
RESUME_OPTIONS = ("corpus", "from", "objective", *NEW_BACKBONE_OPTIONS, "sequence_length", "epochs", "steps",
                  "batch_size", "learning_rate", "seed", "held_out_fraction", "shuffle_buffer", "warmup_head_steps")


def pretrain(corpus, output, objective=None, size=None, vocabulary_size=None, sequence_length=128, epochs=3,
             batch_size=32, learning_rate=None, time_budget_minutes=None, checkpoint_every=200, seed=0, *,
             from_backbone=None, steps=None, vocabulary=None, vocabulary_sample=20_000, shuffle_buffer=10_000,
             held_out_fraction=0.05, max_steps=None, lowercase=None, strip_accents=None, text_column=None,
             distribution=None, warmup_head_steps=None, log_every=50, log=None, overwrite=False):
    """Pretrain a backbone on raw text and write it as a keras-hub preset folder.

    From scratch (no `from_backbone`): learns a WordPiece or SentencePiece vocabulary from a
    sample of the corpus, builds a BERT-style encoder for masked LM ("mlm") or a GPT-style
    decoder for causal LM ("clm") of a named `size`, and trains it.

    Continued (`from_backbone`): loads a pretrained backbone (the bundled "minilm-l6", a
    keras-hub preset or folder, a Hugging Face folder) with its own tokenizer and continues
    its own objective on the corpus: masked LM for an encoder, causal LM for a decoder. This is
    domain-adaptive pretraining: a backbone adapted to a domain's unlabeled text before it is
    fine-tuned there. The held-out metric is reported before and after.

    Either way the corpus streams through `tf.data` (read, tokenize, pack into windows of
    `sequence_length` tokens, shuffle with a bounded buffer, batch) and is never all in
    memory; a hash of each document puts `held_out_fraction` of them aside for the metric. The
    folder `output` then holds the backbone and tokenizer (pass it as `backbone=` to any task,
    or as `--backbone` on the command line), `pretrain_metrics.json`, and `checkpoint/`.

    A checkpoint (weights, optimizer state, vocabulary, step counter) is written every
    `checkpoint_every` steps. Run the same call again after an interruption and it continues
    from the last checkpoint: the stream is replayed (tokenized, not trained on) up to the
    step it stopped at, so it goes on with exactly the batches an uninterrupted run would see.

    Args:
        corpus: a `kerastl.pretrain.Corpus` (its `held_out_fraction` then applies); a file,
            folder or glob pattern, or a list of existing files or folders (plain, `.gz` or
            `.bz2`; see `Corpus` for the layouts); or a list of texts.
        output: the folder to write (replaced whole when the run ends).
        objective: "mlm" (masked LM), "clm" (causal LM), "simcse" (unsupervised contrastive
            sentence vectors: a pretrained encoder only) or "mlm+simcse" (both at once).
            Default: "mlm" from scratch; when continuing, `default_objective(from_backbone)`:
            "clm" for a causal decoder, and for an encoder the recipe measured best for its
            kind (see `default_objective`).
        size: a named size of `kerastl.pretrain.BACKBONE_SIZES` (default "small"; new only).
        vocabulary_size: the largest vocabulary to learn (default 8000; new only).
        sequence_length: tokens per training window.
        epochs: passes over the training documents (counted in one tokenizing pass before
            training); the learning-rate schedule spans them all. Ignored with `steps`.
        batch_size: windows per step.
        learning_rate: peak AdamW learning rate (warmup, then cosine decay). Default 5e-4
            from scratch, the recipe's when continuing (`default_recipe`).
        time_budget_minutes: stop training once this many minutes of training (over all runs)
            are spent, and write the backbone as it is then. None: no limit.
        checkpoint_every: steps between checkpoints.
        seed: seed of the vocabulary sample, initialization and data order.
        from_backbone: a backbone name or folder whose pretraining to continue.
        steps: train for this many steps (the schedule spans them) instead of `epochs`; no
            counting pass is needed.
        vocabulary: "wordpiece" (default) or "sentencepiece" (no word splitting: better for
            Korean, Japanese, ...); new only.
        vocabulary_sample: how many documents (a uniform sample of the training part) the
            vocabulary is learned from.
        shuffle_buffer: windows held in the shuffling buffer.
        held_out_fraction: share of the documents kept out of training for the metric.
        max_steps: stop this run after this many steps in total (a later run continues);
            None: train to the end.
        lowercase, strip_accents: normalize the text (off by default: Korean and German
            survive; new WordPiece only, SentencePiece takes `lowercase`).
        text_column: the text column of table corpus files.
        distribution: "mirrored" or "multiworker" (or a `tf.distribute.Strategy`) to train over
            several devices or workers, as `Task.fit` does; only the chief worker writes.
            TensorFlow backend only (the rest of `pretrain` runs on JAX and PyTorch too).
        warmup_head_steps: before training the whole model, train only the objective's new
            head (masked LM's; the backbone frozen) for this many steps, so the random head's
            first gradients do not reach a pretrained encoder. None: the default of
            `default_objective`'s recipe (continued masked LM only); 0: no warm-up.
        log_every: steps between progress lines (0: none).
        log: called with each progress line (default: print).
        overwrite: replace `output` when it holds a finished backbone without a checkpoint to
            continue. A folder of other files is never replaced.

    Returns:
        The metrics dict also written to `pretrain_metrics.json`.

    Raises:
        KerastlError: for an unknown objective, size or vocabulary; options of a new backbone
            given with `from_backbone`; a `distribution` off the TensorFlow backend; a backbone
            with no pretraining objective (an encoder-decoder); a checkpoint of a run with other
            options.
        DataError: for a corpus file that is missing, empty, binary or not UTF-8, or a
            pattern that matches nothing.
        OutputError: before any work, when `output` holds other files, cannot be written, or
            another run is writing it.

    Example:

    >>> from kerastl.pretrain import pretrain
    >>> pretrain(["nsmc.txt"], "korean-backbone", size="small", time_budget_minutes=25)  # doctest: +SKIP
    >>> pretrain("imdb/unlabeled/", "imdb-minilm", from_backbone="minilm-l6", steps=2000)  # doctest: +SKIP
    >>> from kerastl.tasks import SentimentTask
    >>> SentimentTask("imdb-minilm")  # doctest: +SKIP
    """
    from kerastl.training import is_chief, resolve_distribution

    if isinstance(corpus, Corpus):
        held_out_fraction = corpus.held_out_fraction
    new_options = {"size": size, "vocabulary_size": vocabulary_size, "vocabulary": vocabulary,
                   "lowercase": lowercase, "strip_accents": strip_accents}
    _check_options(objective, from_backbone, new_options, steps, held_out_fraction, warmup_head_steps)
    if distribution is not None and keras.backend.backend() != "tensorflow":
        raise KerastlError(f"Pretraining over several devices or workers (--strategy {distribution}) uses "
                           f"tf.distribute, which serves the TensorFlow backend only; Keras runs on "
                           f"{keras.backend.backend()}. Fix: run with KERAS_BACKEND=tensorflow, or leave out "
                           "--strategy to train on one device.")
    strategy = resolve_distribution(distribution)  # first: a multi-worker strategy precedes any TF operation
    if time_budget_minutes is not None and isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        raise KerastlError("A time budget cannot stop several workers at the same step. Fix: leave out "
                           "--time-budget with --strategy multiworker, and give --steps or --max-steps.")
    run = {
        "from": None if from_backbone is None else str(from_backbone), "objective": objective,
        **{key: NEW_BACKBONE_OPTIONS[key] if value is None else value for key, value in new_options.items()},
        "sequence_length": sequence_length, "epochs": None if steps else epochs, "steps": steps,
        "batch_size": batch_size, "seed": seed, "held_out_fraction": held_out_fraction,
        "shuffle_buffer": shuffle_buffer, "learning_rate": learning_rate, "warmup_head_steps": warmup_head_steps,
    }
    if from_backbone is not None:
        run.update(dict.fromkeys(NEW_BACKBONE_OPTIONS))
    backbone_size(run["size"] or "small")  # an unknown size fails before any work
    corpus = _as_corpus(corpus, text_column, held_out_fraction)
    output = Path(output)
    writes = is_chief(strategy)
    settings = {"time_budget_minutes": time_budget_minutes, "checkpoint_every": checkpoint_every,
                "max_steps": max_steps, "vocabulary_sample": vocabulary_sample, "log_every": log_every,
                "log": log or (lambda line: print(line, flush=True))}
    with run_folder(output, "pretrain", overwrite=overwrite, writes=writes) as folder:
        return _pretrain(corpus, folder, run, settings, strategy)


def _check_options(objective, from_backbone, new_options, steps, held_out_fraction, warmup_head_steps):
    if objective is not None and objective not in OBJECTIVES:
        raise KerastlError(f"Unknown objective '{objective}'. Fix: use one of {', '.join(OBJECTIVES)}.")
    if from_backbone is None and objective in ("simcse", "mlm+simcse"):
        raise KerastlError(f"--objective {objective} adapts a pretrained encoder's sentence vectors; a new "
                           "backbone has none to keep. Fix: pass --from BACKBONE, or pretrain a new one with "
                           "--objective mlm first.")
    if warmup_head_steps is not None and warmup_head_steps < 0:
        raise ValueError(f"`warmup_head_steps` must be 0 or more. Received: warmup_head_steps={warmup_head_steps!r}")
    if warmup_head_steps and from_backbone is None:
        raise KerastlError("--warmup-head-steps trains a new head on a pretrained backbone before the backbone "
                           "itself; a new backbone is random throughout. Fix: leave out --warmup-head-steps, or "
                           "pass --from BACKBONE.")
    if new_options["vocabulary"] is not None and new_options["vocabulary"] not in VOCABULARIES:
        raise KerastlError(f"Unknown vocabulary '{new_options['vocabulary']}'. Fix: use 'wordpiece' or "
                           "'sentencepiece'.")
    if from_backbone is not None:
        given = [key for key, value in new_options.items() if value is not None]
        if given:
            flags = ", ".join("--" + key.replace("_", "-") for key in given)
            raise KerastlError(f"--from {from_backbone} keeps that backbone's own tokenizer and size, so {flags} "
                               "cannot apply. Fix: leave out " + flags + ", or leave out --from to pretrain a "
                               "new backbone.")
    if new_options["vocabulary"] == "sentencepiece" and new_options["strip_accents"]:
        raise KerastlError("A SentencePiece vocabulary cannot strip accents. Fix: leave out --strip-accents, "
                           "or use --vocabulary wordpiece.")
    if steps is not None and steps < 1:
        raise ValueError(f"`steps` must be a positive number of steps. Received: steps={steps!r}")
    if not 0 <= held_out_fraction < 1:
        raise ValueError(f"`held_out_fraction` must be in [0, 1). Received: held_out_fraction={held_out_fraction!r}")


def _as_corpus(corpus, text_column, held_out_fraction):
    if isinstance(corpus, Corpus):
        return corpus
    if isinstance(corpus, (str, os.PathLike)):
        return Corpus(corpus, text_column=text_column, held_out_fraction=held_out_fraction)
    corpus = list(corpus)
    if corpus and all(isinstance(item, os.PathLike) or (isinstance(item, str) and os.path.exists(item))
                      for item in corpus):
        return Corpus(corpus, text_column=text_column, held_out_fraction=held_out_fraction)
    return Corpus.from_texts(corpus, held_out_fraction=held_out_fraction)


class _DocumentFeed:
    """The document generators `tf.data` reads, counting documents and keeping the error that
    stopped one (tf.data only passes on its text)."""

    def __init__(self, corpus):
        self.corpus = corpus
        self.counts = {}
        self.error = None
        #: Tokens in one pass over the training part, once counted.
        self.train_tokens = None

    def __call__(self, part):
        def documents():
            self.counts[part] = 0
            try:
                for text in self.corpus.documents(part):
                    self.counts[part] += 1
                    yield text
            except DataError as error:
                self.error = error
                raise

        return documents

    def reraise(self, error):
        """Raise the corpus's own error behind a tf.data `error`, or `error` itself."""
        if self.error is not None:
            raise self.error from None
        raise error


def _pretrain(corpus, folder, run, settings, strategy):
    log = settings["log"]
    output, writes = folder.path, folder.writes
    run["corpus"] = corpus.fingerprint()
    checkpoint = PretrainCheckpoint(output / CHECKPOINT_FOLDER)
    previous, saved_vocabulary = {}, None
    if writes:
        folder.start()
        if checkpoint.exists():
            previous, saved_vocabulary = checkpoint.read_state()

    feed = _DocumentFeed(corpus)
    keras.utils.set_random_seed(run["seed"])
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        backbone, tokenizer, vocabulary = _backbone_and_tokenizer(run, corpus, saved_vocabulary, settings, log)
        objective = OBJECTIVES[run["objective"]](backbone, tokenizer, sequence_length=run["sequence_length"])
    if previous:
        _check_same_options(previous.get("options", {}), run, checkpoint.folder)
        log(f"Resuming from {checkpoint.folder} at step {previous['step']}.")
    window = objective.window_length
    try:
        total_steps = _total_steps(run, previous, feed, tokenizer, window, log)
        held_out_part = "held_out" if any(True for _ in corpus.documents("held_out")) else "train"

        def evaluate():
            return objective.evaluate(token_windows(feed(held_out_part), tokenizer, window),
                                      batch_size=run["batch_size"] * 2)

        scores = {key: previous.get(key) for key in ("held_out_before", "held_out_after_head_warmup")}
        if run["from"] is not None and scores["held_out_before"] is None:
            log(f"Scoring {run['from']} on the held-out text before training.")
            scores["held_out_before"] = evaluate()
        if run["warmup_head_steps"] and not previous:
            _warm_up_head(objective, run, feed, tokenizer, strategy, log)
            scores["held_out_after_head_warmup"] = evaluate()
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            objective.compile(run["learning_rate"], total_steps)
        if previous:
            checkpoint.restore(objective)
        if strategy is not None:
            from kerastl.training.resumable_fit import check_workers_agree

            check_workers_agree(objective.model, checkpoint.folder, objective.step)
        progress, out_of_time = _train(objective, run, settings, previous, total_steps, feed, tokenizer, checkpoint,
                                       vocabulary, scores, strategy, writes, log)
        held_out = evaluate()
    except tf.errors.OpError as error:
        feed.reraise(error)

    before = scores["held_out_before"]
    step = objective.step
    tokens_per_step = run["batch_size"] * window
    metrics = {
        "objective": objective.name,
        "from": run["from"],
        "size": run["size"],
        "backbone_class": type(backbone).__name__,
        "parameters": int(backbone.count_params()),
        "vocabulary": run["vocabulary"] or type(tokenizer).__name__,
        "vocabulary_size": tokenizer.vocabulary_size(),
        "sequence_length": run["sequence_length"],
        objective.headline_metric: held_out[objective.headline_metric],
        "held_out": held_out,
        "held_out_before": before,
        "held_out_after_head_warmup": scores["held_out_after_head_warmup"],
        "held_out_is_training_data": held_out_part == "train",
        "corpus": corpus.describe(),
        "held_out_documents": feed.counts.get(held_out_part),
        "train_tokens_per_epoch": feed.train_tokens,
        "steps": step,
        "total_steps": total_steps,
        "complete": step >= total_steps,
        "stopped_by": "finished" if step >= total_steps else ("time_budget" if out_of_time else "max_steps"),
        "tokens_seen": step * tokens_per_step,
        "training_seconds": round(progress.elapsed, 1),
        "tokens_per_second": _rate(progress) or previous.get("tokens_per_second"),
        "options": run,
    }
    if metrics["train_tokens_per_epoch"]:
        metrics["epochs_done"] = round(metrics["tokens_seen"] / metrics["train_tokens_per_epoch"], 3)
    if writes:
        _write_preset(objective, metrics, output, checkpoint.folder)
    headline = objective.headline_metric
    change = "" if before is None else f" (before: {before[headline]:.4f})"
    where = f"Backbone written to {output} (use it as --backbone {output})." if writes else \
        "Not saved: the chief worker writes the backbone."
    log(f"{headline} on the held-out text: {held_out[headline]:.4f}{change}. {where}")
    return metrics


def _backbone_and_tokenizer(run, corpus, saved_vocabulary, settings, log):
    """The backbone to train, its tokenizer, and the learned vocabulary to checkpoint (None when
    the backbone brings its own tokenizer)."""
    if run["from"] is not None:
        from kerastl.backbones.families import DECODER, ENCODER, architecture_of
        from kerastl.backbones import load_backbone

        backbone, tokenizer = load_backbone(run["from"])
        architecture = architecture_of(backbone)
        allowed = {ENCODER: ENCODER_OBJECTIVES, DECODER: DECODER_OBJECTIVES}.get(architecture)
        if allowed is None:
            raise KerastlError(
                f"{run['from']} is a {type(backbone).__name__}, an encoder-decoder: kerastl pretrains encoders "
                "(masked LM, SimCSE) and causal decoders (causal LM). Fix: continue the pretraining of an encoder "
                "such as minilm-l6 or a decoder such as GPT-2, or fine-tune this backbone on the task directly."
            )
        if run["objective"] not in (None, *allowed):
            raise KerastlError(
                f"{run['from']} is {'an encoder' if architecture == ENCODER else 'a causal decoder'} "
                f"({type(backbone).__name__}): it continues with {' or '.join(allowed)}, not {run['objective']}. "
                f"Fix: leave out --objective (the default for this backbone), or pass one of {', '.join(allowed)}."
            )
        recipe = default_recipe(run["from"], architecture)
        run["objective"] = run["objective"] or recipe.objective
        if run["learning_rate"] is None:
            run["learning_rate"] = recipe.learning_rate
        if run["warmup_head_steps"] is None:
            run["warmup_head_steps"] = recipe.warmup_head_steps if run["objective"] in OBJECTIVES_WITH_A_NEW_HEAD else 0
        if run["warmup_head_steps"] and run["objective"] not in OBJECTIVES_WITH_A_NEW_HEAD:
            raise KerastlError(f"--objective {run['objective']} trains no new head, so --warmup-head-steps has "
                               f"nothing to warm up. Fix: leave out --warmup-head-steps, or use --objective "
                               f"{' or '.join(OBJECTIVES_WITH_A_NEW_HEAD)}.")
        if "mlm" in run["objective"].split("+") and getattr(tokenizer, "mask_token_id", None) is None:
            raise KerastlError(f"{run['from']}'s tokenizer ({type(tokenizer).__name__}) has no mask token, so "
                               "masked LM cannot continue. Fix: continue a backbone whose tokenizer has one.")
        longest = getattr(backbone, "max_sequence_length", None)
        needed = run["sequence_length"] + (run["objective"] == "clm")
        if longest is not None and needed > longest:
            raise KerastlError(f"{run['from']} reads at most {longest} positions; --sequence-length "
                               f"{run['sequence_length']} needs {needed}. Fix: pass --sequence-length {longest - 1} "
                               "or less.")
        return backbone, tokenizer, None

    run["objective"] = run["objective"] or "mlm"
    run["learning_rate"] = run["learning_rate"] or NEW_LEARNING_RATE
    run["warmup_head_steps"] = run["warmup_head_steps"] or 0
    vocabulary = saved_vocabulary
    if vocabulary is None:
        sample = corpus.sample(settings["vocabulary_sample"], seed=run["seed"])
        log(f"Learning a {run['vocabulary']} vocabulary of up to {run['vocabulary_size']} tokens from "
            f"{len(sample):,} sampled documents of {corpus.describe()}.")
        if run["vocabulary"] == "sentencepiece":
            vocabulary = learn_sentence_piece(sample, run["vocabulary_size"], lowercase=run["lowercase"])
        else:
            vocabulary = learn_vocabulary(sample, run["vocabulary_size"], lowercase=run["lowercase"],
                                          strip_accents=run["strip_accents"])
    if run["vocabulary"] == "sentencepiece":
        tokenizer = sentence_piece_tokenizer(vocabulary)
    else:
        tokenizer = word_piece_tokenizer(vocabulary, lowercase=run["lowercase"], strip_accents=run["strip_accents"])
    return new_backbone(run["objective"], tokenizer, run["size"], run["sequence_length"]), tokenizer, vocabulary


def _total_steps(run, previous, feed, tokenizer, window, log):
    if run["steps"] is not None:
        return run["steps"]
    if previous.get("total_steps"):
        feed.train_tokens = previous.get("train_tokens_per_epoch")
        return previous["total_steps"]
    log("Counting the training tokens (one tokenizing pass over the corpus).")
    feed.train_tokens = count_tokens(feed("train"), tokenizer)
    if feed.counts.get("train", 0) == 0:
        raise DataError("every document of the corpus fell in the held-out part: none is left to train on",
                        fix="give a larger corpus, or a smaller held-out fraction (--held-out)")
    return max(1, run["epochs"] * feed.train_tokens // (window * run["batch_size"]))


def _train(objective, run, settings, previous, total_steps, feed, tokenizer, checkpoint, vocabulary, scores,
           strategy, writes, log):
    from kerastl.training import distributable_batches

    max_steps = settings["max_steps"]
    target = total_steps if max_steps is None else min(total_steps, max_steps)
    budget = settings["time_budget_minutes"]
    budget = None if budget is None else 60.0 * budget
    tokens_per_step = run["batch_size"] * objective.window_length

    def state(progress):
        return {
            "options": run, "step": objective.step, "total_steps": total_steps,
            "train_tokens_per_epoch": feed.train_tokens, **scores,
            "training_seconds": round(progress.elapsed, 1),
            "tokens_per_second": _rate(progress) or previous.get("tokens_per_second"),
        }

    def save():
        if writes:
            checkpoint.save(objective, vocabulary, state(progress))

    progress = PretrainProgress(
        save=save, checkpoint_every=settings["checkpoint_every"],
        elapsed_before=float(previous.get("training_seconds", 0.0)), time_budget_seconds=budget,
        tokens_per_step=tokens_per_step, log_every=settings["log_every"], log=log,
    )
    out_of_time = budget is not None and progress.elapsed >= budget
    if objective.step < target and not out_of_time:
        log(f"Training {'a new ' + run['size'] if run['from'] is None else run['from']} {objective.name} backbone "
            f"({objective.backbone.count_params():,} parameters) on windows of {objective.window_length} tokens: "
            f"steps {objective.step + 1}-{target} of {total_steps}.")
        windows = token_windows(feed("train"), tokenizer, objective.window_length, repeat=True)
        batches = objective.batches(windows, run["batch_size"], training=True, seed=run["seed"],
                                    skip_steps=objective.step, shuffle_buffer=run["shuffle_buffer"])
        if strategy is not None:
            batches = distributable_batches(batches)
        # Keras "epochs" of `chunk` steps over the endless batches, so the logged loss and accuracy
        # are means over the last chunk; the callback stops at `target` inside the last one.
        chunk = min(settings["log_every"] or LOG_CHUNK, target - objective.step)
        progress.stop_at_step = target
        objective.model.fit(batches, epochs=-(-(target - objective.step) // chunk), steps_per_epoch=chunk,
                            verbose=0, callbacks=[progress], shuffle=False)
        save()
        out_of_time = progress.out_of_time
    return progress, out_of_time


def _warm_up_head(objective, run, feed, tokenizer, strategy, log):
    """Train the objective's new head alone for `run["warmup_head_steps"]` steps, the backbone
    frozen, on batches of its own order (a resumed run finds the warmed head in its checkpoint
    and does not repeat this)."""
    steps = run["warmup_head_steps"]
    log(f"Warming up the new {objective.name} head for {steps} steps, {run['from']} frozen.")
    windows = token_windows(feed("train"), tokenizer, objective.window_length, repeat=True)
    batches = objective.batches(windows, run["batch_size"], training=True, seed=run["seed"] + 1,
                                shuffle_buffer=run["shuffle_buffer"])
    if strategy is not None:
        from kerastl.training import distributable_batches

        batches = distributable_batches(batches)
    # Freezing a layer freezes all of its sublayers: their own flags (BERT's unused pooler stays
    # frozen) are put back after.
    flags = {id(layer): (layer, layer.trainable) for layer in objective.backbone._flatten_layers()}
    objective.backbone.trainable = False
    try:
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            objective.compile(HEAD_WARMUP_LEARNING_RATE, steps)
        objective.model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    finally:
        for layer, trainable in flags.values():
            layer.trainable = trainable


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


def _write_preset(objective, metrics, output, checkpoint_folder):
    with atomic_folder(output) as work:
        objective.backbone.save_to_preset(str(work))
        objective.tokenizer.save_to_preset(str(work))
        (work / METRICS_FILE).write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")
        if checkpoint_folder.is_dir():
            shutil.copytree(checkpoint_folder, work / CHECKPOINT_FOLDER)
