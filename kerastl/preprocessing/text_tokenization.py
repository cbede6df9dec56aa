"""Tokenize many strings at once into packed, truncated, unpadded id sequences."""

import tensorflow as tf

from kerastl.preprocessing.special_tokens import SpecialTokens


def tokenize_texts(tokenizer, texts, max_length, chunk_size=4096):
    """Tokenize `texts` once, add start/end ids and truncate to `max_length`.

    Padding is left to batching, so every batch is padded only to its own longest example.

    Args:
        tokenizer: a keras-hub tokenizer.
        texts: a list of strings.
        max_length: the longest packed sequence, special ids included.
        chunk_size: how many strings go through the tokenizer at a time.

    Returns:
        A `tf.RaggedTensor` of int32 ids with shape `(len(texts), None)`.

    Example:

    >>> from kerastl.preprocessing import tokenize_texts
    >>> ids = tokenize_texts(tokenizer, ["a fine film"], max_length=64)  # doctest: +SKIP
    """
    special = SpecialTokens.of(tokenizer)

    # In graph mode the tokenizer returns ragged tensors (eagerly it would build Python lists).
    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def tokenize_chunk(chunk):
        return pack_token_ids(tokenizer(chunk), special, max_length)

    pieces = [tokenize_chunk(tf.constant(texts[i : i + chunk_size])) for i in range(0, len(texts), chunk_size)]
    if not pieces:
        return tf.ragged.constant([], dtype=tf.int32, ragged_rank=1)
    return tf.concat(pieces, axis=0) if len(pieces) > 1 else pieces[0]


def pack_token_ids(token_ids, special, max_length):
    """Truncate ragged `token_ids` to leave room for the special ids, then add them."""
    token_ids = tf.cast(token_ids, tf.int32)
    if not isinstance(token_ids, tf.RaggedTensor):
        token_ids = tf.RaggedTensor.from_tensor(token_ids)
    body = token_ids[:, : max_length - special.count]
    rows = body.nrows()
    columns = []
    if special.start is not None:
        columns.append(tf.RaggedTensor.from_tensor(tf.fill([rows, 1], special.start)))
    columns.append(body)
    if special.end is not None:
        columns.append(tf.RaggedTensor.from_tensor(tf.fill([rows, 1], special.end)))
    return tf.concat(columns, axis=1) if len(columns) > 1 else body
