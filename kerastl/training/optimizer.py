"""`warmup_cosine_adamw`: the optimizer kerastl fine-tunes and pretrains with."""

import keras
import tensorflow as tf
from keras import ops

#: Variables AdamW does not decay: biases and normalization scales and offsets.
NO_DECAY = ("bias", "gamma", "beta", "layer_norm")


def warmup_cosine_adamw(learning_rate, total_steps, *, warmup_ratio=0.1, weight_decay=0.01, final_fraction=0.0,
                        no_decay=NO_DECAY, accumulate_steps=1):
    """AdamW with a linear warmup to `learning_rate`, then cosine decay, gradients clipped to a global
    norm of 1 (all gradients together, as BERT and the Transformers `Trainer` clip them).

    Args:
        learning_rate: the peak learning rate, reached at the end of the warmup.
        total_steps: the training batches of the whole run.
        warmup_ratio: the fraction of `total_steps` spent warming up (0: start at the peak).
        weight_decay: AdamW's decoupled weight decay.
        final_fraction: the learning rate at the last step, as a fraction of the peak.
        no_decay: names of variables left out of the weight decay.
        accumulate_steps: apply an update every this many batches, with their mean gradient
            (Keras' gradient accumulation): the effective batch is this many batches, at the
            memory of one. The schedule counts updates, `total_steps // accumulate_steps`.

    Returns:
        A `keras.optimizers.AdamW` (on TensorFlow its faster `StepConstantsAdamW`).

    Example:

    >>> from kerastl.training.optimizer import warmup_cosine_adamw
    >>> optimizer = warmup_cosine_adamw(5e-5, total_steps=1000)
    >>> round(float(optimizer.learning_rate), 12)  # step 0 of the warmup
    0.0
    """
    total_steps = max(total_steps // accumulate_steps, 1)
    warmup = int(warmup_ratio * total_steps)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0 if warmup else learning_rate,
        decay_steps=max(total_steps - warmup, 1),
        alpha=final_fraction,
        warmup_target=learning_rate if warmup else None,
        warmup_steps=warmup,
    )
    # TensorFlow gets the fused kernels of `StepConstantsAdamW`; JAX and PyTorch Keras' own AdamW (same updates).
    adamw = StepConstantsAdamW if keras.backend.backend() == "tensorflow" else keras.optimizers.AdamW
    optimizer = adamw(learning_rate=schedule, weight_decay=weight_decay, global_clipnorm=1.0,
                      gradient_accumulation_steps=accumulate_steps if accumulate_steps > 1 else None)
    optimizer.exclude_from_weight_decay(var_names=list(no_decay))
    return optimizer


@keras.saving.register_keras_serializable(package="kerastl")
class StepConstantsAdamW(keras.optimizers.AdamW):
    """Keras' AdamW, with the learning rate and Adam's bias correction computed once per step.

    Keras computes both again inside every variable's update (the weight decay runs the whole
    learning-rate schedule once per variable), so a model of ~100 variables adds thousands of
    graph operations that TensorFlow must trace and optimize before the first step can run. The
    updates are the same numbers; only the graph is smaller.
    """

    _step_learning_rate = None
    _step_adam_constants = None
    _step_decay = None

    def _get_current_learning_rate(self):
        if self._step_learning_rate is not None:
            return self._step_learning_rate
        return super()._get_current_learning_rate()

    def _backend_apply_gradients(self, grads, trainable_variables):
        learning_rate = ops.cast(super()._get_current_learning_rate(), "float32")
        step = ops.cast(self.iterations + 1, "float32")
        self._step_learning_rate = learning_rate
        self._step_adam_constants = {
            "beta1_power": ops.power(float(self.beta_1), step), "beta2_power": ops.power(float(self.beta_2), step),
            "lr": learning_rate, "beta1": ops.convert_to_tensor(self.beta_1, "float32"),
            "beta2": ops.convert_to_tensor(self.beta_2, "float32"),
            "epsilon": ops.convert_to_tensor(self.epsilon, "float32"),
        }
        self._step_decay = learning_rate * float(self.weight_decay or 0.0)
        try:
            super()._backend_apply_gradients(grads, trainable_variables)
        finally:
            self._step_learning_rate = self._step_adam_constants = self._step_decay = None

    def _apply_weight_decay(self, variables):
        if self._step_adam_constants is None or self.amsgrad:
            super()._apply_weight_decay(variables)
        # else each variable decays in `update_step`, just before its Adam update (which reads the
        # gradient and the moments, not the variable: the order does not change the result)

    def update_step(self, gradient, variable, learning_rate):
        """AdamW's update of one variable as two fused TensorFlow kernels: the decoupled weight
        decay, then Adam (`ResourceApplyAdam`, the same formula as Keras' Adam), with this step's
        learning rate and bias-correction powers computed once for all variables."""
        if self._step_adam_constants is None or self.amsgrad:
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        constants = {name: ops.cast(value, dtype) for name, value in self._step_adam_constants.items()}
        index = self._get_variable_index(variable)
        if self.weight_decay and self._use_weight_decay(variable):  # variable -= lr * weight_decay * variable
            tf.raw_ops.ResourceApplyGradientDescent(var=_handle(variable), alpha=ops.cast(self._step_decay, dtype),
                                                    delta=tf.convert_to_tensor(variable))
        tf.raw_ops.ResourceApplyAdam(var=_handle(variable), m=_handle(self._momentums[index]),
                                     v=_handle(self._velocities[index]),
                                     grad=ops.cast(tf.convert_to_tensor(gradient), dtype), **constants)


def _handle(variable):
    """The TensorFlow resource handle of a Keras or TensorFlow variable (this device's copy inside a
    distribution strategy's update)."""
    return (variable.value if isinstance(variable, keras.Variable) else variable).handle
