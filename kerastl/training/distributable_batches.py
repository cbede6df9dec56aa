"""`distributable_batches`: batches that Keras can spread over the replicas of a strategy."""

import tensorflow as tf


def distributable_batches(dataset):
    """Carry the boolean inputs of `dataset` (the padding mask) as int32, and shard it by data.

    Under a `tf.distribute` strategy Keras averages the first batch over the replicas to build
    the model, and booleans cannot be summed; a functional model casts each input back to the
    dtype of its `keras.Input`, so the model still receives a boolean mask.

    With several workers, each must train on its own share of every global batch. kerastl's
    datasets are built from tensors in memory, not read from files, so the default sharding
    (by file) cannot apply: this sets sharding by data (`AutoShardPolicy.DATA`). Every worker
    builds the same batches in the same order (the shuffling is seeded) and takes its slice.

    Args:
        dataset: a dataset of `(inputs, targets)` or of `inputs`, `inputs` a dict of tensors.

    Returns:
        The same dataset with boolean tensors of `inputs` cast to int32, sharded by data.

    Example:

    >>> from kerastl.training.distributable_batches import distributable_batches
    >>> batches = distributable_batches(length_grouped_batches(...))  # doctest: +SKIP
    """

    def cast(inputs, *rest):
        inputs = {key: tf.cast(value, tf.int32) if value.dtype == tf.bool else value for key, value in inputs.items()}
        return (inputs, *rest) if rest else inputs

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.map(cast).with_options(options)
