"""How well confidences match accuracy: reliability bins, expected calibration error, NLL.

A model is calibrated when, of the answers it gives with confidence 0.8, about 80% are right.
`reliability_bins` sorts answers into equal-width confidence bins and compares, in each bin,
the mean confidence with the fraction of right answers (the bars of a reliability diagram);
`expected_calibration_error` is the count-weighted mean gap between the two (Guo et al., 2017,
"On Calibration of Modern Neural Networks", with 15 bins); `negative_log_likelihood` is the mean
`-log p(true class)`, which a temperature is fitted to minimize.
"""

import numpy as np

#: Guo et al.'s number of equal-width confidence bins.
DEFAULT_BINS = 15


def reliability_bins(confidences, correct, num_bins=DEFAULT_BINS):
    """The per-bin counts, accuracies and mean confidences a reliability diagram draws.

    Bin `m` (0-based) holds the confidences in `(m / num_bins, (m + 1) / num_bins]`; the first
    bin also holds a confidence of exactly 0.

    Args:
        confidences: the confidence of each answer, in [0, 1].
        correct: whether each answer is right (booleans or 0/1).
        num_bins: how many equal-width bins split [0, 1].

    Returns:
        A JSON-ready dict of lists, one value per bin: `lower` and `upper` (the bin's edges),
        `count`, `accuracy` (fraction right) and `confidence` (mean confidence); `accuracy`
        and `confidence` are None for an empty bin.

    Raises:
        ValueError: the two inputs differ in length, a confidence is outside [0, 1], or
            `num_bins` is not a positive integer.

    Example:

    >>> from kerastl.metrics import reliability_bins
    >>> bins = reliability_bins([0.9, 0.7, 0.2], [True, False, True], num_bins=2)
    >>> bins["count"], bins["accuracy"]
    ([1, 2], [1.0, 0.5])
    """
    confidences, correct = _checked(confidences, correct, num_bins)
    edges = np.linspace(0.0, 1.0, num_bins + 1)
    # side="left" on the inner edges: a confidence equal to an edge goes to the bin below it.
    bin_of = np.searchsorted(edges[1:-1], confidences, side="left")
    counts = np.bincount(bin_of, minlength=num_bins)
    right = np.bincount(bin_of, weights=correct, minlength=num_bins)
    confidence_sums = np.bincount(bin_of, weights=confidences, minlength=num_bins)
    return {
        "lower": [float(edge) for edge in edges[:-1]],
        "upper": [float(edge) for edge in edges[1:]],
        "count": [int(count) for count in counts],
        "accuracy": [float(r / c) if c else None for r, c in zip(right, counts)],
        "confidence": [float(s / c) if c else None for s, c in zip(confidence_sums, counts)],
    }


def expected_calibration_error(confidences, correct, num_bins=DEFAULT_BINS):
    """The expected calibration error: `sum over bins of count / n * |accuracy - confidence|`.

    Args:
        confidences: the confidence of each answer, in [0, 1] (a classifier's top probability).
        correct: whether each answer is right.
        num_bins: how many equal-width bins (see `reliability_bins`).

    Returns:
        A float in [0, 1]; 0 when every bin's accuracy equals its mean confidence.

    Raises:
        ValueError: as `reliability_bins`, and for no answers at all.

    Example:

    >>> from kerastl.metrics import expected_calibration_error
    >>> round(expected_calibration_error([0.9, 0.9, 0.6, 0.6], [True, False, True, True], num_bins=10), 6)
    0.4
    """
    bins = reliability_bins(confidences, correct, num_bins)
    total = sum(bins["count"])
    if not total:
        raise ValueError("Cannot measure the calibration error of no answers.")
    return float(sum(count / total * abs(accuracy - confidence)
                     for count, accuracy, confidence in zip(bins["count"], bins["accuracy"], bins["confidence"])
                     if count))


def negative_log_likelihood(probabilities, labels):
    """The mean negative log-probability of the true class (the cross-entropy of the answers).

    Probabilities of exactly 0 are raised to the smallest positive float, so a confidently
    wrong answer costs much (about 708) but not infinity.

    Args:
        probabilities: an array `(examples, classes)` of probabilities, rows summing to 1.
        labels: the true class index of each example.

    Returns:
        A float >= 0 (natural logarithm).

    Raises:
        ValueError: the inputs do not pair up, are empty, or a label is out of range.

    Example:

    >>> from kerastl.metrics import negative_log_likelihood
    >>> round(negative_log_likelihood([[0.5, 0.5], [0.25, 0.75]], [0, 1]), 4)
    0.4904
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    if probabilities.ndim != 2 or labels.shape != probabilities.shape[:1]:
        raise ValueError(f"Got probabilities of shape {probabilities.shape} and {labels.size} labels; they must "
                         "pair up as (examples, classes) and (examples,).")
    if not labels.size:
        raise ValueError("Cannot measure the likelihood of no examples.")
    if labels.min() < 0 or labels.max() >= probabilities.shape[1]:
        raise ValueError(f"Labels must be class indices below {probabilities.shape[1]}. Received: "
                         f"labels between {labels.min()} and {labels.max()}")
    chosen = probabilities[np.arange(labels.size), labels]
    return float(-np.mean(np.log(np.maximum(chosen, np.finfo(np.float64).tiny))))


def _checked(confidences, correct, num_bins):
    if not isinstance(num_bins, int) or num_bins < 1:
        raise ValueError(f"`num_bins` must be a positive integer. Received: num_bins={num_bins!r}")
    confidences = np.asarray(confidences, dtype=np.float64).reshape(-1)
    correct = np.asarray(correct, dtype=np.float64).reshape(-1)
    if confidences.shape != correct.shape:
        raise ValueError(f"Got {confidences.size} confidences but {correct.size} correctness values; they must "
                         "pair up.")
    if confidences.size and (confidences.min() < 0 or confidences.max() > 1):
        raise ValueError(f"Confidences must lie in [0, 1]. Received: values between {confidences.min()} and "
                         f"{confidences.max()}")
    return confidences, correct
