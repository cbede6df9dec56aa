"""Tokenize a batch of raw strings inside a TensorFlow graph into padded model inputs."""

import tensorflow as tf

from kerastl.preprocessing.padding import packed_inputs, padded_inputs
from kerastl.preprocessing.pair_packing import pack_token_id_pairs
from kerastl.preprocessing.special_tokens import SpecialTokens

#: The longest text an export takes (100,000 bytes: a document of about 15,000 words). The work per
#: text grows with its length (NER tags every window of a text); a longer one fails the call with an
#: `InvalidArgumentError` that names the limit instead of taking gigabytes.
MAX_SERVED_TEXT_BYTES = 100_000


def bounded_texts(texts, max_bytes=MAX_SERVED_TEXT_BYTES):
    """`texts` (a `tf.string` batch), once every text is checked to be at most `max_bytes` long."""
    check = tf.debugging.assert_less_equal(
        tf.strings.length(texts), tf.constant(max_bytes, tf.int32),
        message=f"kerastl export: a text is longer than {max_bytes} bytes, the most one call takes; split it "
                "into parts (e.g. paragraphs) and send those")
    with tf.control_dependencies([check]):
        return tf.identity(texts)


def serving_inputs(tokenizer, texts, max_length):
    """Turn a `tf.string` batch into `{"token_ids", "padding_mask"}`, padded to its longest text.

    The same packing as `kerastl.preprocessing.tokenize_texts` (start/end ids, truncation to
    `max_length`), written with TensorFlow ops only so it can run inside an exported
    SavedModel. Call it from a task's `serving_function`.

    Args:
        tokenizer: a keras-hub tokenizer (its TensorFlow path is used when traced).
        texts: a `tf.string` tensor of shape `(batch,)`.
        max_length: the longest packed sequence, special ids included.

    Returns:
        A dict with `token_ids` (int32, `(batch, length)`) and `padding_mask` (bool), where
        `length` is the longest packed text of this batch.

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.export import serving_inputs
    >>> inputs = serving_inputs(tokenizer, tf.constant(["a fine film"]), 128)  # doctest: +SKIP
    """
    return packed_inputs(tokenizer, bounded_texts(texts), max_length)


def serving_pair_inputs(tokenizer, texts, text_pairs, max_length, with_segment_ids=False):
    """Turn two `tf.string` batches (first and second texts) into padded inputs of packed pairs.

    The same packing as `kerastl.preprocessing.tokenize_text_pairs` (one implementation:
    `kerastl.preprocessing.pack_token_id_pairs`), in TensorFlow ops for an exported graph.

    Args:
        tokenizer: a keras-hub tokenizer.
        texts: the first texts, a `tf.string` tensor of shape `(batch,)`.
        text_pairs: the second texts, same shape.
        max_length: the longest packed pair, special ids included.
        with_segment_ids: add `segment_ids` (for models whose backbone reads them).

    Returns:
        A dict with `token_ids`, `padding_mask` and, when asked, `segment_ids` (int32, padded with 0).

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.export import serving_pair_inputs
    >>> inputs = serving_pair_inputs(tokenizer, tf.constant(["A man sleeps."]), tf.constant(["He rests."]),
    ...                              128)  # doctest: +SKIP
    """
    special = SpecialTokens.of(tokenizer)
    token_ids, segment_ids = pack_token_id_pairs(tokenizer(bounded_texts(texts)), tokenizer(bounded_texts(text_pairs)),
                                                 special, max_length)
    inputs = padded_inputs(token_ids, special.pad)
    if with_segment_ids:
        inputs["segment_ids"] = segment_ids.to_tensor(default_value=0, shape=tf.shape(inputs["token_ids"]))
    return inputs
