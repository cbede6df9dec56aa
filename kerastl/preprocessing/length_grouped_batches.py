"""Batch tokenized examples so each batch holds similar lengths and is padded to its longest."""

import tensorflow as tf

from kerastl.preprocessing.fixed_pipeline import fixed_pipeline

#: How many batches' worth of examples are sorted by length together when shuffling.
GROUP_BATCHES = 50


def length_grouped_batches(features, targets, batch_size, pad_id, target_pad=0, shuffle=False, seed=0):
    """Build a `tf.data.Dataset` of `(inputs, targets)` batches padded per batch.

    With `shuffle`, examples are shuffled each epoch, sorted by length inside groups of
    `GROUP_BATCHES` batches, batched, and the batches shuffled again: batches hold examples of
    similar length (little padding) while their order stays random. Without `shuffle` the order
    of the examples is kept (sort them by length first for fast inference).

    Args:
        features: dict of per-example tensors; `features["token_ids"]` is a `tf.RaggedTensor`.
            Other entries may be ragged (padded with 0) or one value per example.
        targets: per-example targets (a tensor, or ragged for token-level targets), or None.
        batch_size: examples per batch.
        pad_id: the id token sequences are padded with.
        target_pad: the value ragged targets are padded with (for example an ignored class).
        shuffle: shuffle and group by length (training) or keep the order (inference).
        seed: the shuffling seed.

    Returns:
        A dataset of `(inputs, targets)` (or `inputs` alone when `targets` is None) where
        `inputs` holds `token_ids`, `padding_mask` and the other features, padded per batch.
    """
    features = dict(features)
    features["length"] = features["token_ids"].row_lengths()
    elements = (features, targets) if targets is not None else (features,)
    count = int(features["length"].shape[0])
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=True)
        dataset = dataset.ragged_batch(batch_size * GROUP_BATCHES).map(_sort_by_length).unbatch()
    dataset = dataset.map(_to_dense)
    padding_values = tf.nest.map_structure(lambda spec: tf.constant(0, spec.dtype), dataset.element_spec)
    padding_values[0]["token_ids"] = tf.constant(pad_id, dataset.element_spec[0]["token_ids"].dtype)
    if targets is not None and isinstance(targets, tf.RaggedTensor):
        padding_values = (padding_values[0], tf.constant(target_pad, dataset.element_spec[1].dtype))
    dataset = dataset.padded_batch(batch_size, padding_values=padding_values)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(-(-count // batch_size)))
    if shuffle:
        dataset = dataset.shuffle(GROUP_BATCHES, seed=seed, reshuffle_each_iteration=True)
    return fixed_pipeline(dataset.map(_to_model_inputs))


@tf.autograph.experimental.do_not_convert  # plain graph code: converting it only costs time
def _sort_by_length(*elements):
    order = tf.argsort(elements[0]["length"], stable=True)
    return tf.nest.map_structure(lambda tensor: tf.gather(tensor, order), elements)


@tf.autograph.experimental.do_not_convert  # plain graph code: converting it only costs time
def _to_dense(*elements):
    # Slices of a ragged tensor arrive as ragged tensors of rank 0; padded_batch needs dense ones.
    return tf.nest.map_structure(lambda t: t.to_tensor() if isinstance(t, tf.RaggedTensor) else t, elements)


@tf.autograph.experimental.do_not_convert  # plain graph code: converting it only costs time
def _to_model_inputs(features, targets=None):
    features = dict(features)
    length = features.pop("length")
    features["padding_mask"] = tf.sequence_mask(length, maxlen=tf.shape(features["token_ids"])[1])
    return features if targets is None else (features, targets)
