"""`resolve_distribution`: turn `distribution="mirrored"` (or a strategy) into a `tf.distribute.Strategy`."""

import os

import tensorflow as tf

from kerastl.errors import KerastlError

STRATEGY_NAMES = ("mirrored", "multiworker", "tpu")


def resolve_distribution(distribution):
    """Return the `tf.distribute.Strategy` for `distribution`, or None to train on one device.

    Args:
        distribution: None, a `tf.distribute.Strategy`, or a name: "mirrored" (every local
            GPU, or every logical CPU device when there is no GPU), "multiworker" (the
            workers `TF_CONFIG` describes, each mirroring over its local devices) or "tpu".

    Returns:
        A strategy, or None.

    Raises:
        KerastlError: for an unknown name, "multiworker" without `TF_CONFIG`, or "tpu" without
            a TPU.

    Example:

    >>> from kerastl.training.distribution import resolve_distribution
    >>> resolve_distribution(None) is None
    True
    """
    if distribution is None or isinstance(distribution, tf.distribute.Strategy):
        return distribution
    if distribution == "mirrored":
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([device.name for device in devices])
    if distribution == "multiworker":
        if not os.environ.get("TF_CONFIG"):
            raise KerastlError(
                "distribution 'multiworker' needs the TF_CONFIG environment variable to describe the "
                'cluster. Fix: set TF_CONFIG, e.g. {"cluster": {"worker": ["host1:port", "host2:port"]}, '
                '"task": {"type": "worker", "index": 0}}, on every worker.'
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    if distribution == "tpu":
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
        except (ValueError, tf.errors.OpError) as error:
            raise KerastlError(f"distribution 'tpu' found no TPU ({error}). Fix: run on a TPU host, or use "
                               "'mirrored'.") from None
        return tf.distribute.TPUStrategy(resolver)
    raise KerastlError(f"Unknown distribution {distribution!r}. Use one of: {', '.join(STRATEGY_NAMES)}, "
                       "or pass a tf.distribute.Strategy.")
