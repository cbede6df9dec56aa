"""`StepConstantsAdamW` makes Keras AdamW's updates with a smaller traced step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerastl.training.optimizer import StepConstantsAdamW, warmup_cosine_adamw


def model_and_gradients(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5), keras.layers.LayerNormalization(),
                              keras.layers.Dense(3)])
    rng = np.random.default_rng(seed)
    gradients = [[rng.normal(size=v.shape).astype("float32") for v in model.trainable_variables] for _ in range(6)]
    return model, gradients


def trained_weights(optimizer, steps_in_graph):
    model, gradients = model_and_gradients()
    optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    optimizer.build(model.trainable_variables)

    def apply(step_gradients):
        optimizer.apply_gradients(zip(step_gradients, model.trainable_variables))

    step = tf.function(apply) if steps_in_graph else apply
    for step_gradients in gradients:
        step([tf.constant(g) for g in step_gradients])
    return [np.array(v) for v in model.trainable_variables], optimizer


def options(accumulate):
    schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=4, warmup_target=0.01, warmup_steps=2)
    return dict(learning_rate=schedule, weight_decay=0.1, global_clipnorm=1.0,
                gradient_accumulation_steps=2 if accumulate else None)


@pytest.mark.parametrize("steps_in_graph", [True, False])
@pytest.mark.parametrize("accumulate", [False, True])
def test_the_same_updates_as_keras_adamw(steps_in_graph, accumulate):
    ours, _ = trained_weights(StepConstantsAdamW(**options(accumulate)), steps_in_graph)
    keras_adamw, _ = trained_weights(keras.optimizers.AdamW(**options(accumulate)), steps_in_graph)
    initial, _ = model_and_gradients()
    for a, b, start in zip(ours, keras_adamw, initial.trainable_variables):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # one fused kernel rounds differently
        assert not np.allclose(a, np.array(start))  # the updates moved the weights


def test_a_traced_step_has_fewer_operations():
    def operations(optimizer):
        model, gradients = model_and_gradients()
        optimizer.build(model.trainable_variables)
        step = tf.function(lambda g: optimizer.apply_gradients(zip(g, model.trainable_variables)))
        graph = step.get_concrete_function([tf.constant(g) for g in gradients[0]]).graph
        return len(graph.get_operations())

    ours = operations(StepConstantsAdamW(**options(False)))
    assert ours < 0.8 * operations(keras.optimizers.AdamW(**options(False)))


def test_kerastl_fine_tunes_with_it():
    optimizer = warmup_cosine_adamw(5e-5, total_steps=100)
    assert isinstance(optimizer, StepConstantsAdamW)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert isinstance(restored, StepConstantsAdamW)


def test_gradients_are_clipped_by_their_global_norm():
    """Two gradients of norms 3 and 4 (global norm 5) are both scaled by 1/5, as BERT and the
    Transformers `Trainer` clip; clipping each on its own would leave the first at norm 1 and the
    second at norm 1 too."""
    first, second = keras.Variable(np.zeros(1, "float32")), keras.Variable(np.zeros(1, "float32"))
    optimizer = warmup_cosine_adamw(1e-3, total_steps=10, warmup_ratio=0.0, weight_decay=0.0)
    optimizer.apply_gradients([(tf.constant([3.0]), first), (tf.constant([4.0]), second)])
    moments = [np.array(optimizer._momentums[optimizer._get_variable_index(v)]) for v in (first, second)]
    np.testing.assert_allclose(np.concatenate(moments), (1 - optimizer.beta_1) * np.array([3.0, 4.0]) / 5, rtol=1e-6)
