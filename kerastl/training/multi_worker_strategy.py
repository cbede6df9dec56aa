"""`MultiWorkerStrategy`: `tf.distribute.MultiWorkerMirroredStrategy` that Keras 3's `fit` can use."""

import tensorflow as tf

from kerastl.training.keras_reduce_mixin import KerasReduceMixin


class MultiWorkerStrategy(KerasReduceMixin, tf.distribute.MultiWorkerMirroredStrategy):
    """`tf.distribute.MultiWorkerMirroredStrategy`, with the `reduce` Keras 3 needs (see `KerasReduceMixin`).

    What `distribution="multiworker"` resolves to. The workers and their addresses come from
    `TF_CONFIG` (or `cluster_resolver`), and as with its parent it must be created before any
    TensorFlow operation runs in the process.

    Args:
        cluster_resolver: a `tf.distribute.cluster_resolver.ClusterResolver`, or None to read
            `TF_CONFIG`.
        communication_options: `tf.distribute.experimental.CommunicationOptions`, or None.

    Example:

    >>> from kerastl.training import MultiWorkerStrategy
    >>> strategy = MultiWorkerStrategy()  # doctest: +SKIP
    >>> task.fit(train, distribution=strategy)  # doctest: +SKIP
    """
