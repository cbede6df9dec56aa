"""Reliability bins, expected calibration error and NLL on cases computed by hand."""

import math

import pytest

from kerastl.metrics import DEFAULT_BINS, expected_calibration_error, negative_log_likelihood, reliability_bins

# Four bins of width 0.25. 0.5 lies on an edge: it belongs to the bin below, (0.25, 0.5].
CONFIDENCES = [0.05, 0.5, 0.55, 0.95, 1.0]
CORRECT = [True, False, True, True, False]


def test_reliability_bins_by_hand():
    bins = reliability_bins(CONFIDENCES, CORRECT, num_bins=4)
    assert bins["lower"] == [0.0, 0.25, 0.5, 0.75] and bins["upper"] == [0.25, 0.5, 0.75, 1.0]
    assert bins["count"] == [1, 1, 1, 2]
    assert bins["accuracy"] == [1.0, 0.0, 1.0, 0.5]
    assert bins["confidence"] == pytest.approx([0.05, 0.5, 0.55, 0.975])


def test_empty_bins_have_no_accuracy_and_zero_goes_to_the_first_bin():
    bins = reliability_bins([0.0, 0.9], [False, True], num_bins=3)
    assert bins["count"] == [1, 0, 1]
    assert bins["accuracy"] == [0.0, None, 1.0] and bins["confidence"][1] is None


def test_expected_calibration_error_by_hand():
    # Bins 1-3 hold one answer each: gaps 0.95, 0.5, 0.45, weight 1/5; bin 4: |0.5 - 0.975|, weight 2/5.
    expected = (0.95 + 0.5 + 0.45) / 5 + 2 / 5 * 0.475
    assert expected_calibration_error(CONFIDENCES, CORRECT, num_bins=4) == pytest.approx(expected)


def test_calibrated_answers_have_no_error_and_the_default_is_15_bins():
    assert expected_calibration_error([0.75] * 4, [True, True, True, False]) == pytest.approx(0.0)
    assert DEFAULT_BINS == 15 and len(reliability_bins([0.5], [True])["count"]) == 15
    # 0.70 and 0.72 share the 15-bin (0.667, 0.733]: the gaps cancel there, not with 10 bins.
    assert expected_calibration_error([0.70, 0.72], [True, False]) == pytest.approx(abs(0.5 - 0.71))
    assert expected_calibration_error([0.70, 0.72], [True, False], num_bins=10) == pytest.approx((0.3 + 0.72) / 2)


def test_negative_log_likelihood_by_hand():
    assert negative_log_likelihood([[0.5, 0.5], [0.25, 0.75]], [0, 1]) == pytest.approx(
        -(math.log(0.5) + math.log(0.75)) / 2)
    assert negative_log_likelihood([[1.0, 0.0]], [0]) == 0.0
    certain_and_wrong = negative_log_likelihood([[1.0, 0.0]], [1])
    assert math.isfinite(certain_and_wrong) and certain_and_wrong > 700


@pytest.mark.parametrize("call, message", [
    (lambda: reliability_bins([0.5, 0.6], [True]), "pair up"),
    (lambda: reliability_bins([1.2], [True]), r"in \[0, 1\]"),
    (lambda: reliability_bins([0.5], [True], num_bins=0), "num_bins=0"),
    (lambda: expected_calibration_error([], []), "no answers"),
    (lambda: negative_log_likelihood([[0.5, 0.5]], [2]), "below 2"),
    (lambda: negative_log_likelihood([[0.5, 0.5]], [0, 1]), "pair up"),
])
def test_bad_inputs_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()
