"""`SmoothedTokenCrossentropy`: label-smoothed token cross-entropy that ignores padding."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerastl")
class SmoothedTokenCrossentropy(keras.losses.Loss):
    """Label-smoothed cross-entropy per target token, averaged over the non-padding tokens.

    Args:
        smoothing: the share of probability spread evenly over the vocabulary.
        pad_id: the label of padding positions, which do not count.
    """

    def __init__(self, smoothing=0.1, pad_id=0, name="smoothed_token_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.smoothing = smoothing
        self.pad_id = pad_id

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "int32")
        log_probs = ops.log_softmax(ops.cast(y_pred, "float32"), axis=-1)
        nll = -ops.squeeze(ops.take_along_axis(log_probs, ops.expand_dims(y_true, -1), axis=-1), -1)
        uniform = -ops.mean(log_probs, axis=-1)
        losses = (1.0 - self.smoothing) * nll + self.smoothing * uniform
        mask = ops.cast(ops.not_equal(y_true, self.pad_id), "float32")
        return ops.sum(losses * mask) / ops.maximum(ops.sum(mask), 1.0)

    def get_config(self):
        config = super().get_config()
        config.update({"smoothing": self.smoothing, "pad_id": self.pad_id})
        return config
