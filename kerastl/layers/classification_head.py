"""`ClassificationHead`: dropout and a dense projection to class logits."""

import keras


@keras.saving.register_keras_serializable(package="kerastl")
class ClassificationHead(keras.layers.Layer):
    """Map a feature vector (or every token's state) to class logits.

    Works on the last axis, so it serves a pooled vector `(batch, hidden)` for sentence
    classification as well as token states `(batch, length, hidden)` for token tagging.

    Args:
        num_classes: the number of classes.
        dropout: dropout rate applied to the features before each projection.
        hidden_dim: when set, a tanh projection of this width comes before the output layer.

    Example:

    >>> import numpy as np
    >>> from kerastl.layers import ClassificationHead
    >>> head = ClassificationHead(num_classes=3)
    >>> head(np.zeros((2, 8), "float32")).shape
    (2, 3)
    """

    def __init__(self, num_classes, dropout=0.1, hidden_dim=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"`num_classes` must be a positive integer. Received: num_classes={num_classes!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")

        # === Layers ===
        self.dropout_layer = keras.layers.Dropout(dropout, dtype=self.dtype_policy)
        self.hidden_layer = (
            keras.layers.Dense(hidden_dim, activation="tanh", dtype=self.dtype_policy, name="hidden")
            if hidden_dim
            else None
        )
        self.output_layer = keras.layers.Dense(num_classes, dtype=self.dtype_policy, name="logits")

        # === Config ===
        self.num_classes = num_classes
        self.dropout = dropout
        self.hidden_dim = hidden_dim

    def build(self, input_shape):
        width = input_shape[-1]
        if self.hidden_layer is not None:
            self.hidden_layer.build(input_shape)
            width = self.hidden_dim
        self.output_layer.build(tuple(input_shape[:-1]) + (width,))
        self.built = True

    def call(self, features, training=None):
        x = self.dropout_layer(features, training=training)
        if self.hidden_layer is not None:
            x = self.dropout_layer(self.hidden_layer(x), training=training)
        return self.output_layer(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.num_classes,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_classes": self.num_classes, "dropout": self.dropout, "hidden_dim": self.hidden_dim})
        return config
