"""Length-grouped batches: similar lengths per batch, every example once, a fixed pipeline."""

import numpy as np
import tensorflow as tf

from kerastl.preprocessing import length_grouped_batches


def examples(count=200):
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 40, size=count)
    token_ids = tf.ragged.constant([[index + 1] * int(length) for index, length in enumerate(lengths)])
    return {"token_ids": token_ids}, tf.range(count)


def test_every_example_comes_once_in_batches_of_similar_length():
    features, targets = examples()
    padded, real, seen = 0, 0, []
    for inputs, batch_targets in length_grouped_batches(features, targets, 8, pad_id=0, shuffle=True, seed=1):
        mask = inputs["padding_mask"].numpy()
        padded, real = padded + mask.size, real + mask.sum()
        seen.extend(batch_targets.numpy().tolist())
        # each row is its example's own tokens, then padding
        np.testing.assert_array_equal(inputs["token_ids"].numpy()[mask], np.repeat(batch_targets.numpy() + 1, mask.sum(1)))
    assert sorted(seen) == list(range(200))
    assert padded < 1.2 * real  # random batches of lengths 1-39 would pad about 1.8x


def test_the_pipeline_prefetches_without_the_autotuner():
    """tf.data's autotuner thread made deleting an iterator wait up to ~9 s at the end of a fit."""
    features, targets = examples(20)
    dataset = length_grouped_batches(features, targets, 8, pad_id=0, shuffle=True)
    assert dataset.options().autotune.enabled is False
    assert len(list(dataset)) == 3
