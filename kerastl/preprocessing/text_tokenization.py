"""Tokenize many strings at once into packed, truncated, unpadded id sequences."""

import weakref

import keras
import tensorflow as tf

from kerastl.preprocessing.special_tokens import SpecialTokens

#: Inputs at least this large show a progress bar with counts while they are tokenized.
PROGRESS_BAR_MINIMUM = 50_000

# One traced tokenizing function per tokenizer and packing, so repeated calls do not retrace.
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

    def build():
        special = SpecialTokens.of(tokenizer)

        # In graph mode the tokenizer returns ragged tensors (eagerly it would build Python lists).
        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)], autograph=False)
        def tokenize_chunk(chunk):
            return pack_token_ids(tokenizer(chunk), special, max_length)

        return tokenize_chunk

    tokenize_chunk = traced_for_tokenizer(tokenizer, ("texts", max_length), build)
    return run_in_chunks(tokenize_chunk, [texts], chunk_size, progress)


def traced_for_tokenizer(tokenizer, key, build):
    """The function `build()` returns, made once per `(tokenizer, key)` and kept while the tokenizer lives."""
    functions = _TOKENIZE_FUNCTIONS.setdefault(tokenizer, {})
    if key not in functions:
        functions[key] = build()
    return functions[key]


def run_in_chunks(tokenize_chunk, columns, chunk_size=4096, progress=None):
    """Call `tokenize_chunk` on aligned slices of the string lists `columns`; concatenate its results.

    Args:
        tokenize_chunk: takes one `tf.string` tensor per column, returns a ragged tensor or a
            dict (or tuple) of them, one row per string.
        columns: lists of strings of equal length (one for single texts, two for pairs).
        chunk_size: how many rows go through `tokenize_chunk` at a time.
        progress: show a progress bar with counts; None shows one for large inputs only.

    Returns:
        What `tokenize_chunk` returns, for all rows (empty int32 ragged tensors for no rows).
    """
    count = len(columns[0])
    show_progress = count >= PROGRESS_BAR_MINIMUM if progress is None else progress
    bar = keras.utils.Progbar(count, unit_name="text") if show_progress else None
    pieces = []
    for start in range(0, count, chunk_size):
        pieces.append(tokenize_chunk(*(tf.constant(column[start : start + chunk_size]) for column in columns)))
        if bar is not None:
            bar.update(min(start + chunk_size, count))
    if not pieces:
        empty = tokenize_chunk(*(tf.constant([], tf.string) for _ in columns))
        return tf.nest.map_structure(lambda value: tf.cast(value, tf.int32), empty)
    if len(pieces) == 1:
        return pieces[0]
    return tf.nest.map_structure(lambda *parts: tf.concat(parts, axis=0), *pieces)


def pack_token_ids(token_ids, special, max_length):
    """Truncate ragged `token_ids` to leave room for the special ids, then add them."""
    token_ids = as_ragged_ids(token_ids)
    body = token_ids[:, : max_length - special.count]
    rows = body.nrows()
    columns = []
    if special.start is not None:
        columns.append(constant_columns(rows, [special.start]))
    columns.append(body)
    if special.end is not None:
        columns.append(constant_columns(rows, [special.end]))
    return tf.concat(columns, axis=1) if len(columns) > 1 else body


def as_ragged_ids(token_ids):
    """`token_ids` (a tokenizer's output) as an int32 `tf.RaggedTensor` with int64 row splits."""
    token_ids = tf.cast(token_ids, tf.int32)
    if not isinstance(token_ids, tf.RaggedTensor):
        token_ids = tf.RaggedTensor.from_tensor(token_ids)
    return token_ids.with_row_splits_dtype(tf.int64)  # `align_words` gives int32 splits, the columns int64


def constant_columns(rows, ids):
    """A ragged `(rows, len(ids))` int32 tensor whose every row is `ids`."""
    return tf.RaggedTensor.from_tensor(tf.tile(tf.constant([ids], tf.int32), [rows, 1]))
