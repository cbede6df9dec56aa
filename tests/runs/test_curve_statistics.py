"""Paired comparisons of learning-curve lines: differences by seed, bootstrap interval, verdict."""

import statistics

import pytest

from kerastl.runs.curve_statistics import bootstrap_interval, compare_with, comparison_table, paired_comparison


def _result(scores):
    """A curve result from `{(line, size, seed): metric}`."""
    lines = dict.fromkeys(line for line, _, _ in scores)
    return {"sizes": sorted({size for _, size, _ in scores}), "seeds": sorted({seed for _, _, seed in scores}),
            "lines": {line: {} for line in lines},
            "runs": [{"line": line, "size": size, "seed": seed, "metric": metric}
                     for (line, size, seed), metric in scores.items()]}


def test_the_interval_holds_the_middle_of_the_resampled_medians():
    differences = [0.012, 0.031, 0.024, 0.047, 0.005]
    low, high = bootstrap_interval(differences)
    assert min(differences) <= low <= statistics.median(differences) <= high <= max(differences)
    assert bootstrap_interval(differences) == (low, high)  # a fixed resampling order
    # With 15 values the median's interval is narrower than their range.
    many = [0.01 * index for index in range(15)]
    many_low, many_high = bootstrap_interval(many)
    assert min(many) < many_low < many_high < max(many)
    assert bootstrap_interval([0.3]) is None


def test_lines_are_compared_seed_by_seed_on_the_runs_both_have():
    scores = {}
    for seed, (adapted, general) in enumerate([(0.70, 0.60), (0.72, 0.70), (0.66, 0.61)]):
        scores[("adapted", 100, seed)], scores[("general", 100, seed)] = adapted, general
    for seed, (adapted, general) in enumerate([(0.80, 0.82), (0.79, 0.78), (0.81, 0.80)]):
        scores[("adapted", 500, seed)], scores[("general", 500, seed)] = adapted, general
    scores[("adapted", 500, 3)] = 0.99  # no general run of seed 3: left out, not paired with another seed
    result = _result(scores)

    small, large = paired_comparison(result, "adapted", "general")
    assert small["size"] == 100 and small["differences_by_seed"] == pytest.approx({"0": 0.10, "1": 0.02, "2": 0.05})
    assert small["median_difference"] == pytest.approx(0.05)
    assert small["interval"][0] > 0 and small["verdict"] == "above beyond the seed spread"
    assert set(large["differences_by_seed"]) == {"0", "1", "2"}
    assert large["median_difference"] == pytest.approx(0.01)
    assert large["interval"][0] < 0 < large["interval"][1] and large["verdict"] == "within the seed spread"
    below = paired_comparison(result, "general", "adapted")[0]
    assert below["median_difference"] == pytest.approx(-0.05) and below["verdict"] == "below beyond the seed spread"


def test_the_comparison_table_names_the_baseline_and_each_verdict():
    result = _result({("adapted", 100, 0): 0.7, ("general", 100, 0): 0.6, ("from scratch", 100, 0): 0.5})
    comparisons = compare_with(result, "general")
    assert list(comparisons["lines"]) == ["adapted", "from scratch"] and comparisons["confidence"] == 0.95
    assert comparisons["lines"]["adapted"][0]["verdict"] == "one seed: no spread known"
    table = comparison_table(comparisons)
    assert table.splitlines()[0].startswith("paired differences against general")
    assert "adapted at 100: +0.100 one seed: no spread known" in table
    assert "from scratch at 100: -0.100" in table
