"""`PretrainingObjective`: what the masked and causal language models share.

A subclass builds its backbone and its Keras model, and turns a batch of token windows into
`(inputs, targets, sample_weights)`. This base holds the rest: the tf.data pipeline (shuffled,
repeated, able to skip the steps a resumed run already did), the optimizer, the held-out
evaluation.
"""

import math

import keras
import tensorflow as tf

from kerastl.preprocessing import SpecialTokens
from kerastl.training.optimizer import NO_DECAY, warmup_cosine_adamw


class PretrainingObjective:
    """Base class of the upstream objectives of `kerastl.pretrain.pretrain`.

    Args:
        tokenizer: the keras-hub tokenizer of the corpus.
        size: the transformer dimensions (see `kerastl.pretrain.backbone_size`).
        sequence_length: tokens per training example.
        max_sequence_length: positions the backbone supports (at least `sequence_length`).
        dropout: dropout in the backbone.
    """

    #: The objective's name in the CLI and the metrics file.
    name = None
    #: The held-out metric `pretrain` reports first.
    headline_metric = None

    def __init__(self, tokenizer, size, sequence_length=128, max_sequence_length=512, dropout=0.1):
        self.tokenizer = tokenizer
        self.size = dict(size)
        self.sequence_length = sequence_length
        self.max_sequence_length = max(max_sequence_length, sequence_length + 1)
        self.dropout = dropout
        self.special = SpecialTokens.of(tokenizer)
        self.vocabulary_size = tokenizer.vocabulary_size()
        self.backbone = self.build_backbone()
        self.model = self.build_model()

    # === Hooks for subclasses ===

    #: Tokens per packed window (a causal model reads one more than it predicts).
    @property
    def window_length(self):
        return self.sequence_length

    def build_backbone(self):
        """Return the keras-hub backbone (random weights) this objective trains."""
        raise NotImplementedError

    def build_model(self):
        """Return the `keras.Model` from the batch inputs to per-target logits."""
        raise NotImplementedError

    def batch_to_inputs(self, windows):
        """Turn an int32 `(batch, window_length)` tensor into `(inputs, targets, weights)`."""
        raise NotImplementedError

    def headline(self, loss, accuracy):
        """The held-out metrics as a dict, from the mean loss and accuracy over targets."""
        raise NotImplementedError

    # === Data ===

    def batches(self, windows, batch_size, training=True, seed=0, skip_steps=0):
        """A `tf.data.Dataset` of model batches over packed `windows`.

        Training batches repeat forever in an order fixed by `seed`, so `skip_steps` resumes
        exactly where an interrupted run stopped; evaluation batches go once, in order.
        """
        dataset = tf.data.Dataset.from_tensor_slices(windows)
        if training:
            dataset = dataset.shuffle(len(windows), seed=seed, reshuffle_each_iteration=True).repeat()
            dataset = dataset.batch(batch_size, drop_remainder=True).skip(skip_steps)
        else:
            dataset = dataset.batch(batch_size)
        return dataset.map(self.batch_to_inputs, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

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
        model = self.model

        @tf.function(reduce_retracing=True)
        def sums(inputs, targets, weights):
            logits = tf.cast(model(inputs, training=False), tf.float32)
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.cast(targets, tf.int32), logits=logits)
            correct = tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), tf.cast(targets, tf.int32)), tf.float32)
            weights = tf.cast(weights, tf.float32)
            return tf.reduce_sum(loss * weights), tf.reduce_sum(correct * weights), tf.reduce_sum(weights)

        total_loss = total_correct = total_weight = 0.0
        for inputs, targets, weights in self.batches(windows, batch_size, training=False):
            loss, correct, weight = (float(x) for x in sums(inputs, targets, weights))
            total_loss, total_correct, total_weight = total_loss + loss, total_correct + correct, total_weight + weight
        if total_weight == 0:
            return self.headline(math.nan, math.nan)
        return self.headline(total_loss / total_weight, total_correct / total_weight)
