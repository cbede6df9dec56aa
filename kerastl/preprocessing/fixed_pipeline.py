"""`fixed_pipeline`: a dataset that prefetches a fixed number of batches, without tf.data's autotuner."""

import tensorflow as tf

#: Batches made ahead of the training step.
PREFETCH_BATCHES = 2


def fixed_pipeline(dataset, prefetch=PREFETCH_BATCHES):
    """`dataset` prefetching `prefetch` batches, with tf.data's autotuning turned off.

    The autotuner's background thread costs more than it finds on a two-core machine: it competes
    with the training step for the cores, and deleting the iterator waits for its next wake-up
    (up to about 9 s at the end of every `fit` and `evaluate` here). kerastl's pipelines are short
    and cheap next to a transformer step, so a fixed prefetch keeps the step fed.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.prefetch(prefetch).with_options(options)
