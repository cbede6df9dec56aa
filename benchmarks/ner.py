"""NER benchmark: kerastl on the peer's subset, one JSON line with the peer's fields.

    python benchmarks/ner.py --train ../shared/data/conll2003/eng.train \
        --dev ../shared/data/conll2003/eng.testa --limit 2000 --epochs 3 --lr 1e-4

CoNLL-2003 files are IOB1; both sides train on IOB2 and score entity F1 with seqeval.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import peer_arguments, print_json_line, run_benchmark, subset  # noqa: E402

from kerastl.tasks import NerTask  # noqa: E402


def main():
    args = peer_arguments(__doc__).parse_args()
    task = NerTask(args.backbone, max_length=args.max_length, learning_rate=args.lr, seed=args.seed)
    train = subset(task.read(args.train), args.limit, args.seed)
    dev = subset(task.read(args.dev), args.dev_limit, args.seed)
    task.setup(train)  # the tag set, which the head's size depends on
    result = run_benchmark(task, train, dev, args)
    result["entity_f1"] = result["metrics"]["f1"]
    print_json_line(result, headline_metrics=["precision", "recall"])


if __name__ == "__main__":
    main()
