"""Peak memory and throughput of `kerastl pretrain` as the corpus grows: 10 MB vs 1 GB.

Builds corpora of the asked sizes from a source text (one document a line, e.g. the IMDB
review text `benchmarks/imdb_domain_adaptation.py` writes) by repeating its lines in shuffled
order, then runs `kerastl pretrain` on each in a fresh process, the sizes interleaved
(A B A B ...), and reads that process's peak resident memory from the kernel (`wait4`). Every
run trains the same number of steps with the same options, so only the corpus size differs:
the vocabulary is learned from a bounded sample, the windows stream through a bounded shuffle
buffer, and memory should stay flat.

Usage:

    python benchmarks/pretrain.py --source WORK/corpus.txt --work /tmp/pretrain-bench --sizes 10MB,1GB

JSON goes to stdout (and `--json FILE`).
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

UNITS = {"KB": 1e3, "MB": 1e6, "GB": 1e9}


def parse_size(text):
    """'10MB' -> 10_000_000 bytes."""
    text = text.strip().upper()
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def build_corpus(source, path, size, seed=0):
    """Write `size` bytes (about) of `source`'s lines, repeated in a new shuffled order each pass."""
    if path.is_file() and abs(path.stat().st_size - size) < size * 0.01 + 10_000:
        return path
    lines = [line for line in Path(source).read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    written = 0
    with open(path, "w", encoding="utf-8") as file:
        while written < size:
            rng.shuffle(lines)
            for line in lines:
                file.write(line + "\n")
                written += len(line.encode("utf-8")) + 1
                if written >= size:
                    break
    return path


def run_pretrain(corpus, output, options):
    """Run `kerastl pretrain` in a fresh process; return its wall seconds, peak RSS and metrics."""
    shutil.rmtree(output, ignore_errors=True)  # a fresh run each time, never a resumed one
    command = [sys.executable, "-m", "kerastl", "pretrain", "--corpus", str(corpus), "--output", str(output),
               *options]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    started = time.perf_counter()
    with open(output.with_suffix(".log"), "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kerastl pretrain failed; see {output.with_suffix('.log')}")
    metrics = json.loads((output / "pretrain_metrics.json").read_text(encoding="utf-8"))
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "tokens_per_second": metrics["tokens_per_second"], "steps": metrics["steps"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="a text file, one document a line")
    parser.add_argument("--work", required=True, help="folder for the generated corpora and the runs")
    parser.add_argument("--sizes", default="10MB,1GB")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--size", default="small", help="backbone size")
    parser.add_argument("--objective", default="mlm", choices=["mlm", "clm"])
    parser.add_argument("--json", help="also write the JSON here")
    args = parser.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = [part.strip() for part in args.sizes.split(",")]
    corpora = {size: build_corpus(args.source, work / f"corpus-{size}.txt", parse_size(size)) for size in sizes}
    # The same work for every size: fixed steps (no counting pass), a bounded vocabulary sample and
    # a small held-out share (its evaluation streams too, but its time grows with the corpus).
    options = ["--objective", args.objective, "--size", args.size, "--steps", str(args.steps), "--max-steps", str(args.steps),
               "--sequence-length", "128", "--batch-size", "32", "--vocabulary-size", "8000",
               "--vocabulary-sample", "20000", "--held-out", "0.0005", "--checkpoint-every", str(args.steps)]
    runs = {size: [] for size in sizes}
    for repeat in range(args.repeats):
        for size in sizes:
            result = run_pretrain(corpora[size], work / f"run-{size}", options)
            runs[size].append(result)
            print(f"repeat {repeat + 1}, {size}: {result}", file=sys.stderr, flush=True)

    def median(size, key):
        return statistics.median(run[key] for run in runs[size])

    report = {
        "options": options,
        "corpora": {size: {"path": str(corpora[size]), "bytes": corpora[size].stat().st_size} for size in sizes},
        "runs": runs,
        "median": {size: {key: median(size, key) for key in ("peak_rss_mb", "tokens_per_second", "seconds")}
                   for size in sizes},
    }
    first, last = sizes[0], sizes[-1]
    report["peak_rss_ratio"] = round(report["median"][last]["peak_rss_mb"] / report["median"][first]["peak_rss_mb"], 3)
    report["tokens_per_second_ratio"] = round(
        report["median"][last]["tokens_per_second"] / report["median"][first]["tokens_per_second"], 3)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
