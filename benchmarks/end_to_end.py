"""Whole-command time: `kerastl train sentiment` against a Transformers `Trainer` script doing the same job.

    python benchmarks/end_to_end.py --train ../shared/data/sst2/train.tsv --dev ../shared/data/sst2/dev.tsv \
        --limit 2000 --epochs 1 --repeats 3 --work /tmp/end-to-end --output end-to-end.json

`--systems` picks the runs: `kerastl` (on the backend of `KERAS_BACKEND`), `kerastl-tensorflow`,
`kerastl-jax`, `kerastl-torch` (`kerastl --backend ...`) and `hf-trainer-grouped`.
All commands read the same random subset of --train (written to WORK as a TSV), fine-tune the
same backbone (minilm-l6; the Trainer gets its Hugging Face folder), score --dev after every epoch
and save the model. The seconds run from starting the process to its exit, so they include
importing the libraries and loading the backbone. The systems run interleaved, the order rotating by one
each round; the output has every run, each system's median, min and max, and each kerastl system's
speed-up over the Trainer (the Trainer's median seconds over its own).
"""

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compare import last_json_line, peer_python  # noqa: E402


def write_subset(source, limit, seed, path):
    """The peer's subset of a `sentence`/`label` TSV (`common.subset`) written to `path`."""
    from common import subset

    with open(source, encoding="utf-8", newline="") as f:
        rows = subset(list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)), limit, seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("sentence\tlabel\n")
        f.writelines(f"{row['sentence'].strip()}\t{row['label']}\n" for row in rows)
    return len(rows)


def timed(command, env):
    """Run a command to its end; return its seconds and stdout, or stop with its error output."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed:\n{result.stderr[-3000:]}")
    return round(seconds, 2), result.stdout


def trainer_python(bench):
    """The peers' Python, with `accelerate` (which the Trainer needs) installed."""
    python = peer_python(bench)
    if subprocess.run([python, "-c", "import accelerate"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "accelerate"], check=True)
    return python


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True)
    parser.add_argument("--dev", required=True)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", required=True, help="a folder of this benchmark's own (runs are written here)")
    parser.add_argument("--output", help="write the runs and summaries here as JSON")
    parser.add_argument("--bench-dir", default=str(HERE.parent.parent / "shared" / "bench"))
    parser.add_argument("--systems", default="kerastl,hf-trainer-grouped",
                        help="comma-separated: kerastl, kerastl-tensorflow, kerastl-jax, kerastl-torch, hf-trainer-grouped")
    args = parser.parse_args()
    from kerastl.backbones import HUGGING_FACE_SUBFOLDER, install_backbone

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    train = work / f"train-{args.limit}.tsv"
    examples = write_subset(args.train, args.limit, args.seed, train)
    hf_folder = install_backbone("minilm-l6") / HUGGING_FACE_SUBFOLDER
    common = ["--epochs", str(args.epochs), "--batch-size", str(args.batch_size)]
    train_command = ["train", "sentiment", "--train", str(train), "--validation", args.dev, "--seed", str(args.seed),
                     *common]
    available = {
        "kerastl": [sys.executable, "-m", "kerastl", *train_command],
        **{f"kerastl-{backend}": [sys.executable, "-m", "kerastl", "--backend", backend, *train_command]
           for backend in ("tensorflow", "jax", "torch")},
        "hf-trainer-grouped": [trainer_python(Path(args.bench_dir)), str(HERE / "hf_trainer_sentiment.py"),
                               "--train", str(train), "--dev", args.dev, "--backbone", str(hf_folder),
                               "--seed", str(args.seed), *common],
    }
    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = sorted(set(systems) - set(available))
    if unknown:
        sys.exit(f"unknown systems {unknown}; choose from {sorted(available)}")
    commands = {name: available[name] for name in systems}
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    runs = {name: [] for name in commands}
    for round_index in range(args.repeats):
        for name in systems[round_index % len(systems):] + systems[:round_index % len(systems)]:
            output = work / f"{name}-run"
            shutil.rmtree(output, ignore_errors=True)
            seconds, stdout = timed([*commands[name], "--output", str(output)], env)
            if name.startswith("kerastl"):
                accuracy = json.loads((output / "metrics.json").read_text())["validation"]["accuracy"]
            else:
                accuracy = last_json_line(stdout)["accuracy"]
            run = {"round": round_index, "seconds": seconds, "examples_per_s": round(examples * args.epochs / seconds, 2),
                   "accuracy": round(accuracy, 4)}
            runs[name].append(run)
            print(json.dumps({"system": name, **run}), flush=True)
    summaries = {name: {figure: {"median": statistics.median(run[figure] for run in system_runs),
                                 "min": min(run[figure] for run in system_runs),
                                 "max": max(run[figure] for run in system_runs)}
                        for figure in ("seconds", "accuracy")} for name, system_runs in runs.items()}
    trainer = summaries.get("hf-trainer-grouped")
    speedups = {name: round(trainer["seconds"]["median"] / summary["seconds"]["median"], 2)
                for name, summary in summaries.items() if trainer and name.startswith("kerastl")}
    report = {"job": f"sentiment, {examples} training examples, {args.epochs} epoch(s), validation on {args.dev}",
              "summaries": summaries, "speedup_over_trainer": speedups, "runs": runs}
    print(json.dumps({"summaries": summaries, "speedup_over_trainer": speedups}, indent=1))
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
