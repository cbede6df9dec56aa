"""Compare kerastl source trees (e.g. before and after a change) on the same jobs, interleaved.

For every repetition and every tree (A B A B ...), in fresh processes with the tree first on
`PYTHONPATH`:

- `kerastl train sentiment` on a random SST-2 subset with validation data, from command start
  to saved model (wall time of the whole command, reading, tracing and report included);
- `predict` throughput of that sentiment model on the SST-2 dev set;
- `predict` throughput of an NER model (trained once per tree, 1 epoch) on CoNLL-2003 eng.testa;
- `kerastl train ner` on the first `--ner-sentences` sentences of eng.train with eng.testa as
  validation (1 epoch, calibration included), whole command.

`--jobs` picks some of them (default: all).

Prints one JSON object: every measurement, then per tree the median and the spread (min, max).

    python benchmarks/source_trees.py --trees before=/work/before,after=. \\
        --sst2 ../shared/data/sst2 --conll ../shared/data/conll2003 --repeats 3
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PREDICT_SCRIPT = """
import json, sys, time
import kerastl
task = kerastl.load(sys.argv[1])
records = task.read(sys.argv[2])
task.predict(records[:64])  # the first call traces; not part of the throughput
started = time.perf_counter()
task.predict(records)
print(json.dumps({"examples": len(records), "seconds": time.perf_counter() - started}))
"""


JOBS = ("train_sentiment_seconds", "sentiment_predict_per_s", "ner_predict_per_s", "train_ner_seconds")


def write_subset(source, target, limit, seed):
    """The first line (header) and a `random.Random(seed)` sample of `limit` other lines."""
    header, *rows = Path(source).read_text(encoding="utf-8").splitlines(keepends=True)
    Path(target).write_text(header + "".join(random.Random(seed).sample(rows, limit)), encoding="utf-8")


def write_sentences(source, target, limit):
    """The first `limit` blank-line separated sentences of a CoNLL file."""
    blocks = [b for b in Path(source).read_text(encoding="utf-8").split("\n\n") if b.strip()]
    Path(target).write_text("\n\n".join(blocks[:limit]) + "\n", encoding="utf-8")


def run(tree, *args):
    """Run `python *args` with `tree` first on PYTHONPATH; return (seconds, stdout).

    The process starts in an empty folder: `python -m` and `-c` put the working directory
    first on `sys.path`, so started in a kerastl checkout every tree would run that checkout.
    """
    env = dict(os.environ, PYTHONPATH=str(Path(tree).resolve()), TF_CPP_MIN_LOG_LEVEL="3")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kerastl-cwd-") as empty:
        result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, cwd=empty)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{tree}: {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return seconds, result.stdout


def predict_rate(tree, model, data):
    _, out = run(tree, "-c", PREDICT_SCRIPT, str(model), str(data))
    measured = json.loads(out.strip().splitlines()[-1])
    return measured["examples"] / measured["seconds"]


def summary(values):
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "runs": [round(v, 2) for v in values]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trees", required=True, help="name=path,name=path of kerastl source trees")
    parser.add_argument("--sst2", required=True, help="folder with train.tsv and dev.tsv")
    parser.add_argument("--conll", required=True, help="folder with eng.train and eng.testa")
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--ner-sentences", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", default=",".join(JOBS), help=f"comma-separated, of {', '.join(JOBS)}")
    args = parser.parse_args()
    jobs = args.jobs.split(",")
    unknown = sorted(set(jobs) - set(JOBS))
    if unknown:
        parser.error(f"unknown jobs {unknown}; choose from {', '.join(JOBS)}")
    trees = {name: str(Path(path).resolve()) for name, path in (item.split("=", 1) for item in args.trees.split(","))}
    args.sst2, args.conll = Path(args.sst2).resolve(), Path(args.conll).resolve()
    work = Path(tempfile.mkdtemp(prefix="kerastl-trees-"))
    subset, ner_train = work / "sst2_subset.tsv", work / "ner_train.conll"
    write_subset(Path(args.sst2) / "train.tsv", subset, args.limit, args.seed)
    write_sentences(Path(args.conll) / "eng.train", ner_train, args.ner_sentences)
    results = {name: {job: [] for job in jobs} for name in trees}
    if "ner_predict_per_s" in jobs:
        for name, tree in trees.items():
            run(tree, "-m", "kerastl", "train", "ner", "--train", str(ner_train), "--epochs", "1",
                "--output", str(work / f"ner-{name}"))
    for repeat in range(args.repeats):
        for name, tree in trees.items():
            measured = results[name]
            model = work / f"sentiment-{name}-{repeat}"
            if {"train_sentiment_seconds", "sentiment_predict_per_s"} & set(jobs):
                seconds, _ = run(tree, "-m", "kerastl", "train", "sentiment", "--train", str(subset), "--validation",
                                 str(Path(args.sst2) / "dev.tsv"), "--epochs", "1", "--output", str(model))
                if "train_sentiment_seconds" in jobs:
                    measured["train_sentiment_seconds"].append(seconds)
            if "sentiment_predict_per_s" in jobs:
                measured["sentiment_predict_per_s"].append(predict_rate(tree, model, Path(args.sst2) / "dev.tsv"))
            if "ner_predict_per_s" in jobs:
                measured["ner_predict_per_s"].append(
                    predict_rate(tree, work / f"ner-{name}", Path(args.conll) / "eng.testa"))
            if "train_ner_seconds" in jobs:
                seconds, _ = run(tree, "-m", "kerastl", "train", "ner", "--train", str(ner_train), "--validation",
                                 str(Path(args.conll) / "eng.testa"), "--epochs", "1",
                                 "--output", str(work / f"ner-validated-{name}-{repeat}"))
                measured["train_ner_seconds"].append(seconds)
            print(f"repeat {repeat + 1} {name}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in results[name].items()),
                  file=sys.stderr, flush=True)
    print(json.dumps({"trees": trees, "repeats": args.repeats, "limit": args.limit,
                      "results": {name: {key: summary(values) for key, values in measured.items()}
                                  for name, measured in results.items()}}, indent=2))


if __name__ == "__main__":
    main()
