"""`PretrainingObjective`: what the masked and causal language models share.

A subclass builds its Keras model around a backbone (new or pretrained), and turns a batch of
token windows into `(inputs, targets, sample_weights)`. This base holds the rest: the tf.data
pipeline (shuffled with a bounded buffer, repeated, able to skip the steps a resumed run
already did), the optimizer, the held-out evaluation.

Only the data pipeline is TensorFlow (`tf.data`, as keras-hub's preprocessing is); the model
runs through Keras on any backend: `fit` trains it, and the held-out evaluation goes through
Keras' own compiled predict function (`tf.function`, `jax.jit` or `torch.no_grad`).
"""

import functools
import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kerastl.preprocessing import SpecialTokens, fixed_pipeline
from kerastl.training.optimizer import NO_DECAY, warmup_cosine_adamw


class PretrainingObjective:
    """Base class of the upstream objectives of `kerastl.pretrain.pretrain`.

    Args:
        backbone: the keras-hub backbone to train: a new one (`kerastl.pretrain.new_backbone`)
            or a pretrained one (`kerastl.backbones.load_backbone`), whose training continues.
        tokenizer: the backbone's keras-hub tokenizer.
        sequence_length: tokens per training example.
    """

    #: The objective's name in the CLI and the metrics file.
    name = None
    #: The held-out metric `pretrain` reports first.
    headline_metric = None

    def __init__(self, backbone, tokenizer, sequence_length=128):
        self.backbone = backbone
        self.tokenizer = tokenizer
        self.sequence_length = sequence_length
        self.special = SpecialTokens.of(tokenizer)
        self.vocabulary_size = tokenizer.vocabulary_size()
        self.model = self.build_model()

    # === Hooks for subclasses ===

    #: Tokens per packed window (a causal model reads one more than it predicts).
    @property
    def window_length(self):
        return self.sequence_length

    def build_model(self):
        """Return the `keras.Model` from the batch inputs to per-target logits."""
        raise NotImplementedError

    def batch_to_inputs(self, windows, lengths):
        """Turn int32 `(batch, window_length)` windows and their `(batch,)` real lengths into
        `(inputs, targets, weights)`."""
        raise NotImplementedError

    def headline(self, loss, accuracy):
        """The held-out metrics as a dict, from the mean loss and accuracy over targets."""
        raise NotImplementedError

    # === Data ===

    def batches(self, windows, batch_size, training=True, seed=0, skip_steps=0, shuffle_buffer=10_000):
        """A `tf.data.Dataset` of model batches over `windows` (from `token_windows`).

        Training windows are shuffled through a buffer of `shuffle_buffer` windows, in an order
        fixed by `seed`, and batched with the last short batch dropped; with a repeated stream
        they run forever, and `skip_steps` replays the stream past the batches an interrupted
        run already trained on (tokenizing them again, not training), so a resumed run goes on
        with exactly the batches it would have seen. Evaluation batches go once, in order.
        """
        if training:
            windows = windows.shuffle(shuffle_buffer, seed=seed)
            windows = windows.batch(batch_size, drop_remainder=True).skip(skip_steps)
        else:
            windows = windows.batch(batch_size)
        return fixed_pipeline(windows.map(self.batch_to_inputs))

    @staticmethod
    def padding_mask(windows, lengths):
        """True at the real tokens of each window: the first `lengths[i]` positions of row i."""
        positions = tf.range(tf.shape(windows)[1])[None, :]
        return positions < lengths[:, None]

    # === Training ===

    def compile(self, learning_rate, total_steps, warmup_ratio=0.06, weight_decay=0.01):
        """Compile with AdamW: linear warmup then cosine decay over `total_steps`."""
        optimizer = warmup_cosine_adamw(learning_rate, total_steps, warmup_ratio=warmup_ratio,
                                        weight_decay=weight_decay, final_fraction=0.1,
                                        no_decay=NO_DECAY + ("embedding",))
        self.model.compile(
            optimizer=optimizer,
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight"),
            weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        )

    @property
    def step(self):
        """Optimizer steps taken so far (restored with the optimizer state)."""
        return int(self.model.optimizer.iterations.numpy())

    def build_optimizer(self):
        """Create the optimizer's variables now (before loading or saving a checkpoint)."""
        optimizer = self.model.optimizer
        if not optimizer.built:
            optimizer.build(self.model.trainable_variables)

    # === Evaluation ===

    def evaluate(self, windows, batch_size=64):
        """Loss and accuracy over every target of held-out `windows`; returns `headline(...)`."""
        total_loss = total_correct = total_weight = 0.0
        for inputs, targets, weights in self.batches(windows, batch_size, training=False).as_numpy_iterator():
            # The short last batch is filled up with weightless rows: one batch shape, one compile (JAX).
            inputs, targets, weights = _fill_batch(batch_size, inputs, targets, weights)
            sums = self._evaluation_model.predict_on_batch({**inputs, "targets": targets, "weights": weights})
            loss, correct, weight = (float(x) for x in np.asarray(keras.ops.convert_to_numpy(sums), np.float64).sum(0))
            total_loss, total_correct, total_weight = total_loss + loss, total_correct + correct, total_weight + weight
        if total_weight == 0:
            return self.headline(math.nan, math.nan)
        return self.headline(total_loss / total_weight, total_correct / total_weight)

    @functools.cached_property
    def _evaluation_model(self):
        """The model with the targets and weights as inputs and, per row, the weighted sums of the
        loss, of the correct predictions and of the weights: what `evaluate` adds up. Keras
        compiles its predict function on each backend, and only three numbers a row leave it."""
        model = self.model
        inputs = {name: keras.Input(tensor.shape[1:], dtype=tensor.dtype, name=name)
                  for name, tensor in model.input.items()}
        targets = keras.Input((None,), dtype="int32", name="targets")
        weights = keras.Input((None,), dtype="float32", name="weights")
        sums = _TargetSums(name="target_sums")(model(inputs, training=False), targets, weights)
        return keras.Model({**inputs, "targets": targets, "weights": weights}, sums, name="evaluation")


def _fill_batch(batch_size, inputs, targets, weights):
    """Numpy batch arrays of fewer than `batch_size` rows filled up to it: copies of the first
    row, with zero weights (so they add nothing to the sums)."""
    missing = batch_size - len(targets)
    if missing <= 0:
        return inputs, targets, weights

    def fill(array):
        return np.concatenate([array, np.repeat(array[:1], missing, axis=0)])

    weights = np.concatenate([weights, np.zeros((missing, *weights.shape[1:]), weights.dtype)])
    return {name: fill(value) for name, value in inputs.items()}, fill(targets), weights


class _TargetSums(keras.layers.Layer):
    """Per row: the weighted sums of the cross-entropy, of the correct argmax predictions and of
    the weights, `(batch, 3)` float32."""

    def call(self, logits, targets, weights):
        logits = ops.cast(logits, "float32")
        targets = ops.cast(targets, "int32")
        weights = ops.cast(weights, "float32")
        loss = ops.sparse_categorical_crossentropy(targets, logits, from_logits=True)
        correct = ops.cast(ops.equal(ops.cast(ops.argmax(logits, axis=-1), "int32"), targets), "float32")
        return ops.stack([ops.sum(loss * weights, axis=-1), ops.sum(correct * weights, axis=-1),
                          ops.sum(weights, axis=-1)], axis=-1)

    def compute_output_spec(self, logits, targets, weights):
        return keras.KerasTensor((logits.shape[0], 3), dtype="float32")
