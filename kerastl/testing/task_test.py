"""`run_task_test`: the round trips every task, built in or plugin, must pass."""

from pathlib import Path

import numpy as np


def run_task_test(task_class, backbone, train, inputs, tmp_path, task_options=None, epochs=1, batch_size=4,
                  evaluate_on=None):
    """Check a task end to end: fit, evaluate, predict, save, load, predict the same.

    Args:
        task_class: the task class under test.
        backbone: a backbone folder (for example from `make_tiny_backbone`).
        train: training examples in any form the task reads.
        inputs: inputs for `predict`.
        tmp_path: a folder the saved model may be written to.
        task_options: extra constructor arguments.
        epochs, batch_size: for `fit`.
        evaluate_on: labeled data for `evaluate` (default: `train`).

    Returns:
        `(task, metrics, predictions)` for further assertions.
    """
    from kerastl import load

    task = task_class(backbone=str(backbone), **(task_options or {}))
    history = task.fit(train, epochs=epochs, batch_size=batch_size, verbose=0)
    losses = history.history["loss"]
    assert all(np.isfinite(losses)), f"training loss is not finite: {losses}"
    metrics = task.evaluate(evaluate_on if evaluate_on is not None else train)
    assert isinstance(metrics, dict) and metrics, "evaluate() must return a non-empty dict of metrics"
    predictions = task.predict(inputs)
    assert len(predictions) == len(inputs), "predict() must return one prediction per input"
    for prediction in predictions:
        assert isinstance(prediction.to_dict(), dict), "predictions need a to_dict() method"
    saved = Path(tmp_path) / f"{task_class.__name__}-saved"
    task.save(saved)
    reloaded = load(saved)
    assert type(reloaded) is type(task), f"load() gave a {type(reloaded).__name__}, not a {type(task).__name__}"
    assert reloaded.get_config() == task.get_config(), "the reloaded task's config differs"
    again = reloaded.predict(inputs)
    assert_predictions_close(predictions, again)
    return task, metrics, predictions


def assert_predictions_close(expected, actual, tolerance=1e-4):
    """Assert two lists of predictions agree: equal values, floats within `tolerance`."""
    assert len(expected) == len(actual)
    for left, right in zip(expected, actual):
        _assert_close(left.to_dict(), right.to_dict(), tolerance, path="prediction")


def _assert_close(left, right, tolerance, path):
    if isinstance(left, dict):
        assert isinstance(right, dict) and left.keys() == right.keys(), f"{path}: keys differ"
        for key in left:
            _assert_close(left[key], right[key], tolerance, f"{path}.{key}")
    elif isinstance(left, (list, tuple)):
        assert len(left) == len(right), f"{path}: lengths differ"
        for i, (a, b) in enumerate(zip(left, right)):
            _assert_close(a, b, tolerance, f"{path}[{i}]")
    elif isinstance(left, float):
        assert abs(left - right) <= tolerance, f"{path}: {left} != {right}"
    else:
        assert left == right, f"{path}: {left!r} != {right!r}"
