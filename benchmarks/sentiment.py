"""Sentiment benchmark: kerastl on the peer's subset, one JSON line with the peer's fields.

    python benchmarks/sentiment.py --train ../shared/data/sst2/train.tsv \
        --dev ../shared/data/sst2/dev.tsv --limit 2000 --epochs 1 --batch-size 32
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import benchmark_task  # noqa: E402

from kerastl.tasks import SentimentTask  # noqa: E402

if __name__ == "__main__":
    benchmark_task(SentimentTask, __doc__, {"accuracy": "accuracy", "macro_f1": "macro_f1"})
