"""Pretraining throughput: tokens per second of masked-LM and causal-LM training, as one JSON line.

Trains each objective for `--steps` steps on the corpus (the first step, which builds the graph,
is not counted) and prints the throughput, the step time and peak memory.

    python benchmarks/pretrain.py --corpus ../shared/data/wikitext2/wiki.train.tokens --size small
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_memory_mb  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", nargs="+", required=True, help="Corpus files (see kerastl.pretrain.read_corpus).")
    parser.add_argument("--text-column", help="Text column of table corpus files.")
    parser.add_argument("--objectives", default="mlm,clm")
    parser.add_argument("--size", default="small")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--vocabulary-size", type=int, default=8000)
    parser.add_argument("--documents", type=int, default=20000, help="Use at most this many documents.")
    args = parser.parse_args()

    from kerastl.pretrain import pretrain, read_corpus

    texts = read_corpus(args.corpus, text_column=args.text_column)[: args.documents]
    result = {"benchmark": "pretrain", "size": args.size, "batch_size": args.batch_size,
              "sequence_length": args.sequence_length, "steps": args.steps, "documents": len(texts)}
    for objective in args.objectives.split(","):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            metrics = pretrain(texts, Path(folder) / "backbone", objective=objective, size=args.size,
                               vocabulary_size=args.vocabulary_size, sequence_length=args.sequence_length,
                               epochs=1000, batch_size=args.batch_size, max_steps=args.steps,
                               checkpoint_every=10 ** 9, log_every=0, log=lambda line: None)
            rate = metrics["tokens_per_second"]
            result[objective] = {
                "tokens_per_second": rate,
                "seconds_per_step": round(args.batch_size * args.sequence_length / rate, 3) if rate else None,
                "parameters": metrics["parameters"],
                "wall_seconds": round(time.perf_counter() - started, 1),
            }
    result["peak_memory_mb"] = peak_memory_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
