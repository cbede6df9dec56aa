"""Padding of ragged model inputs: one implementation for `predict`, training batches and the export."""

import tensorflow as tf


def padded_inputs(token_ids, pad_id):
    """Pad ragged, packed `token_ids` into `{"token_ids", "padding_mask"}` (to the longest row).

    Runs eagerly (`Task.run_model`) and inside an exported graph (`kerastl.export`) alike.

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.preprocessing.padding import padded_inputs
    >>> inputs = padded_inputs(tf.ragged.constant([[2, 7, 3], [2, 3]]), pad_id=0)
    >>> inputs["token_ids"].numpy().tolist(), inputs["padding_mask"].numpy().tolist()
    ([[2, 7, 3], [2, 3, 0]], [[True, True, True], [True, True, False]])
    """
    dense = token_ids.to_tensor(default_value=pad_id)
    return {"token_ids": dense, "padding_mask": tf.sequence_mask(token_ids.row_lengths(), maxlen=tf.shape(dense)[1])}


def padded_batch(features, pad_id):
    """Pad a batch of ragged features to its longest row; add the `padding_mask` of `token_ids`.

    Features other than `token_ids` are padded with 0 (ragged) or kept (dense).
    """
    batch = padded_inputs(features["token_ids"], pad_id)
    for name, value in features.items():
        if name != "token_ids":
            batch[name] = value.to_tensor() if isinstance(value, tf.RaggedTensor) else value
    return batch
