"""Padding of ragged model inputs: one implementation for `predict`, training batches and the export."""

import tensorflow as tf

from kerastl.preprocessing.length_grouped_batches import bucket_length


def padded_inputs(token_ids, pad_id, length=None):
    """Pad ragged, packed `token_ids` into `{"token_ids", "padding_mask"}` (to the longest row,
    or to `length` positions when given).

    Runs eagerly (`Task.run_model`) and inside an exported graph (`kerastl.export`) alike.

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.preprocessing.padding import padded_inputs
    >>> inputs = padded_inputs(tf.ragged.constant([[2, 7, 3], [2, 3]]), pad_id=0)
    >>> inputs["token_ids"].numpy().tolist(), inputs["padding_mask"].numpy().tolist()
    ([[2, 7, 3], [2, 3, 0]], [[True, True, True], [True, True, False]])
    """
    dense = token_ids.to_tensor(default_value=pad_id, shape=None if length is None else [None, length])
    return {"token_ids": dense, "padding_mask": tf.sequence_mask(token_ids.row_lengths(), maxlen=tf.shape(dense)[1])}


def padded_batch(features, pad_id, length_multiple=None, longest=None):
    """Pad a batch of ragged features to its longest row; add the `padding_mask` of `token_ids`.

    Features other than `token_ids` are padded with 0 (ragged) or kept (dense). With
    `length_multiple`, the length is rounded up as `bucket_length` rounds it (never past
    `longest`): JAX compiles once per shape (`kerastl.preprocessing.length_grouped_batches`).
    """
    length = None
    if length_multiple:
        length = bucket_length(int(features["token_ids"].bounding_shape()[1]), length_multiple, longest)
    batch = padded_inputs(features["token_ids"], pad_id, length)
    for name, value in features.items():
        if name != "token_ids":
            shape = None if length is None else [None, length]
            batch[name] = value.to_tensor(shape=shape) if isinstance(value, tf.RaggedTensor) else value
    return batch


def packed_inputs(tokenizer, texts, max_length, length=None):
    """Tokenize a `tf.string` batch in TensorFlow ops and pack it as the tasks do (the family's start and
    end ids, truncation to `max_length`) into `{"token_ids", "padding_mask"}`, padded to the longest
    text or to `length`: what the export's graph and `kerastl.layers.TextPreprocessor` both run."""
    from kerastl.preprocessing.special_tokens import SpecialTokens
    from kerastl.preprocessing.text_tokenization import pack_token_ids

    special = SpecialTokens.of(tokenizer)
    return padded_inputs(pack_token_ids(tokenizer(texts), special, max_length), special.pad, length)
