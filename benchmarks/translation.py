"""Benchmark the `translation` task: BLEU / chrF, training time, decoding speed, transfer gain.

Trains kerastl's translation task with the pretrained backbone as encoder for a time budget,
scores the dev set with sacrebleu, measures decoding speed (greedy and beam 4, with and without
the attention cache), then trains the same model with a randomly initialized encoder of the
same shape for the same time and scores it too.

  python benchmarks/translation.py --train-source multi30k/train.en --train-target multi30k/train.de \
      --dev-source multi30k/val.en --dev-target multi30k/val.de --time-budget-minutes 60 --beam-bleu

Prints progress on stderr and one JSON object on its last line.
"""

import argparse
import json
import random
import sys
import time

import keras


class TimeBudget(keras.callbacks.Callback):
    """Stop training once `seconds` of wall-clock time have passed (checked after every batch).

    The clock starts with the first batch, so learning the target vocabulary and tokenizing
    (done before `fit` trains) are not counted; `train_seconds` in the output counts them.
    """

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.started = None
        self.steps = 0

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.seconds and time.perf_counter() - self.started > self.seconds:
            self.model.stop_training = True


def log(message):
    print(message, file=sys.stderr, flush=True)


def subset(records, limit, seed):
    if limit and limit < len(records):
        records = random.Random(seed).sample(records, limit)
    return records


def train_and_score(args, train, dev, random_encoder):
    from kerastl.tasks import TranslationTask

    task = TranslationTask(
        args.backbone, max_length=args.max_length, max_target_length=args.max_target_length,
        learning_rate=args.lr, decoder_layers=args.decoder_layers, pretrained_weights=not random_encoder, seed=args.seed,
        warmup_ratio=args.warmup_ratio,
    )
    budget = TimeBudget(args.time_budget_minutes * 60)
    started, cpu_started = time.perf_counter(), time.process_time()
    history = task.fit(train, epochs=args.epochs, batch_size=args.batch_size, callbacks=[budget], verbose=2)
    train_seconds = time.perf_counter() - started
    train_cpu_seconds = time.process_time() - cpu_started
    started = time.perf_counter()
    predictions = task.decode(task.predict_outputs(dev, batch_size=args.eval_batch_size), dev)
    eval_seconds = time.perf_counter() - started
    metrics = task.score(dev, predictions)
    result = {
        "train_seconds": round(train_seconds, 1), "train_cpu_seconds": round(train_cpu_seconds, 1),
        "train_steps": budget.steps,
        "epochs_run": len(history.history["loss"]), "final_loss": round(float(history.history["loss"][-1]), 4),
        "bleu": metrics["bleu"], "chrf": metrics["chrf"], "greedy_eval_seconds": round(eval_seconds, 1),
    }
    log(f"{'random' if random_encoder else 'pretrained'} encoder: {json.dumps(result)}")
    return task, predictions, metrics, result


def decoding_speed(task, records, batch_size):
    speeds = {}
    for num_beams in (1, 4):
        for use_cache in (True, False):
            task.predict_outputs(records[:2], batch_size=batch_size, num_beams=num_beams, use_cache=use_cache)
            started = time.perf_counter()
            task.predict_outputs(records, batch_size=batch_size, num_beams=num_beams, use_cache=use_cache)
            name = f"{'greedy' if num_beams == 1 else 'beam4'}_{'cached' if use_cache else 'uncached'}"
            speeds[name] = round(len(records) / (time.perf_counter() - started), 2)
            log(f"decoding {name}: {speeds[name]} sentences/s")
    return speeds


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train-source", required=True)
    p.add_argument("--train-target", required=True)
    p.add_argument("--dev-source", required=True)
    p.add_argument("--dev-target", required=True)
    p.add_argument("--backbone", default="minilm-l6")
    p.add_argument("--limit", type=int, default=0, help="random subset of the training set (0: all)")
    p.add_argument("--dev-limit", type=int, default=0)
    p.add_argument("--epochs", type=int, default=9,
                   help="the learning-rate schedule's length (9 fit in 60 minutes here); the budget stops training sooner if it runs out")
    p.add_argument("--time-budget-minutes", type=float, default=60.0, help="training time of each model")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--eval-batch-size", type=int, default=128)
    p.add_argument("--max-length", type=int, default=64)
    p.add_argument("--max-target-length", type=int, default=64)
    p.add_argument("--decoder-layers", type=int, default=3)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--warmup-ratio", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--speed-sentences", type=int, default=128, help="dev sentences timed per decoding mode")
    p.add_argument("--beam-bleu", action="store_true", help="also score the dev set with beam 4")
    p.add_argument("--skip-baseline", action="store_true", help="skip the random-encoder baseline")
    p.add_argument("--output", help="save the pretrained-encoder model to this folder")
    args = p.parse_args()

    from kerastl.data import read_parallel

    train = subset(read_parallel(args.train_source, args.train_target), args.limit, args.seed)
    dev = subset(read_parallel(args.dev_source, args.dev_target), args.dev_limit, args.seed)
    log(f"{len(train)} training pairs, {len(dev)} dev pairs")

    task, predictions, metrics, pretrained = train_and_score(args, train, dev, random_encoder=False)
    if args.output:
        task.save(args.output)
    if args.beam_bleu:
        beam = task.decode(task.predict_outputs(dev, batch_size=args.eval_batch_size, num_beams=4), dev)
        pretrained["beam4_bleu"] = task.score(dev, beam)["bleu"]
    speeds = decoding_speed(task, dev[: args.speed_sentences], args.eval_batch_size)
    samples = [{"source": r["source"], "reference": r["target"], "translation": p.translation}
               for r, p in list(zip(dev, predictions))[:5]]
    baseline = None
    if not args.skip_baseline:
        del task
        keras.backend.clear_session()
        _, _, _, baseline = train_and_score(args, train, dev, random_encoder=True)
    print(json.dumps({
        "system": "kerastl", "task": "translation", "backbone": args.backbone,
        "train_examples": len(train), "dev_examples": len(dev), "batch_size": args.batch_size,
        "time_budget_minutes": args.time_budget_minutes, "bleu_signature": metrics["bleu_signature"],
        "pretrained_encoder": pretrained, "random_encoder": baseline,
        "bleu_gain_from_pretraining": None if baseline is None else round(pretrained["bleu"] - baseline["bleu"], 2),
        "decode_sentences_per_s": speeds, "samples": samples,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
