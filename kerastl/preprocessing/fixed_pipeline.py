"""`fixed_pipeline`: a dataset that prefetches a fixed number of batches, without tf.data's autotuner."""

import tensorflow as tf

#: Batches made ahead of the training step.
PREFETCH_BATCHES = 2


def fixed_pipeline(dataset, prefetch=PREFETCH_BATCHES):
    """`dataset` prefetching `prefetch` batches, with tf.data's autotuning turned off.

    Deleting an autotuned iterator waits for the autotuner's background thread, which can hold
    up the end of `fit` (measured in `benchmarks/README.md`, "Speed: where the time goes").
    kerastl's pipelines are short and cheap next to a transformer step, so a fixed prefetch
    keeps the step fed without it.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.prefetch(prefetch).with_options(options)
