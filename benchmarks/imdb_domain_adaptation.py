"""Domain-adaptive pretraining on IMDB: does continuing minilm-l6's masked LM on review text help?

Prepares the three files the experiment needs from the IMDB archive (read in place):

- `corpus.txt`: the text of every review not held out for validation, one per line, labels
  unused (the unlabeled domain text `kerastl pretrain --from` continues on);
- `train.tsv`: the same reviews with their labels (`kerastl curve` fine-tunes on subsets);
- `dev.tsv`: `--validation-size` other reviews, in neither file above, every model is scored on.

and prints the two commands of the experiment: `kerastl pretrain --from minilm-l6` on the
corpus, then `kerastl curve --backbones ADAPTED,minilm-l6` (with its random-init line) at
100 / 500 / 2,000 labeled reviews and three seeds.

Usage:

    python benchmarks/imdb_domain_adaptation.py --archive ../shared/data/imdb/aclImdb_train.tar.gz --work WORK

After the curve, `--compare WORK/curve/curve.json` prints, per size, the adapted and the general
line (median and range over the seeds), the paired differences (same seed, same labeled subset)
and whether the two ranges overlap.
"""

import argparse
import json
import statistics
import random
import re
import tarfile
from pathlib import Path

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


def compare_lines(curve, adapted, general):
    """Per size: both lines' points, the adapted-minus-general difference for each seed, and
    whether the adapted line's range lies wholly above (or below) the general one's."""
    runs = {(run["line"], run["size"], run["seed"]): run["metric"] for run in curve["runs"]}
    rows = []
    for size in curve["sizes"]:
        points = {line: next(p for p in curve["lines"][line]["points"] if p["size"] == size)
                  for line in (adapted, general)}
        differences = [round(runs[(adapted, size, seed)] - runs[(general, size, seed)], 4)
                       for seed in curve["seeds"] if (adapted, size, seed) in runs and (general, size, seed) in runs]
        a, g = points[adapted], points[general]
        verdict = ("adapted above, beyond the seed spread" if a["min"] > g["max"] else
                   "adapted below, beyond the seed spread" if a["max"] < g["min"] else "ranges overlap")
        rows.append({"size": size, adapted: {k: a[k] for k in ("median", "min", "max")},
                     general: {k: g[k] for k in ("median", "min", "max")}, "differences_by_seed": differences,
                     "median_difference": round(statistics.median(differences), 4), "verdict": verdict})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", help="aclImdb_train.tar.gz")
    parser.add_argument("--work", help="folder for corpus.txt, train.tsv, dev.tsv and the runs")
    parser.add_argument("--validation-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", metavar="CURVE_JSON", help="compare the adapted and general lines of a curve")
    parser.add_argument("--adapted", default="minilm-l6-imdb", help="the adapted line's label (with --compare)")
    parser.add_argument("--general", default="minilm-l6", help="the general line's label (with --compare)")
    args = parser.parse_args()
    if args.compare:
        curve = json.loads(Path(args.compare).read_text())
        print(json.dumps(compare_lines(curve, args.adapted, args.general), indent=1))
        return
    if not (args.archive and args.work):
        parser.error("--archive and --work are required (or --compare CURVE_JSON)")
    files = prepare(args.archive, args.work, args.validation_size, args.seed)
    work = Path(args.work)
    print(f"{files['reviews']:,} reviews: {files['train_reviews']:,} in corpus.txt and train.tsv, "
          f"{files['dev_reviews']:,} in dev.tsv.")
    print("Then run:")
    print(f"  kerastl pretrain --from minilm-l6 --corpus {files['corpus']} --output {work / 'minilm-l6-imdb'} "
          "--sequence-length 128 --batch-size 32 --steps 480 --learning-rate 1e-4 --held-out 0.02 --time-budget 30")
    print(f"  kerastl curve sentiment --train {files['train']} --validation {files['dev']} --sizes 100,500,2000 "
          f"--backbones {work / 'minilm-l6-imdb'},minilm-l6 --seeds 0,1,2 --max-length 64 "
          f"--output {work / 'curve'}")


if __name__ == "__main__":
    main()
