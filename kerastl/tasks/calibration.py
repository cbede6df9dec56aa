"""Temperature scaling: one number that makes a model's softmax confidences match its accuracy.

Fine-tuned networks are often over-confident: answers given with probability 0.99 are right
90% of the time. Guo et al. (2017) divide the logits by a temperature `T > 0` fitted on
validation data, `softmax(logits / T)`: `T > 1` softens over-confident probabilities, `T < 1`
sharpens under-confident ones, and the most probable class never changes, so accuracy does
not either.

`fit_temperature` finds `T` by a golden-section search over `log T` in
`[MIN_TEMPERATURE, MAX_TEMPERATURE]` (the negative log-likelihood of scaled logits is smooth
and, for one class per example, convex in `1 / T`); `fit_softmax_temperature` applies it to
the NLL of labeled logits. A task keeps the temperature in its config, so it is saved, loaded
and used by `predict` and the export.
"""

import math

import numpy as np

from kerastl.metrics import DEFAULT_BINS, expected_calibration_error, negative_log_likelihood, reliability_bins

#: The range the search covers; a fitted temperature at an end means the data ask for more.
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 20.0
#: The search stops when the interval of `log T` is this narrow (about 0.1% of T).
_LOG_TOLERANCE = 1e-3
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def softmax_with_temperature(logits, temperature=1.0):
    """`softmax(logits / temperature)` over the last axis, in float64.

    Example:

    >>> from kerastl.tasks.calibration import softmax_with_temperature
    >>> softmax_with_temperature([[0.0, 2.0]], 2.0).round(4).tolist()
    [[0.2689, 0.7311]]
    """
    scaled = np.asarray(logits, dtype=np.float64) / float(temperature)
    exponentials = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def check_temperature(temperature):
    """Return `temperature` as a float, or raise a ValueError when it is not a positive number."""
    try:
        value = float(temperature)
    except (TypeError, ValueError):
        value = float("nan")
    if not math.isfinite(value) or value <= 0 or isinstance(temperature, bool):
        raise ValueError(f"`temperature` must be a positive number. Received: temperature={temperature!r}")
    return value


def fit_temperature(loss_at, bounds=(MIN_TEMPERATURE, MAX_TEMPERATURE)):
    """The temperature in `bounds` that minimizes `loss_at(T)`, by golden-section search over `log T`.

    The search assumes one minimum in the range (true of the NLL of scaled logits); in case
    it is not, a result whose loss is above the loss at `T = 1` is replaced by 1, so fitting
    never makes the loss worse.

    Args:
        loss_at: a function of a temperature (a float) returning a float to minimize.
        bounds: the lowest and highest temperature considered.

    Returns:
        The fitted temperature, a float.

    Example:

    >>> from kerastl.tasks.calibration import fit_temperature
    >>> round(fit_temperature(lambda t: (t - 2.5) ** 2), 2)
    2.5
    """
    low, high = math.log(bounds[0]), math.log(bounds[1])
    inner_low, inner_high = high - _GOLDEN * (high - low), low + _GOLDEN * (high - low)
    loss_low, loss_high = loss_at(math.exp(inner_low)), loss_at(math.exp(inner_high))
    while high - low > _LOG_TOLERANCE:
        if loss_low <= loss_high:
            high, inner_high, loss_high = inner_high, inner_low, loss_low
            inner_low = high - _GOLDEN * (high - low)
            loss_low = loss_at(math.exp(inner_low))
        else:
            low, inner_low, loss_low = inner_low, inner_high, loss_high
            inner_high = low + _GOLDEN * (high - low)
            loss_high = loss_at(math.exp(inner_high))
    best = math.exp((low + high) / 2.0)
    return best if loss_at(best) <= loss_at(1.0) else 1.0


def fit_softmax_temperature(logits, labels, bounds=(MIN_TEMPERATURE, MAX_TEMPERATURE)):
    """The temperature that minimizes the NLL of `softmax(logits / T)` on labeled examples.

    Args:
        logits: an array `(examples, classes)`.
        labels: the true class index of each example.
        bounds: the temperature range searched.

    Returns:
        The fitted temperature, a float.

    Example:

    >>> import numpy as np
    >>> from kerastl.tasks.calibration import fit_softmax_temperature
    >>> over_confident = np.array([[8.0, 0.0], [8.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    >>> fit_softmax_temperature(over_confident, [0, 0, 1, 1]) > 1  # half of the first class is wrong
    True
    """
    logits = np.asarray(logits, dtype=np.float64)
    return fit_temperature(lambda t: negative_log_likelihood(softmax_with_temperature(logits, t), labels), bounds)


def softmax_answers(logits, labels, temperature):
    """`(confidences, correct, nll)` of the most probable classes of `softmax(logits / temperature)`.

    The confidence of an answer is its top probability; it is correct when that class is the label.

    Example:

    >>> from kerastl.tasks.calibration import softmax_answers
    >>> confidences, correct, nll = softmax_answers([[0.0, 2.0], [1.0, 0.0]], [1, 1], 1.0)
    >>> correct.tolist()
    [True, False]
    """
    probabilities = softmax_with_temperature(logits, temperature)
    labels = np.asarray(labels)
    return probabilities.max(axis=-1), probabilities.argmax(axis=-1) == labels, \
        negative_log_likelihood(probabilities, labels)


def temperature_facts(temperature, before, after, num_bins=DEFAULT_BINS, **extra):
    """The JSON-ready summary a task's `calibrate` returns for a fitted temperature.

    Args:
        temperature: the fitted temperature.
        before, after: `(confidences, correct, nll)` at temperature 1 and at `temperature`:
            the confidence and rightness of each answer and the negative log-likelihood.
        num_bins: the bins of the calibration error and of the reliability diagram.
        **extra: more facts to add (e.g. how many answers were scored).

    Returns:
        A dict: `method` ("temperature"), `temperature`, `ece_before`, `ece_after`,
        `nll_before`, `nll_after`, `bins`, the `extra` facts, and `reliability`
        (`{"before": ..., "after": ...}`, each `kerastl.metrics.reliability_bins` output, what
        `kerastl.reporting.plot_reliability` draws).
    """
    (confidences_before, correct_before, nll_before), (confidences_after, correct_after, nll_after) = before, after
    return {
        "method": "temperature",
        "temperature": float(temperature),
        "ece_before": expected_calibration_error(confidences_before, correct_before, num_bins),
        "ece_after": expected_calibration_error(confidences_after, correct_after, num_bins),
        "nll_before": float(nll_before),
        "nll_after": float(nll_after),
        "bins": num_bins,
        **extra,
        "reliability": {"before": reliability_bins(confidences_before, correct_before, num_bins),
                        "after": reliability_bins(confidences_after, correct_after, num_bins)},
    }


def keep_if_it_helps(task, facts):
    """Keep the temperature `task.calibrate` just fitted only when it also lowers the expected
    calibration error; else put temperature 1 back. The fit minimizes the negative log-likelihood,
    which can fall while the error users read (ECE) rises a little: a calibration that makes
    scores less reliable by that measure is not kept.

    Args:
        task: the task whose `temperature` was just set to `facts["temperature"]`.
        facts: `temperature_facts` of that fit.

    Returns:
        `facts` with `kept` (bool), and when not kept `fitted_temperature` and `temperature` 1.
    """
    if facts.get("ece_after") is None or facts["ece_after"] <= facts["ece_before"]:
        return {**facts, "kept": True}
    task.temperature = 1.0
    return {**facts, "kept": False, "fitted_temperature": facts["temperature"], "temperature": 1.0,
            "why": "the fitted temperature lowered the NLL but raised the expected calibration error, so the "
                   "model's own scores (temperature 1) were kept"}
