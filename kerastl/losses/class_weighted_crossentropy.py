"""`ClassWeightedCrossentropy`: sparse cross-entropy whose every target counts by its class's weight."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerastl")
class ClassWeightedCrossentropy(keras.losses.Loss):
    """Cross-entropy from logits, each target's term multiplied by the weight of its class.

    The mean runs over the targets that count (not `ignore_class`), as Keras'
    `Model.fit(class_weight=...)` averages weighted per-example losses; it works for one
    target per example (classification) and one per token (NER).

    Args:
        class_weights: one positive weight per class, in class-id order.
        ignore_class: a target value that does not count (padding, non-first sub-tokens).

    Example:

    >>> import numpy as np
    >>> from kerastl.losses import ClassWeightedCrossentropy
    >>> loss = ClassWeightedCrossentropy([1.0, 3.0])
    >>> round(float(loss(np.array([1]), np.array([[0.0, 0.0]]))), 4)  # 3 * ln 2
    2.0794
    """

    def __init__(self, class_weights, ignore_class=None, name="class_weighted_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.class_weights = [float(weight) for weight in class_weights]
        self.ignore_class = ignore_class

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "int32")
        counts = ops.ones_like(y_true, dtype="float32")
        if self.ignore_class is not None:
            counts = ops.cast(ops.not_equal(y_true, self.ignore_class), "float32")
            y_true = ops.where(ops.equal(y_true, self.ignore_class), 0, y_true)
        log_probs = ops.log_softmax(ops.cast(y_pred, "float32"), axis=-1)
        nll = -ops.squeeze(ops.take_along_axis(log_probs, ops.expand_dims(y_true, -1), axis=-1), -1)
        weights = ops.take(ops.convert_to_tensor(self.class_weights, "float32"), y_true) * counts
        return ops.sum(nll * weights) / ops.maximum(ops.sum(counts), 1.0)

    def get_config(self):
        config = super().get_config()
        config.update({"class_weights": self.class_weights, "ignore_class": self.ignore_class})
        return config
