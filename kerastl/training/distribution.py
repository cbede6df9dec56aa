"""`resolve_distribution`: turn `distribution="mirrored"` (or a strategy) into a `tf.distribute.Strategy`."""

import os

import tensorflow as tf

from kerastl.errors import KerastlError
from kerastl.training.mirrored_strategy import MirroredStrategy
from kerastl.training.multi_worker_strategy import MultiWorkerStrategy
from kerastl.training.tf_config import check_tf_config

STRATEGY_NAMES = ("mirrored", "multiworker", "tpu")


def resolve_distribution(distribution):
    """Return the `tf.distribute.Strategy` for `distribution`, or None to train on one device.

    Args:
        distribution: None, a `tf.distribute.Strategy`, or a name: "mirrored" (every local
            GPU, or every logical CPU device when there is no GPU; a `MirroredStrategy`),
            "multiworker" (the workers `TF_CONFIG` describes, each mirroring over its local
            devices; a `MultiWorkerStrategy`) or "tpu".

    Returns:
        A strategy, or None.

    Raises:
        KerastlError: for an unknown name; for "multiworker" without a valid `TF_CONFIG`, or
            after TensorFlow already ran an operation in this process (a multi-worker strategy
            must come first); for "tpu" without a TPU.

    Example:

    >>> from kerastl.training.distribution import resolve_distribution
    >>> resolve_distribution(None) is None
    True
    """
    if distribution is None or isinstance(distribution, tf.distribute.Strategy):
        return distribution
    if distribution == "mirrored":
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        return MirroredStrategy([device.name for device in devices])
    if distribution == "multiworker":
        check_tf_config(os.environ.get("TF_CONFIG"))
        try:
            return MultiWorkerStrategy()
        except RuntimeError as error:
            if "program startup" not in str(error):
                raise
            raise KerastlError(
                "distribution 'multiworker' must be set up before TensorFlow runs its first operation in this "
                "process, and one already ran. Fix: call kerastl.training.resolve_distribution('multiworker') "
                "at the start of the program and pass the strategy it returns as distribution=."
            ) from None
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
