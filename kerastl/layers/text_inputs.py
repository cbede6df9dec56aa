"""`text_inputs`: the Keras inputs a `BackboneEncoder` reads."""

import keras


def text_inputs(prefix=""):
    """Return `{"token_ids", "padding_mask"}` Keras inputs of any batch size and length.

    Args:
        prefix: put before the input names, for models that read several texts
            (`prefix="first_"` gives `first_token_ids` and `first_padding_mask`).

    Example:

    >>> from kerastl.layers import text_inputs
    >>> sorted(text_inputs())
    ['padding_mask', 'token_ids']
    """
    return {
        "token_ids": keras.Input(shape=(None,), dtype="int32", name=f"{prefix}token_ids"),
        "padding_mask": keras.Input(shape=(None,), dtype="bool", name=f"{prefix}padding_mask"),
    }
