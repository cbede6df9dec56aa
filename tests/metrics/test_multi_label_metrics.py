"""Multi-label metrics against hand-computed cases; per-label F1 thresholds."""

import numpy as np
import pytest

from kerastl.metrics import multi_label_metrics
from kerastl.metrics.multi_label_metrics import best_f1_threshold

LABELS = ["a", "b", "c"]
TRUE = [["a", "b"], ["b"], [], ["c"]]
PREDICTED = [["a"], ["b", "c"], [], []]


def test_scores_of_a_hand_computed_case():
    scores = multi_label_metrics(TRUE, PREDICTED, LABELS)
    # Jaccard per example: 1/2, 1/2, 1 (both empty), 0/1
    assert scores["jaccard_accuracy"] == pytest.approx(0.5)
    assert scores["subset_accuracy"] == pytest.approx(0.25)
    # pooled: 2 true positives, 3 predicted, 4 true labels
    assert scores["micro_precision"] == pytest.approx(2 / 3)
    assert scores["micro_recall"] == pytest.approx(0.5)
    assert scores["micro_f1"] == pytest.approx(4 / 7)
    assert scores["per_label"]["a"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert scores["per_label"]["b"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert scores["per_label"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["macro_f1"] == pytest.approx((1 + 2 / 3 + 0) / 3)
    assert scores["examples"] == 4


def test_a_label_never_true_nor_predicted_is_left_out_of_macro_f1():
    with_unused = multi_label_metrics(TRUE, PREDICTED, LABELS + ["d"])
    assert with_unused["macro_f1"] == pytest.approx(multi_label_metrics(TRUE, PREDICTED, LABELS)["macro_f1"])
    assert with_unused["per_label"]["d"]["support"] == 0


def test_perfect_predictions_and_all_empty_sets_score_one():
    assert multi_label_metrics(TRUE, TRUE, LABELS)["jaccard_accuracy"] == 1.0
    empty = multi_label_metrics([[], []], [[], []], LABELS)
    assert empty["jaccard_accuracy"] == 1.0 and empty["subset_accuracy"] == 1.0 and empty["micro_f1"] == 0.0


@pytest.mark.parametrize("true, predicted, message", [
    ([["a"]], [], "must pair up"), ([], [], "empty"), ([["z"]], [["a"]], "'z'"),
])
def test_mismatched_or_unknown_inputs_are_errors(true, predicted, message):
    with pytest.raises(ValueError, match=message):
        multi_label_metrics(true, predicted, LABELS)


def f1_at(scores, truth, threshold):
    predicted = np.asarray(scores) >= threshold
    truth = np.asarray(truth)
    found, true_positives = predicted.sum(), (predicted & truth).sum()
    return 2 * true_positives / (found + truth.sum()) if found + truth.sum() else 0.0


def test_the_tuned_threshold_beats_one_half_where_one_half_is_poor():
    scores, truth = [0.6, 0.45, 0.4, 0.2], [False, True, True, False]
    threshold = best_f1_threshold(scores, truth)
    assert threshold == pytest.approx(0.3)  # between 0.4 and 0.2: both positives, one false positive
    assert f1_at(scores, truth, threshold) == pytest.approx(0.8) and f1_at(scores, truth, 0.5) == 0.0


def test_the_default_stays_when_no_cut_does_better_or_the_label_never_occurs():
    assert best_f1_threshold([0.7, 0.7, 0.2], [True, False, False]) == 0.5  # ties cannot be cut apart
    assert best_f1_threshold([0.9, 0.1], [False, False]) == 0.5
    assert best_f1_threshold([0.9, 0.1], [False, False], default=0.3) == 0.3


@pytest.mark.parametrize("seed", range(20))
def test_tuning_never_lowers_the_f1_on_the_examples_it_was_tuned_on(seed):
    generator = np.random.default_rng(seed)
    scores = np.round(generator.random(30), 2)  # rounded: ties happen
    truth = generator.random(30) < 0.3
    threshold = best_f1_threshold(scores, truth)
    assert 0.0 <= threshold <= 1.0
    assert f1_at(scores, truth, threshold) >= f1_at(scores, truth, 0.5)
    cuts = np.unique(scores)
    assert f1_at(scores, truth, threshold) == pytest.approx(max(f1_at(scores, truth, t) for t in cuts))
