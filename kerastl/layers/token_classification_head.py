"""`TokenClassificationHead`: class logits for every token state."""

import keras

from kerastl.layers.classification_head import ClassificationHead


@keras.saving.register_keras_serializable(package="kerastl")
class TokenClassificationHead(ClassificationHead):
    """Map every token's state `(batch, length, hidden)` to tag logits `(batch, length, classes)`.

    A `ClassificationHead` that insists on a sequence of token states, so a model that feeds it
    pooled vectors by mistake fails where it is built rather than training on the wrong thing.

    Args:
        num_classes: the number of tags.
        dropout: dropout rate applied to the token states before the projection.
        hidden_dim: when set, a tanh projection of this width comes before the output layer.

    Example:

    >>> import keras
    >>> from kerastl.layers import TokenClassificationHead
    >>> states = keras.Input((None, 8))
    >>> logits = TokenClassificationHead(num_classes=5)(states)
    >>> keras.Model(states, logits).output_shape
    (None, None, 5)
    """

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(
                "TokenClassificationHead takes token states of shape (batch, length, hidden). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        super().build(input_shape)
