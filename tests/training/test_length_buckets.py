"""Bounded batch shapes for JAX (`length_multiple`) and partial batches cut for devices (`batch_multiple`),
checked on tf.data alone: each backend only decides the defaults."""

import keras
import numpy as np
import tensorflow as tf

from kerastl.preprocessing.length_grouped_batches import bucket_length, default_length_multiple, length_grouped_batches

LENGTHS = np.random.default_rng(0).integers(3, 70, size=103)  # longest row 69


def _batches(length_multiple, batch_multiple=1, epochs=3):
    token_ids = tf.ragged.constant([[5] * int(n) for n in LENGTHS])
    tags = tf.ragged.constant([[1] * int(n) for n in LENGTHS])
    dataset = length_grouped_batches({"token_ids": token_ids}, tags, 8, 0, -1, shuffle=True, seed=1,
                                     length_multiple=length_multiple, batch_multiple=batch_multiple)
    return [(inputs, targets) for _ in range(epochs) for inputs, targets in dataset]


def test_buckets_bound_the_shapes_and_keep_every_token():
    batches = _batches(16)
    shapes = {tuple(inputs["token_ids"].shape) for inputs, _ in batches}
    assert {length for _, length in shapes} <= {16, 32, 48, 64, 69}  # capped at the longest row, 69
    assert (103 % 8, 69) in shapes  # the partial batch: padded to the longest row
    assert len(shapes) <= 6 < len({tuple(i["token_ids"].shape) for i, _ in _batches(None)})
    for inputs, targets in batches:
        assert inputs["token_ids"].shape == inputs["padding_mask"].shape == targets.shape
        real = inputs["padding_mask"].numpy()
        assert (targets.numpy()[real] == 1).all() and (targets.numpy()[~real] == -1).all()
    assert sum(int(inputs["padding_mask"].numpy().sum()) for inputs, _ in batches) == 3 * LENGTHS.sum()


def test_partial_batch_is_cut_to_a_multiple_of_the_devices():
    sizes = [int(inputs["token_ids"].shape[0]) for inputs, _ in _batches(None, batch_multiple=2, epochs=1)]
    assert sorted(sizes) == [6] + [8] * 12  # 103 = 12 * 8 + 7: the last 7 cut to 6


def test_bucket_lengths_grow_coarser_past_eight_multiples():
    assert [bucket_length(n) for n in (1, 16, 17, 128, 129, 257)] == [16, 16, 32, 128, 160, 320]
    assert bucket_length(17, longest=20) == 20 and bucket_length(20, longest=20) == 20
    # JAX compiles per shape; TensorFlow and PyTorch pad each batch to its own longest row.
    assert default_length_multiple() == (16 if keras.backend.backend() == "jax" else None)
