"""Paired comparisons of learning-curve lines: is one line above another beyond the seed spread?

Runs of one seed share everything but the backbone (the labeled subset, the training seed), so
the difference of two lines is read seed by seed: the paired difference. Its median over the
seeds, with a bootstrap interval (the seeds resampled with replacement), says whether a line is
above the other beyond what the seeds alone move it.
"""

import random
import statistics

#: Resamples of the seeds the bootstrap interval is drawn from.
BOOTSTRAP_SAMPLES = 10_000
#: Coverage of the bootstrap interval.
CONFIDENCE = 0.95


def bootstrap_interval(values, samples=BOOTSTRAP_SAMPLES, confidence=CONFIDENCE, seed=0):
    """The percentile bootstrap interval of the median of `values`.

    `values` are resampled with replacement `samples` times (in an order fixed by `seed`), and
    the interval holds the middle `confidence` of the resampled medians.

    Example:

    >>> from kerastl.runs.curve_statistics import bootstrap_interval
    >>> bootstrap_interval([0.01, 0.03, 0.02, 0.04, 0.05])
    (0.01, 0.05)
    """
    values = list(values)
    if len(values) < 2:
        return None
    draw = random.Random(seed)
    medians = sorted(statistics.median(draw.choices(values, k=len(values))) for _ in range(samples))
    tail = (1 - confidence) / 2
    return medians[int(tail * samples)], medians[min(samples - 1, int((1 - tail) * samples))]


def paired_comparison(result, line, baseline):
    """Per size of a `learning_curve` result: `line` minus `baseline`, seed by seed.

    Args:
        result: the dict `learning_curve` returns (or its curve.json, loaded).
        line, baseline: two of its line labels.

    Returns:
        A list with one dict per size both lines have runs at: `size`, `differences_by_seed`
        (`{seed: difference}` over the seeds both ran), `median_difference`, `interval`
        (the bootstrap interval of the median difference, None with one seed) and `verdict`:
        "above beyond the seed spread" when the interval lies above zero, "below beyond the
        seed spread" when below, else "within the seed spread" ("one seed: no spread known"
        with one).
    """
    scores = {(run["line"], run["size"], run["seed"]): run["metric"] for run in result["runs"]
              if run["metric"] is not None}
    rows = []
    for size in result["sizes"]:
        differences = {seed: scores[(line, size, seed)] - scores[(baseline, size, seed)] for seed in result["seeds"]
                       if (line, size, seed) in scores and (baseline, size, seed) in scores}
        if not differences:
            continue
        median = statistics.median(differences.values())
        interval = bootstrap_interval(list(differences.values()))
        rows.append({"size": size, "differences_by_seed": {str(seed): round(value, 6) for seed, value in
                                                           differences.items()},
                     "median_difference": round(median, 6),
                     "interval": None if interval is None else [round(interval[0], 6), round(interval[1], 6)],
                     "verdict": _verdict(interval)})
    return rows


def _verdict(interval):
    if interval is None:
        return "one seed: no spread known"
    if interval[0] > 0:
        return "above beyond the seed spread"
    if interval[1] < 0:
        return "below beyond the seed spread"
    return "within the seed spread"


def compare_with(result, baseline):
    """Every other line of `result` against `baseline`: `{"baseline", "confidence",
    "bootstrap_samples", "lines": {label: paired_comparison(...)}}`."""
    return {"baseline": baseline, "confidence": CONFIDENCE, "bootstrap_samples": BOOTSTRAP_SAMPLES,
            "lines": {label: paired_comparison(result, label, baseline) for label in result["lines"]
                      if label != baseline}}


def comparison_table(comparisons):
    """Plain text: per line and size, the median paired difference, its interval and verdict."""
    rows = [f"paired differences against {comparisons['baseline']} (median over seeds, "
            f"{comparisons['confidence']:.0%} bootstrap interval):"]
    for label, sizes in comparisons["lines"].items():
        for row in sizes:
            interval = "" if row["interval"] is None else \
                f" [{row['interval'][0]:+.3f}, {row['interval'][1]:+.3f}]"
            rows.append(f"  {label} at {row['size']}: {row['median_difference']:+.3f}{interval} {row['verdict']}")
    return "\n".join(rows)
