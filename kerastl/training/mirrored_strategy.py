"""`MirroredStrategy`: `tf.distribute.MirroredStrategy` that Keras 3's `fit` can use on any batch."""

import tensorflow as tf

from kerastl.training.keras_reduce_mixin import KerasReduceMixin


class MirroredStrategy(KerasReduceMixin, tf.distribute.MirroredStrategy):
    """`tf.distribute.MirroredStrategy`, with the `reduce` Keras 3 needs (see `KerasReduceMixin`).

    What `distribution="mirrored"` resolves to: without it, `fit` fails whenever an epoch (or
    the validation data) starts with a batch that does not split evenly over the devices.

    Args:
        devices: the devices to mirror over (None: every GPU, or the CPU).
        cross_device_ops: a `tf.distribute.CrossDeviceOps`, or None for the default.

    Example:

    >>> from kerastl.training import MirroredStrategy
    >>> strategy = MirroredStrategy(["/cpu:0", "/cpu:1"])  # doctest: +SKIP
    >>> task.fit(train, distribution=strategy)  # doctest: +SKIP
    """
