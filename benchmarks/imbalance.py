"""Per-class recall with and without `class_weight="balanced"` on a skewed SST-2 sample.

Takes `--negatives` negative and `--positives` positive reviews at random from the SST-2 training
file (a 9:1 skew by default), trains the sentiment task twice with the same seed — plain, then
with balanced class weights — and scores both on the (balanced) dev set. Prints one JSON object
with each run's accuracy, macro-F1 and per-class precision/recall.

    python benchmarks/imbalance.py --train ../shared/data/sst2/train.tsv --dev ../shared/data/sst2/dev.tsv
"""

import argparse
import json
import random
import time

from kerastl.tasks import ClassificationTask
from kerastl.tasks.labels import normalize_label


def skewed_sample(records, negatives, positives, seed):
    """`negatives` records labeled 0 and `positives` labeled 1, drawn at random and shuffled."""
    rng = random.Random(seed)
    sample = rng.sample([r for r in records if normalize_label(r["label"]) == 0], negatives) + \
        rng.sample([r for r in records if normalize_label(r["label"]) == 1], positives)
    rng.shuffle(sample)
    return sample


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--dev", required=True)
    parser.add_argument("--backbone", default="minilm-l6")
    parser.add_argument("--negatives", type=int, default=1800)
    parser.add_argument("--positives", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    reader = ClassificationTask(args.backbone)
    train = skewed_sample(reader.read(args.train), args.negatives, args.positives, args.seed)
    dev = reader.read(args.dev)
    runs = {}
    for name, class_weight in (("plain", None), ("balanced", "balanced")):
        task = ClassificationTask(args.backbone, class_weight=class_weight, seed=args.seed)
        started = time.perf_counter()
        task.fit(train, epochs=args.epochs, verbose=0)
        metrics = task.evaluate(dev)
        runs[name] = {
            "class_weight": task.class_weight,
            "train_seconds": round(time.perf_counter() - started, 1),
            "accuracy": round(metrics["accuracy"], 4),
            "macro_f1": round(metrics["macro_f1"], 4),
            "recall": {str(label): round(row["recall"], 4) for label, row in metrics["per_class"].items()},
            "precision": {str(label): round(row["precision"], 4) for label, row in metrics["per_class"].items()},
        }
    print(json.dumps({"train": args.train, "dev": args.dev, "backbone": args.backbone, "negatives": args.negatives,
                      "positives": args.positives, "epochs": args.epochs, "seed": args.seed,
                      "dev_examples": len(dev), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
