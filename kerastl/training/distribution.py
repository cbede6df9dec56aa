"""Training over several devices: the strategies `distribution=` resolves to on each Keras backend,
the batches they can spread, and which process writes.

On TensorFlow, `resolve_distribution` turns "mirrored", "multiworker" or "tpu" into a
`tf.distribute` strategy; on JAX, "mirrored" and "tpu" into `keras.distribution.DataParallel`
over the local devices (`distribution_devices` counts them); on PyTorch, which Keras does not
distribute, any of them is a `KerastlError`;
`MirroredStrategy` and `MultiWorkerStrategy` are tf.distribute's with the `reduce` Keras 3
needs (`KerasReduceMixin`); `distributable_batches` prepares a dataset for them; `is_chief`
says which process writes files; `gather_from_replicas` collects one integer per replica;
`check_tf_config` explains a bad `TF_CONFIG`.
"""

import json
import os

import keras
import tensorflow as tf

from kerastl.errors import KerastlError

STRATEGY_NAMES = ("mirrored", "multiworker", "tpu")
EXAMPLE = ('{"cluster": {"worker": ["host1:port", "host2:port"]}, "task": {"type": "worker", "index": 0}} '
           "(index 1 on the second worker, and so on)")


def resolve_distribution(distribution):
    """Return the strategy for `distribution` on the running Keras backend, or None to train on one device.

    Args:
        distribution: None, a `tf.distribute.Strategy` (TensorFlow), a
            `keras.distribution.Distribution` (JAX), or a name. On TensorFlow: "mirrored" (every
            local GPU, or every logical CPU device when there is no GPU; a `MirroredStrategy`),
            "multiworker" (the workers `TF_CONFIG` describes, each mirroring over its local
            devices; a `MultiWorkerStrategy`) or "tpu". On JAX: "mirrored" (every local GPU or
            TPU, else every CPU device, e.g. `XLA_FLAGS=--xla_force_host_platform_device_count=2`)
            and "tpu" (every TPU core) are `keras.distribution.DataParallel`.

    Returns:
        A strategy (a `keras.distribution.Distribution` on JAX), or None.

    Raises:
        KerastlError: for an unknown name; for "multiworker" without a valid `TF_CONFIG`, or
            after TensorFlow already ran an operation in this process (a multi-worker strategy
            must come first); for "tpu" without a TPU; on JAX for "multiworker" or a
            `tf.distribute.Strategy`; on PyTorch for any distribution.

    Example:

    >>> from kerastl.training.distribution import resolve_distribution
    >>> resolve_distribution(None) is None
    True
    """
    if distribution is None:
        return None
    backend = keras.backend.backend()
    if backend != "tensorflow":
        return _resolve_keras_distribution(distribution, backend)
    if isinstance(distribution, tf.distribute.Strategy):
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


def _resolve_keras_distribution(distribution, backend):
    """`resolve_distribution` off TensorFlow: `keras.distribution.DataParallel` on JAX, an error on PyTorch."""
    name = distribution if isinstance(distribution, str) else type(distribution).__name__
    if isinstance(distribution, str) and distribution not in STRATEGY_NAMES:
        raise KerastlError(f"Unknown distribution {distribution!r}. Use one of: {', '.join(STRATEGY_NAMES)}.")
    if backend != "jax":
        raise KerastlError(f"distribution {name!r} is not available on the {backend} backend: Keras distributes "
                           "training on JAX (keras.distribution) and TensorFlow (tf.distribute) only. Fix: run with "
                           "KERAS_BACKEND=jax or KERAS_BACKEND=tensorflow, or train on one device (drop --strategy).")
    if isinstance(distribution, _keras_distribution_class()):
        return distribution
    if distribution == "multiworker" or isinstance(distribution, tf.distribute.Strategy):
        raise KerastlError(f"distribution {name!r} is TensorFlow's (tf.distribute); on JAX kerastl distributes over "
                           "one machine's devices. Fix: use 'mirrored' (keras.distribution.DataParallel over the "
                           "local devices), pass a keras.distribution.Distribution, or run with "
                           "KERAS_BACKEND=tensorflow for several workers.")
    if distribution == "tpu":
        devices = keras.distribution.list_devices("tpu") if _has_jax_devices("tpu") else []
        if not devices:
            raise KerastlError("distribution 'tpu' found no TPU. Fix: run on a TPU host, or use 'mirrored'.")
    else:
        devices = keras.distribution.list_devices()
    return keras.distribution.DataParallel(devices=devices)


def _keras_distribution_class():
    """`keras.distribution`'s base class (not exported by `keras.distribution` itself)."""
    from keras.src.distribution.distribution_lib import Distribution

    return Distribution


def _has_jax_devices(kind):
    import jax

    try:
        return bool(jax.devices(kind))
    except RuntimeError:
        return False


def distribution_devices(strategy):
    """How many devices (replicas) a batch is split over: 1 without a strategy."""
    if strategy is None:
        return 1
    if isinstance(strategy, tf.distribute.Strategy):
        return strategy.num_replicas_in_sync
    return int(strategy.device_mesh.shape[0])  # the mesh's first axis is the batch's


class KerasReduceMixin:
    """Mixed into a `tf.distribute.Strategy`: reduce what Keras 3's TensorFlow trainer passes.

    Keras calls `strategy.reduce` in two ways `tf.distribute` does not cover
    (keras-team/keras#20329, #20585):

    - At the start of every `fit` and `evaluate`, with the first batch, a nest (`(inputs,
      targets)`, inputs a dict), only to learn its structure, shapes and dtypes. The replicas'
      shares of a batch differ in size when it does not split evenly (the last, partial batch
      of an epoch), and an all-reduce of them fails; with several workers, nests are not
      reduced at all. A nest therefore takes, leaf by leaf, the values of this process's first
      replica, with no communication.
    - With several workers, on every step's logs: scalars, with `axis=0`. A scalar has no
      axis 0; it is reduced across the replicas alone (`axis=None`), as `MirroredStrategy`
      does on one machine.

    Any other value goes to the strategy's own `reduce`.

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.training.distribution import KerasReduceMixin
    >>> class MyStrategy(KerasReduceMixin, tf.distribute.MirroredStrategy):  # doctest: +SKIP
    ...     pass
    """

    def reduce(self, reduce_op, value, axis):
        if not tf.nest.is_nested(value):
            local = self.experimental_local_results(value)[0]
            rank = getattr(getattr(local, "shape", None), "rank", None)
            return super().reduce(reduce_op, value, None if rank == 0 else axis)
        return tf.nest.map_structure(lambda one: self.experimental_local_results(one)[0], value)


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


def check_tf_config(text):
    """Check that `text` (the `TF_CONFIG` environment variable) describes a cluster and this task.

    Args:
        text: the value of `TF_CONFIG`, or None when it is not set.

    Returns:
        The parsed `TF_CONFIG` as a dict.

    Raises:
        KerastlError: when it is missing, not JSON, names no workers, or its `task` is not one
            of the cluster's.

    Example:

    >>> from kerastl.training.distribution import check_tf_config
    >>> check_tf_config('{"cluster": {"worker": ["localhost:2222"]}, "task": {"type": "worker", "index": 0}}')["task"]
    {'type': 'worker', 'index': 0}
    """
    if not text:
        raise KerastlError("distribution 'multiworker' needs the TF_CONFIG environment variable to describe the "
                           f"cluster. Fix: set TF_CONFIG on every worker, e.g. {EXAMPLE}.")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise KerastlError(f"TF_CONFIG is not valid JSON ({error}). Fix: set it to e.g. {EXAMPLE}.") from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not any(cluster.get(kind) for kind in ("worker", "chief")):
        raise KerastlError("TF_CONFIG names no workers: it needs \"cluster\": {\"worker\": [addresses]}. "
                           f"Fix: set it to e.g. {EXAMPLE}.")
    task = config.get("task")
    if not isinstance(task, dict) or task.get("type") not in cluster or not isinstance(task.get("index"), int):
        raise KerastlError(f"The \"task\" of TF_CONFIG ({task!r}) is not one of its cluster's ({', '.join(cluster)}). "
                           "Fix: give each worker its own \"task\": {\"type\": \"worker\", \"index\": N}, N from 0.")
    addresses = cluster[task["type"]]
    if not 0 <= task["index"] < len(addresses):
        raise KerastlError(f"The task index {task['index']} of TF_CONFIG is out of range: its cluster has "
                           f"{len(addresses)} {task['type']} address(es). Fix: number the workers 0, 1, ... in the "
                           "order of the cluster's addresses.")
    return config


def is_chief(strategy):
    """Whether this process writes files: always without a strategy or with a local one; with
    several workers, only the chief (or worker 0 when the cluster names no chief); with a Keras
    distribution, process 0."""
    if isinstance(strategy, _keras_distribution_class()):
        return getattr(strategy, "_process_id", 0) == 0
    resolver = getattr(strategy, "cluster_resolver", None) if strategy is not None else None
    if resolver is None or not getattr(resolver, "task_type", None):
        return True
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    if "chief" in cluster:
        return resolver.task_type == "chief"
    return resolver.task_type == "worker" and resolver.task_id == 0


def gather_from_replicas(strategy, value):
    """Return `value` as every replica of `strategy` has it, in replica order.

    With several workers this is a collective operation: every worker must call it at the same
    point, and each gets the same list back (the replicas of worker 0 first). Without a strategy
    it returns `[value]`.

    Args:
        strategy: a `tf.distribute.Strategy`, or None.
        value: an integer this process knows (e.g. the step its checkpoint was written at).

    Returns:
        A list of ints, one per replica.

    Example:

    >>> from kerastl.training.distribution import gather_from_replicas
    >>> gather_from_replicas(None, 7)
    [7]
    """
    if strategy is None:
        return [int(value)]
    per_replica = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant([value], tf.int64))
    return [int(one) for one in strategy.gather(per_replica, axis=0).numpy()]


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

    >>> from kerastl.training.distribution import distributable_batches
    >>> batches = distributable_batches(length_grouped_batches(...))  # doctest: +SKIP
    """

    def cast(inputs, *rest):
        inputs = {key: tf.cast(value, tf.int32) if value.dtype == tf.bool else value for key, value in inputs.items()}
        return (inputs, *rest) if rest else inputs

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.map(cast).with_options(options)
