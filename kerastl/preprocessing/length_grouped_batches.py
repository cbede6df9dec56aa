"""Batch tokenized examples so each batch holds similar lengths and is padded to its longest.

On JAX every new batch shape is one more XLA compile of the training (or evaluation) step, so
there batches are padded further, to the next multiple of `LENGTH_MULTIPLE` (coarser past 128
positions, `bucket_length`), never past the data's longest row, and the last, partial batch of
an epoch to that longest row: at most 8 shapes up to 128 positions, 4 more per doubling, plus
the partial batch's. TensorFlow (one trace for every length) and PyTorch (nothing to compile)
pad each batch to its own longest row only, which is faster there.

Why 16: on a minilm-l6-shaped BERT (6 layers, 384 wide), batches of 32, JAX on 2 CPU cores,
each new shape cost ~19 s of compile and each position of padding ~0.08 s per step (1.2 s at 16
positions, 5.1 s at 64): a multiple of 8 instead of 16 saves ~0.3 s a step for ~4 more compiles
(~76 s) on SST-2's lengths (8 to 66), so pays only after ~240 steps; 32 instead of 16 saves 2
compiles (~38 s) and costs ~0.6 s a step, paying off below ~60 steps. Fine-tuning runs sit
between; on a tiny model compiles are everything (~15 s against ~10 ms steps).
"""

import keras
import tensorflow as tf

from kerastl.preprocessing.fixed_pipeline import fixed_pipeline

#: How many batches' worth of examples are sorted by length together when shuffling.
GROUP_BATCHES = 50
#: On JAX, batch lengths are padded up to a multiple of this (the module docstring says why 16).
LENGTH_MULTIPLE = 16


def default_length_multiple():
    """The multiple batch lengths are padded to on the running Keras backend: `LENGTH_MULTIPLE`
    on JAX (one compile per shape), None (each batch's own longest row) elsewhere."""
    return LENGTH_MULTIPLE if keras.backend.backend() == "jax" else None


def bucket_length(length, multiple=LENGTH_MULTIPLE, longest=None):
    """The padded length of a batch whose longest row has `length` positions: `length` rounded up
    to a multiple of `multiple` up to 8 multiples (128 for 16), of twice `multiple` up to 16 of them,
    of four times up to 32, and so on (at most about 1/8 padding past 8 multiples, a handful of
    shapes for long texts), but never past `longest` (the data's longest row) when given.

    Example:

    >>> from kerastl.preprocessing.length_grouped_batches import bucket_length
    >>> [bucket_length(n) for n in (1, 17, 128, 129, 300)], bucket_length(17, longest=20)
    ([16, 32, 128, 160, 320], 20)
    """
    step = multiple
    while length > 8 * step:
        step *= 2
    padded = -(-length // step) * step
    return padded if longest is None else max(length, min(padded, longest))


def length_grouped_batches(features, targets, batch_size, pad_id, target_pad=0, shuffle=False, seed=0,
                           length_multiple="auto", batch_multiple=1, reshuffle=True):
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
        reshuffle: with `shuffle`, a new order each time the dataset is iterated (one dataset for
            every epoch); False: the same order every time (one dataset per epoch, its seed
            derived from the epoch: Keras may start an iterator to look at the first batch
            before it trains, and a resumed run must see the epoch's batches in the same order).
        length_multiple: pad every ragged tensor of a batch to `bucket_length(its length,
            length_multiple, its longest row in the data)`, and in the last, partial batch to
            that longest row: bounded shapes, for JAX's one compile per shape. None pads each
            batch to its own longest row; "auto": `default_length_multiple()`.
        batch_multiple: cut the last, partial batch down to a multiple of this many examples
            (dropping at most `batch_multiple - 1` of them, a different few each shuffled
            epoch): a batch split over this many devices needs it. 1 keeps every example.

    Returns:
        A dataset of `(inputs, targets)` (or `inputs` alone when `targets` is None) where
        `inputs` holds `token_ids`, `padding_mask` and the other features, padded per batch.
    """
    if length_multiple == "auto":
        length_multiple = default_length_multiple()
    features = dict(features)
    features["length"] = features["token_ids"].row_lengths()
    elements = (features, targets) if targets is not None else (features,)
    count = int(features["length"].shape[0])
    # The longest row of every ragged tensor (None for the others): what bucketed lengths are capped at.
    longest = tf.nest.map_structure(
        lambda t: int(tf.reduce_max(t.row_lengths())) if isinstance(t, tf.RaggedTensor) and t.shape[0] else None,
        elements)
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=reshuffle)
        dataset = dataset.ragged_batch(batch_size * GROUP_BATCHES).map(_sort_by_length).unbatch()
    dataset = dataset.map(_to_dense)
    padding_values = tf.nest.map_structure(lambda spec: tf.constant(0, spec.dtype), dataset.element_spec)
    padding_values[0]["token_ids"] = tf.constant(pad_id, dataset.element_spec[0]["token_ids"].dtype)
    if targets is not None and isinstance(targets, tf.RaggedTensor):
        padding_values = (padding_values[0], tf.constant(target_pad, dataset.element_spec[1].dtype))
    dataset = dataset.padded_batch(batch_size, padding_values=padding_values)
    batches = -(-count // batch_size)
    if batch_multiple > 1 and count % batch_size:
        keep = count % batch_size // batch_multiple * batch_multiple
        dataset = dataset.map(lambda *batch: _first_rows(batch, keep, batch_size))
        if keep == 0:
            dataset, batches = dataset.take(count // batch_size), count // batch_size
    if length_multiple:
        dataset = dataset.map(lambda *batch: _pad_to_buckets(batch, padding_values, longest, length_multiple,
                                                             batch_size))
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
    if shuffle:
        dataset = dataset.shuffle(GROUP_BATCHES, seed=seed, reshuffle_each_iteration=reshuffle)
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
def _first_rows(batch, keep, batch_size):
    """The batch, or its first `keep` rows when it is the partial one (fewer than `batch_size`)."""
    rows = tf.where(tf.shape(batch[0]["length"])[0] < batch_size, keep, batch_size)
    return tf.nest.map_structure(lambda tensor: tensor[:rows], batch)


@tf.autograph.experimental.do_not_convert  # plain graph code: converting it only costs time
def _pad_to_buckets(batch, padding_values, longest, multiple, batch_size):
    """Pad each ragged tensor's second axis to its bucketed length (`bucket_length`); in the
    partial batch, to its longest row's bucket."""
    partial = tf.shape(batch[0]["length"])[0] < batch_size

    def pad(tensor, value, most):
        if most is None:
            return tensor
        length = tf.shape(tensor)[1]
        buckets = tf.constant([bucket_length(n, multiple, most) for n in range(most + 1)], tf.int32)
        bucket = tf.where(partial, most, tf.gather(buckets, length))  # `most`: the longest row's bucket, capped
        padding = [[0, 0], [0, bucket - length]] + [[0, 0]] * (tensor.shape.rank - 2)
        return tf.pad(tensor, padding, constant_values=value)

    return tf.nest.map_structure(pad, batch, padding_values, longest)


@tf.autograph.experimental.do_not_convert  # plain graph code: converting it only costs time
def _to_model_inputs(features, targets=None):
    features = dict(features)
    length = features.pop("length")
    features["padding_mask"] = tf.sequence_mask(length, maxlen=tf.shape(features["token_ids"])[1])
    return features if targets is None else (features, targets)
