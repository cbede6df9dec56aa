"""Sentiment benchmark: kerastl on the peer's subset, one JSON line with the peer's fields.

    python benchmarks/sentiment.py --train ../shared/data/sst2/train.tsv \
        --dev ../shared/data/sst2/dev.tsv --limit 2000 --epochs 1 --batch-size 32
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import peer_arguments, print_json_line, run_benchmark, subset  # noqa: E402

from kerastl.tasks import SentimentTask  # noqa: E402


def main():
    args = peer_arguments(__doc__).parse_args()
    task = SentimentTask(args.backbone, max_length=args.max_length, learning_rate=args.lr, seed=args.seed)
    train = subset(task.read(args.train), args.limit, args.seed)
    dev = subset(task.read(args.dev), args.dev_limit, args.seed)
    print_json_line(run_benchmark(task, train, dev, args), headline_metrics=["accuracy", "macro_f1"])


if __name__ == "__main__":
    main()
