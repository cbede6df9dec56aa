"""Tokenize many strings at once into packed, truncated, unpadded id sequences."""

import weakref

import keras
import tensorflow as tf

from kerastl.preprocessing.special_tokens import SpecialTokens

#: Inputs at least this large show a progress bar with counts while they are tokenized.
PROGRESS_BAR_MINIMUM = 50_000

# One traced tokenizing function per tokenizer and length, so repeated calls do not retrace.
_TOKENIZE_FUNCTIONS = weakref.WeakKeyDictionary()


def tokenize_texts(tokenizer, texts, max_length, chunk_size=4096, progress=None):
    """Tokenize `texts` once, add start/end ids and truncate to `max_length`.

    Padding is left to batching, so every batch is padded only to its own longest example.

    Args:
        tokenizer: a keras-hub tokenizer.
        texts: a list of strings.
        max_length: the longest packed sequence, special ids included.
        chunk_size: how many strings go through the tokenizer at a time.
        progress: show a progress bar with counts; None shows one for large inputs only.

    Returns:
        A `tf.RaggedTensor` of int32 ids with shape `(len(texts), None)`.

    Example:

    >>> from kerastl.preprocessing import tokenize_texts
    >>> ids = tokenize_texts(tokenizer, ["a fine film"], max_length=64)  # doctest: +SKIP
    """
    tokenize_chunk = _tokenize_function(tokenizer, max_length)
    show_progress = len(texts) >= PROGRESS_BAR_MINIMUM if progress is None else progress
    bar = keras.utils.Progbar(len(texts), unit_name="text") if show_progress else None
    pieces = []
    for start in range(0, len(texts), chunk_size):
        pieces.append(tokenize_chunk(tf.constant(texts[start : start + chunk_size])))
        if bar is not None:
            bar.update(min(start + chunk_size, len(texts)))
    if not pieces:
        return tf.ragged.constant([], dtype=tf.int32, ragged_rank=1)
    return tf.concat(pieces, axis=0) if len(pieces) > 1 else pieces[0]


def _tokenize_function(tokenizer, max_length):
    functions = _TOKENIZE_FUNCTIONS.setdefault(tokenizer, {})
    if max_length not in functions:
        special = SpecialTokens.of(tokenizer)

        # In graph mode the tokenizer returns ragged tensors (eagerly it would build Python lists).
        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def tokenize_chunk(chunk):
            return pack_token_ids(tokenizer(chunk), special, max_length)

        functions[max_length] = tokenize_chunk
    return functions[max_length]


def pack_token_ids(token_ids, special, max_length):
    """Truncate ragged `token_ids` to leave room for the special ids, then add them."""
    token_ids = tf.cast(token_ids, tf.int32)
    if not isinstance(token_ids, tf.RaggedTensor):
        token_ids = tf.RaggedTensor.from_tensor(token_ids)
    token_ids = token_ids.with_row_splits_dtype(tf.int64)  # `align_words` gives int32 splits, the columns int64
    body = token_ids[:, : max_length - special.count]
    rows = body.nrows()
    columns = []
    if special.start is not None:
        columns.append(tf.RaggedTensor.from_tensor(tf.fill([rows, 1], special.start)))
    columns.append(body)
    if special.end is not None:
        columns.append(tf.RaggedTensor.from_tensor(tf.fill([rows, 1], special.end)))
    return tf.concat(columns, axis=1) if len(columns) > 1 else body
