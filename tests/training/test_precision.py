"""Precisions: Keras' mixed bfloat16, oneDNN's bfloat16 matrix products, and "auto"."""

import numpy as np
import pytest
import tensorflow as tf

from kerastl.training import precision
from kerastl.training.precision import ONEDNN_BFLOAT16_REWRITE, keras_dtype_policy, precision_scope, resolve_precision
from kerastl.tasks import SentimentTask

REVIEWS = [("a wonderful film", "positive"), ("an awful film", "negative"), ("great music", "positive"),
           ("dull music", "negative"), ("the best movie i have seen this year", "positive"),
           ("the worst movie i have seen this year", "negative")]


def rewrite_option():
    return tf.config.optimizer.get_experimental_options().get(ONEDNN_BFLOAT16_REWRITE, False)


@pytest.mark.parametrize("has_bfloat16, expected", [(True, "mixed_bfloat16"), (False, "float32")])
def test_auto_takes_bfloat16_only_on_cpus_with_bfloat16(monkeypatch, has_bfloat16, expected):
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda: has_bfloat16)
    assert resolve_precision("auto") == keras_dtype_policy("auto") == expected
    assert resolve_precision("onednn_bfloat16") == "onednn_bfloat16"
    assert keras_dtype_policy("onednn_bfloat16") == "float32", "the rewrite leaves the model float32"


def test_the_scope_turns_the_rewrite_on_only_inside_and_only_for_onednn():
    assert not rewrite_option()
    with precision_scope("mixed_bfloat16"):
        assert not rewrite_option()
    with precision_scope("onednn_bfloat16"):
        assert rewrite_option()
        with precision_scope("onednn_bfloat16"):
            assert rewrite_option()
        assert rewrite_option(), "a nested block leaves the outer block's setting"
    assert not rewrite_option()


def test_the_scope_sets_the_option_back_after_an_error():
    with pytest.raises(RuntimeError):
        with precision_scope("onednn_bfloat16"):
            raise RuntimeError("stop")
    assert not rewrite_option()


@pytest.mark.skipif(not precision.cpu_has_bfloat16(), reason="the oneDNN rewrite needs bfloat16 instructions")
def test_onednn_bfloat16_keeps_a_float32_model_and_predicts_close_to_float32(tiny_backbone):
    tasks = {}
    for name in ("float32", "onednn_bfloat16"):
        task = SentimentTask(str(tiny_backbone), max_length=16, precision=name)
        task.fit(REVIEWS, epochs=1, batch_size=2, verbose=0)
        tasks[name] = task
    assert not rewrite_option(), "fit sets the option back"
    model = tasks["onednn_bfloat16"].model
    assert {weight.dtype for weight in model.weights} == {"float32"}
    assert model.dtype_policy.name == "float32"
    records = tasks["float32"].read(REVIEWS)
    float32 = np.stack(tasks["float32"].predict_outputs(records))
    bfloat16 = np.stack(tasks["onednn_bfloat16"].predict_outputs(records))
    # The same seed trains the same way up to bfloat16 rounding of the matrix products: close, not equal.
    np.testing.assert_allclose(bfloat16, float32, atol=0.05)
    assert not np.array_equal(bfloat16, float32), "the matrix products ran in bfloat16"
    assert not rewrite_option(), "predict sets the option back"
