"""Predict latency: one sentence at a time (p50/p99) and batches, on a sentiment model.

    python benchmarks/latency.py --dev ../shared/data/sst2/dev.tsv [--model DIR] [--precision mixed_bfloat16]

Latency does not depend on what the head learned, so without --model the task is built on the
backbone without training. Prints one JSON line.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import kerastl  # noqa: E402


def percentile_ms(seconds, q):
    return round(float(np.percentile(seconds, q)) * 1000, 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", required=True, help="sentences to predict for (a TSV with a sentence column)")
    parser.add_argument("--model", help="a saved sentiment model folder (default: an untrained one)")
    parser.add_argument("--backbone", default="minilm-l6")
    parser.add_argument("--precision", default="float32")
    parser.add_argument("--single", type=int, default=200, help="single-sentence calls to time")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    if args.model:
        task = kerastl.load(args.model)
    else:
        task = kerastl.SentimentTask(args.backbone, precision=args.precision)
    records = task.read(args.dev)
    texts = [record["text"] for record in records]
    if task.model is None:
        task.prepare(records)
    started = time.perf_counter()
    task.predict(texts[0])
    first_call = time.perf_counter() - started
    single = []
    for text in texts[: args.single]:
        started = time.perf_counter()
        task.predict(text)
        single.append(time.perf_counter() - started)
    started = time.perf_counter()
    task.predict(texts, batch_size=args.batch_size)
    batch_seconds = time.perf_counter() - started
    print(json.dumps({
        "system": "kerastl", "task": "sentiment", "precision": args.precision,
        "first_call_seconds": round(first_call, 3),
        "single_calls": len(single), "single_p50_ms": percentile_ms(single, 50),
        "single_p99_ms": percentile_ms(single, 99),
        "batch_size": args.batch_size, "batch_examples": len(texts),
        "batch_examples_per_s": round(len(texts) / batch_seconds, 1),
    }))


if __name__ == "__main__":
    main()
