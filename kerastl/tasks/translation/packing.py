"""Packing sentences as keras-hub's seq2seq preprocessors pack them: start ids, pieces, end id."""

import weakref

import tensorflow as tf

_PACKING_FUNCTIONS = weakref.WeakKeyDictionary()


def packed_ids(tokenizer, texts, start_ids, end_id, length):
    """Tokenize `texts` into ragged `start_ids + pieces + [end_id]`, at most `length` ids each."""
    return _packing_function(tokenizer, tuple(start_ids), end_id, length)(tf.constant(texts, tf.string))


def _packing_function(tokenizer, start_ids, end_id, length):
    """One traced packing function per tokenizer and packing, so repeated calls do not retrace."""
    functions = _PACKING_FUNCTIONS.setdefault(tokenizer, {})
    key = (start_ids, end_id, length)
    if key not in functions:

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def pack(texts):
            return packed_ids_in_graph(tokenizer, texts, start_ids, end_id, length)

        functions[key] = pack
    return functions[key]


def packed_ids_in_graph(tokenizer, texts, start_ids, end_id, length):
    """`packed_ids` in TensorFlow ops, for a serving graph."""
    ids = tf.cast(tokenizer(texts), tf.int32)
    if not isinstance(ids, tf.RaggedTensor):
        ids = tf.RaggedTensor.from_tensor(ids)
    ids = ids[:, : length - len(start_ids) - 1]
    rows = ids.nrows()
    start = tf.RaggedTensor.from_tensor(tf.fill([rows, len(start_ids)], 0) + tf.constant(start_ids, tf.int32))
    end = tf.RaggedTensor.from_tensor(tf.fill([rows, 1], end_id))
    return tf.concat([start, ids, end], axis=1)
