"""`token_windows`: a stream of documents, tokenized and packed end to end into fixed-length windows.

Everything runs in `tf.data`: documents come from a Python generator, go through the tokenizer
in batches, and a `scan` cuts the joined token stream into windows, carrying the tokens left
over to the next batch. Memory holds one batch of documents and one window's remainder, however
large the corpus is.
"""

import tensorflow as tf

from kerastl.preprocessing import SpecialTokens
from kerastl.preprocessing.text_tokenization import pack_token_ids

#: Documents longer than this many tokens are cut (the window packing needs no more).
LONGEST_DOCUMENT = 100_000
#: Documents that go through the tokenizer at a time.
DOCUMENTS_PER_BATCH = 256
#: A token id no tokenizer gives: marks the end of a finite stream, so the last partial
#: window is emitted (padded) instead of dropped.
_END_OF_STREAM = -1


def token_windows(documents, tokenizer, window_length, repeat=False):
    """Tokenize documents as `[start] text [end]` each, join them and cut into windows.

    A window is full of real tokens; it may span the end of one document and the start of the
    next (each marked by the tokenizer's start and end ids). Repeated streams run on forever,
    and the tokens at the end of one pass continue into the next. A finite stream ends with the
    leftover tokens as one last window, padded with the tokenizer's pad id.

    Args:
        documents: a function returning a fresh iterator of strings (each call starts over).
        tokenizer: a keras-hub tokenizer.
        window_length: tokens per window.
        repeat: go over the documents again and again.

    Returns:
        A `tf.data.Dataset` of `(window, length)`: an int32 `(window_length,)` tensor and the
        int32 count of its real (not padding) tokens.

    Example:

    >>> from kerastl.pretrain.token_windows import token_windows
    >>> windows = token_windows(lambda: iter(["a film", "a book"]), tokenizer, 8)  # doctest: +SKIP
    """
    special = SpecialTokens.of(tokenizer)
    tokens = document_tokens(documents, tokenizer, repeat=repeat)
    if not repeat:
        tokens = tokens.concatenate(tf.data.Dataset.from_tensors(tf.constant([_END_OF_STREAM], tf.int32)))

    def pack(carry, new_tokens):
        at_end = tf.logical_and(tf.equal(tf.size(new_tokens), 1), tf.equal(new_tokens[0], _END_OF_STREAM))
        joined = tf.concat([carry, tf.cond(at_end, lambda: new_tokens[:0], lambda: new_tokens)], axis=0)
        full = tf.size(joined) // window_length
        windows = tf.reshape(joined[: full * window_length], [full, window_length])
        lengths = tf.fill([full], tf.constant(window_length, tf.int32))
        rest = joined[full * window_length:]
        if repeat:
            return rest, (windows, lengths)
        flush = tf.logical_and(at_end, tf.size(rest) > 0)
        last = tf.pad(rest, [[0, window_length - tf.size(rest)]], constant_values=special.pad)[None, :]
        windows = tf.cond(flush, lambda: tf.concat([windows, last], 0), lambda: windows)
        lengths = tf.cond(flush, lambda: tf.concat([lengths, tf.size(rest, out_type=tf.int32)[None]], 0),
                          lambda: lengths)
        return tf.cond(at_end, lambda: rest[:0], lambda: rest), (windows, lengths)

    return tokens.scan(tf.zeros([0], tf.int32), pack).unbatch()


def document_tokens(documents, tokenizer, repeat=False):
    """A `tf.data.Dataset` of 1-D int32 tensors: the tokens of each batch of documents, each
    document between the tokenizer's start and end ids, joined end to end."""
    special = SpecialTokens.of(tokenizer)
    texts = tf.data.Dataset.from_generator(documents, output_signature=tf.TensorSpec((), tf.string))
    if repeat:
        texts = texts.repeat()

    def tokenize(batch):
        return pack_token_ids(tokenizer(batch), special, LONGEST_DOCUMENT).flat_values

    return texts.batch(DOCUMENTS_PER_BATCH).map(tokenize, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)


def count_tokens(documents, tokenizer):
    """How many tokens `token_windows` makes of one pass over `documents` (start and end ids included)."""
    sizes = document_tokens(documents, tokenizer).map(lambda tokens: tf.size(tokens, out_type=tf.int64))
    return int(sizes.reduce(tf.constant(0, tf.int64), lambda total, size: total + size))
