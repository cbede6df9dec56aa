"""Shared pieces of kerastl's benchmarks: the peer's arguments, subsets, timing, JSON output.

Every benchmark takes the arguments of the Transformers+PyTorch peer
(`../shared/bench/hf_peer.py`) so both run on the same subset, and prints one JSON line with the
peer's fields plus peak memory.
"""

import argparse
import json
import random
import resource
import time

import keras

from kerastl.training.precision import PRECISIONS


def peer_arguments(description):
    """An argument parser with the peer's options plus `--backbone`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--train", required=True)
    parser.add_argument("--dev", required=True)
    parser.add_argument("--backbone", default="minilm-l6")
    parser.add_argument("--limit", type=int, default=0, help="random subset of the training set (0: all)")
    parser.add_argument("--dev-limit", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--eval-batch-size", type=int, default=64)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--precision", default="float32", choices=PRECISIONS,
                        help="kerastl only: the backbone's numeric precision (kerastl.training.precision)")
    return parser


def subset(records, limit, seed):
    """The same random subset the peer takes: `random.Random(seed).sample(records, limit)`."""
    if limit and limit < len(records):
        return random.Random(seed).sample(records, limit)
    return records


class FirstStepTimer(keras.callbacks.Callback):
    """Records the seconds from `start()` to the end of the first training batch."""

    def start(self):
        self.started = time.perf_counter()
        self.first_step_seconds = None

    def on_train_batch_end(self, batch, logs=None):
        if self.first_step_seconds is None:
            self.first_step_seconds = time.perf_counter() - self.started


def peak_memory_mb():
    """Peak resident memory of this process in MiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_benchmark(task, train_records, dev_records, args):
    """Fit `task` on `train_records`, evaluate on `dev_records`, and return the peer's fields."""
    import tensorflow as tf

    task.prepare(train_records)  # loading the backbone is not part of the timing, as for the peer
    timer = FirstStepTimer()
    timer.start()
    task.fit(train_records, epochs=args.epochs, batch_size=args.batch_size, callbacks=[timer], verbose=0)
    train_seconds = time.perf_counter() - timer.started
    started = time.perf_counter()
    metrics = task.evaluate(dev_records, batch_size=args.eval_batch_size)
    eval_seconds = time.perf_counter() - started
    return {
        "system": "kerastl",
        "task": task.name,
        "backend": keras.backend.backend(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "threads": tf.config.threading.get_intra_op_parallelism_threads() or "default",
        "train_examples": len(train_records) * args.epochs,
        "train_seconds": round(train_seconds, 2),
        "first_step_seconds": round(timer.first_step_seconds, 2),
        "train_examples_per_s": round(len(train_records) * args.epochs / train_seconds, 2),
        "eval_examples": len(dev_records),
        "eval_seconds": round(eval_seconds, 2),
        "eval_examples_per_s": round(len(dev_records) / eval_seconds, 2),
        "peak_memory_mb": peak_memory_mb(),
        "metrics": metrics,
    }


def print_json_line(result, headline_metrics):
    """Print the result as one JSON line, with the headline metrics at the top level.

    `headline_metrics` maps the output field to the key of the task's metrics dict.
    """
    metrics = result.pop("metrics")
    for field, key in headline_metrics.items():
        result[field] = round(metrics[key], 4)
    print(json.dumps(result))


def benchmark_task(task_class, description, headline_metrics):
    """Parse the peer's arguments, train `task_class` on the same subset, print one JSON line."""
    args = peer_arguments(description).parse_args()
    task = task_class(args.backbone, max_length=args.max_length, learning_rate=args.lr, seed=args.seed,
                      precision=args.precision)
    train = subset(task.read(args.train), args.limit, args.seed)
    dev = subset(task.read(args.dev), args.dev_limit, args.seed)
    result = run_benchmark(task, train, dev, args)
    result["precision_policy"] = args.precision
    print_json_line(result, headline_metrics)
