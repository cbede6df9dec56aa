"""Temperature scaling: the fitted temperature undoes a known over- or under-confidence."""

import numpy as np
import pytest

from kerastl.tasks.calibration import (MAX_TEMPERATURE, check_temperature, fit_softmax_temperature, fit_temperature,
                                 softmax_answers, softmax_with_temperature)
from kerastl.metrics import negative_log_likelihood


def calibrated_logits(examples=4000, classes=3, seed=0):
    """Logits and labels drawn from them: softmax(logits) is exactly the labels' distribution."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(examples, classes))
    probabilities = softmax_with_temperature(logits)
    labels = np.array([rng.choice(classes, p=row) for row in probabilities])
    return logits, labels


@pytest.mark.parametrize("scale", [4.0, 0.25], ids=["over-confident", "under-confident"])
def test_fitted_temperature_undoes_the_scale_and_lowers_the_nll(scale):
    logits, labels = calibrated_logits()
    distorted = logits * scale  # softmax(distorted / scale) is the true distribution
    temperature = fit_softmax_temperature(distorted, labels)
    assert (temperature > 1) == (scale > 1)
    assert temperature == pytest.approx(scale, rel=0.15)
    nll = [negative_log_likelihood(softmax_with_temperature(distorted, t), labels) for t in (1.0, temperature)]
    assert nll[1] < nll[0]


def test_temperature_never_changes_the_most_probable_class():
    logits, labels = calibrated_logits(examples=200)
    for temperature in (0.1, 0.7, 3.0):
        assert (softmax_with_temperature(logits, temperature).argmax(-1) == logits.argmax(-1)).all()
    confidences, correct, _ = softmax_answers(logits, labels, 3.0)
    assert (correct == (logits.argmax(-1) == labels)).all() and (confidences < softmax_answers(
        logits, labels, 1.0)[0]).all()


def test_search_stays_in_its_bounds_and_never_makes_the_loss_worse():
    assert fit_temperature(lambda t: -t) == pytest.approx(MAX_TEMPERATURE, rel=1e-3)
    # Two minima, the search's bracket finds the worse one at 10: T = 1 is kept.
    assert fit_temperature(lambda t: 0.0 if t == 1.0 else 1.0 + abs(t - 10.0)) == 1.0


@pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), "warm", True, None])
def test_temperature_must_be_a_positive_number(value):
    with pytest.raises(ValueError, match="`temperature` must be a positive number"):
        check_temperature(value)
    assert check_temperature(2) == 2.0


def test_a_temperature_that_raises_the_calibration_error_is_not_kept():
    from types import SimpleNamespace

    from kerastl.tasks.calibration import keep_if_it_helps

    task = SimpleNamespace(temperature=1.7)
    worse = keep_if_it_helps(task, {"temperature": 1.7, "ece_before": 0.0932, "ece_after": 0.0962})
    assert task.temperature == 1.0 and worse["kept"] is False
    assert worse["temperature"] == 1.0 and worse["fitted_temperature"] == 1.7 and "raised" in worse["why"]
    task.temperature = 1.7
    better = keep_if_it_helps(task, {"temperature": 1.7, "ece_before": 0.0962, "ece_after": 0.0932})
    assert task.temperature == 1.7 and better["kept"] is True and better["temperature"] == 1.7
