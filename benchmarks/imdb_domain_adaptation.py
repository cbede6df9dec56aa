"""Domain adaptation on IMDB: which `kerastl pretrain --from minilm-l6` recipe beats the general backbone?

Prepares the three files the experiment needs from the IMDB archive (read in place):

- `corpus.txt`: the text of every review not held out for validation, one per line, labels
  unused (the task's own unlabeled text `kerastl pretrain --from` continues on);
- `train.tsv`: the same reviews with their labels (`kerastl curve` fine-tunes on subsets);
- `dev.tsv`: `--validation-size` other reviews, in neither file above, every model is scored on.

and prints the commands of the experiment: the general backbone's curve, then per recipe (masked
LM as before, masked LM after a head warm-up, SimCSE, masked LM + SimCSE) one `kerastl pretrain
--from minilm-l6` under one budget and its curve, at `--sizes` labeled reviews and `--seeds`.

Usage:

    python benchmarks/imdb_domain_adaptation.py --archive ../shared/data/imdb/aclImdb_train.tar.gz --work WORK

Then `--combine WORK/curve-*/curve.json --adapted WORK/minilm-l6-* --output docs/domain-adaptation-imdb.json`
joins the curves into one result (runs of one seed share the labeled subset, so lines pair up
across curves): each line against the general one seed by seed (median paired difference and
its bootstrap interval, `kerastl.runs.curve_statistics`), each adapted backbone's held-out
metrics before and after and how far its weights moved, and the plot beside the JSON.
`--combine-log WORK/curve-2000.log` adds the finished runs of a curve stopped before its end.
"""

import argparse
import json
import random
import re
import tarfile
from pathlib import Path

import numpy as np

REVIEW = re.compile(r"aclImdb/train/(pos|neg)/\d+_\d+\.txt$")
BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
SPACES = re.compile(r"\s+")


def read_reviews(archive):
    """`(text, label)` of every labeled training review in the IMDB archive, in archive order."""
    reviews = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            match = REVIEW.search(member.name)
            if match and member.isfile():
                text = tar.extractfile(member).read().decode("utf-8")
                reviews.append((SPACES.sub(" ", BREAK.sub(" ", text)).strip(), match.group(1)))
    return reviews


def prepare(archive, work, validation_size=1000, seed=0):
    """Write corpus.txt, train.tsv and dev.tsv into `work`; return their paths."""
    reviews = read_reviews(archive)
    random.Random(seed).shuffle(reviews)
    dev, train = reviews[:validation_size], reviews[validation_size:]
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    (work / "corpus.txt").write_text("".join(text + "\n" for text, _ in train), encoding="utf-8")
    for name, rows in (("train.tsv", train), ("dev.tsv", dev)):
        (work / name).write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in rows),
                                 encoding="utf-8")
    return {"corpus": work / "corpus.txt", "train": work / "train.tsv", "dev": work / "dev.tsv",
            "reviews": len(reviews), "train_reviews": len(train), "dev_reviews": len(dev)}


RECIPES = {
    # name: the options of `kerastl pretrain --from minilm-l6` (plus --corpus, --output and BUDGET).
    "mlm": ["--objective", "mlm", "--warmup-head-steps", "0", "--learning-rate", "1e-4"],
    "mlm-warm": ["--objective", "mlm", "--warmup-head-steps", "100", "--learning-rate", "5e-5"],
    "simcse": ["--objective", "simcse", "--learning-rate", "3e-5"],
    "mlm-simcse": ["--objective", "mlm+simcse", "--warmup-head-steps", "100", "--learning-rate", "5e-5"],
}
#: What every adaptation shares: windows as long as fine-tuning reads, and the time budget.
BUDGET = ["--sequence-length", "64", "--batch-size", "32", "--steps", "150", "--held-out", "0.005",
          "--time-budget", "9"]
GENERAL = "minilm-l6"


def recipe_commands(work, recipes, sizes, seeds):
    """The `kerastl pretrain` and `kerastl curve` command lines of each recipe, and the general
    backbone's curve (each curve has one line; `--combine` pairs them by seed)."""
    work = Path(work)
    curve = ["kerastl", "curve", "sentiment", "--train", str(work / "train.tsv"), "--validation",
             str(work / "dev.tsv"), "--sizes", sizes, "--seeds", seeds, "--max-length", "64", "--no-scratch"]
    commands = [curve + ["--backbone", GENERAL, "--output", str(work / "curve-general")]]
    for name in recipes:
        adapted = work / f"minilm-l6-{name}"
        commands.append(["kerastl", "pretrain", "--from", GENERAL, "--corpus", str(work / "corpus.txt"),
                         "--output", str(adapted), *RECIPES[name], *BUDGET])
        commands.append(curve + ["--backbone", str(adapted), "--output", str(work / f"curve-{name}")])
    return commands


RUN_LINE = re.compile(r"^\[\d+/\d+\] (?P<task>\S+) (?P<line>.+), (?P<size>\d+) examples, seed (?P<seed>\d+): "
                      r"(?P<metric>\w+) (?P<score>[\d.]+) in (?P<seconds>[\d.]+) s")


def curve_from_log(log_path, backbones):
    """The runs of a `kerastl curve` stopped before it wrote curve.json, read from its log (one
    line per finished run), as a curve result `combine` takes. `backbones` maps each label to
    its backbone."""
    runs, task, metric = [], None, None
    for text in Path(log_path).read_text(encoding="utf-8").splitlines():
        match = RUN_LINE.match(text)
        if match:
            task, metric = match["task"], match["metric"]
            runs.append({"line": match["line"], "size": int(match["size"]), "seed": int(match["seed"]),
                         "metric": float(match["score"]), "seconds": float(match["seconds"])})
    lines = {label: {"backbone": backbones.get(label, label), "pretrained": True, "learning_rate": None}
             for label in dict.fromkeys(run["line"] for run in runs)}
    return {"task": task, "metric": metric, "runs": runs, "lines": lines, "stopped_early": True}


def combine(curves, general, scratch_curve=None):
    """One curve result from several `kerastl curve` results of one split and one set of
    settings (each may hold several lines): their runs, lines rebuilt over the seeds, and each
    line compared with `general` seed by seed. `scratch_curve` adds its "from scratch" runs."""
    from kerastl.runs.curve import SCRATCH_LABEL, summarize
    from kerastl.runs.curve_statistics import compare_with

    runs, lines = [], {}
    for curve in curves:
        for label, line in curve["lines"].items():
            if label != SCRATCH_LABEL:
                lines.setdefault(label, {key: line.get(key) for key in ("backbone", "pretrained", "learning_rate")})
                runs += [run for run in curve["runs"] if run["line"] == label]
    if scratch_curve is not None:
        lines[SCRATCH_LABEL] = {key: scratch_curve["lines"][SCRATCH_LABEL].get(key)
                                for key in ("backbone", "pretrained", "learning_rate")}
        runs += [run for run in scratch_curve["runs"] if run["line"] == SCRATCH_LABEL]
    sizes = sorted({run["size"] for run in runs})
    seeds = sorted({run["seed"] for run in runs})
    for label, line in lines.items():
        line["points"] = []
        for size in sizes:
            point_runs = [run for run in runs if run["line"] == label and run["size"] == size]
            if point_runs:
                line["points"].append({"size": size, **summarize([run["metric"] for run in point_runs]),
                                       "runs": point_runs})
    first = next(curve for curve in curves if not curve.get("stopped_early"))
    result = {key: first[key] for key in ("task", "metric", "validation_examples", "epochs", "batch_size", "std")}
    result.update(sizes=sizes, seeds=seeds, runs=runs, lines=lines)
    result["comparisons"] = compare_with(result, general)
    return result


def weight_change(general, adapted):
    """How far adaptation moved the encoder: the relative L2 change of all backbone weights
    together, and the largest relative change of one weight."""
    from kerastl.backbones import load_backbone

    before = {weight.path: np.asarray(weight) for weight in load_backbone(general)[0].weights}
    after = {weight.path: np.asarray(weight) for weight in load_backbone(adapted)[0].weights}
    changes = {path: float(np.linalg.norm(after[path] - before[path]) / max(np.linalg.norm(before[path]), 1e-12))
               for path in before}
    total = float(np.sqrt(sum(np.sum((after[p] - before[p]) ** 2) for p in before)) /
                  np.sqrt(sum(np.sum(before[p] ** 2) for p in before)))
    largest = max(changes, key=changes.get)
    return {"relative_change": round(total, 6), "largest": {"weight": largest, "relative_change":
                                                           round(changes[largest], 6)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", help="aclImdb_train.tar.gz")
    parser.add_argument("--work", help="folder for corpus.txt, train.tsv, dev.tsv and the runs")
    parser.add_argument("--validation-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--recipes", default=",".join(RECIPES), help="recipes to print the commands of")
    parser.add_argument("--sizes", default="100,500")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--combine", nargs="+", metavar="CURVE_JSON",
                        help="curve.json files of one split and settings (the general line among them): write "
                             "one result with the paired comparisons to --output")
    parser.add_argument("--combine-log", nargs="*", default=[], metavar="CURVE_LOG",
                        help="logs of `kerastl curve` runs stopped before they wrote curve.json (same settings): "
                             "their finished runs join --combine")
    parser.add_argument("--scratch", metavar="CURVE_JSON", help="a curve.json whose from-scratch runs to add")
    parser.add_argument("--adapted", nargs="*", default=[], metavar="FOLDER",
                        help="adapted backbone folders: their pretrain_metrics.json and weight change go in")
    parser.add_argument("--output", help="the combined JSON (a PNG beside it)")
    args = parser.parse_args()
    if args.combine:
        from kerastl.runs.curve import curve_table, plot_curve

        curves = [json.loads(Path(path).read_text()) for path in args.combine]
        backbones = {label: line.get("backbone") for curve in curves for label, line in curve["lines"].items()}
        curves += [curve_from_log(path, backbones) for path in args.combine_log]
        scratch = json.loads(Path(args.scratch).read_text()) if args.scratch else None
        result = combine(curves, GENERAL, scratch)
        result["combined_from"] = {"curves": args.combine, "curve_logs": args.combine_log, "scratch": args.scratch}
        result["adaptation"] = {}
        for folder in args.adapted:
            metrics = json.loads((Path(folder) / "pretrain_metrics.json").read_text())
            result["adaptation"][Path(folder).name] = {
                **{key: metrics.get(key) for key in ("objective", "steps", "stopped_by", "training_seconds",
                                                     "held_out_before", "held_out_after_head_warmup", "held_out")},
                "options": {key: metrics["options"].get(key) for key in
                            ("learning_rate", "warmup_head_steps", "sequence_length", "batch_size")},
                "weights": weight_change(GENERAL, folder)}
        output = Path(args.output)
        output.write_text(json.dumps(result, indent=1) + "\n")
        plot_curve(result, output.with_suffix(".png"))
        print(curve_table(result))
        return
    if not (args.archive and args.work):
        parser.error("--archive and --work are required (or --combine CURVE_JSON ...)")
    files = prepare(args.archive, args.work, args.validation_size, args.seed)
    print(f"{files['reviews']:,} reviews: {files['train_reviews']:,} in corpus.txt and train.tsv, "
          f"{files['dev_reviews']:,} in dev.tsv.")
    print("Then run, one after the other:")
    for command in recipe_commands(args.work, args.recipes.split(","), args.sizes, args.seeds):
        print("  " + " ".join(command))


if __name__ == "__main__":
    main()
