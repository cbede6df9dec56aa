"""NER benchmark: kerastl on the peer's subset, one JSON line with the peer's fields.

    python benchmarks/ner.py --train ../shared/data/conll2003/eng.train \
        --dev ../shared/data/conll2003/eng.testa --limit 2000 --epochs 3 --lr 1e-4

CoNLL-2003 files are IOB1; both sides train on IOB2 and score entity F1 with seqeval.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import benchmark_task  # noqa: E402

from kerastl.tasks import NerTask  # noqa: E402

if __name__ == "__main__":
    benchmark_task(NerTask, __doc__, {"entity_f1": "f1", "precision": "precision", "recall": "recall"})
