"""`gather_from_replicas`: one integer from every replica of a strategy, e.g. to check that workers agree."""

import tensorflow as tf


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

    >>> from kerastl.training.gather_from_replicas import gather_from_replicas
    >>> gather_from_replicas(None, 7)
    [7]
    """
    if strategy is None:
        return [int(value)]
    per_replica = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant([value], tf.int64))
    return [int(one) for one in strategy.gather(per_replica, axis=0).numpy()]
