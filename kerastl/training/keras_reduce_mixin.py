"""`KerasReduceMixin`: the `reduce` a `tf.distribute` strategy needs for Keras 3's `fit` and `evaluate`."""

import tensorflow as tf


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
    >>> from kerastl.training.keras_reduce_mixin import KerasReduceMixin
    >>> class MyStrategy(KerasReduceMixin, tf.distribute.MirroredStrategy):  # doctest: +SKIP
    ...     pass
    """

    def reduce(self, reduce_op, value, axis):
        if not tf.nest.is_nested(value):
            local = self.experimental_local_results(value)[0]
            rank = getattr(getattr(local, "shape", None), "rank", None)
            return super().reduce(reduce_op, value, None if rank == 0 else axis)
        return tf.nest.map_structure(lambda one: self.experimental_local_results(one)[0], value)
