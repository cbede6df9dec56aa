"""Unsupervised contrastive pretraining (SimCSE), alone or mixed with masked LM.

SimCSE (Gao et al., 2021) encodes every window of a batch twice; dropout makes the two sentence
vectors differ a little, and each first vector must pick its own second one among all the
batch's second vectors (in-batch negatives, cosine similarity over a temperature). No labels and
no text augmentation: dropout is the only noise. It keeps what a sentence-embedding encoder
(all-MiniLM-L6-v2, the bundled minilm-l6) was trained for, vectors whose distances mean
something, while moving them onto a domain's text; masked LM instead trains the token states
through a new head.
"""

import keras
import tensorflow as tf
from keras import ops

from kerastl.layers import BackboneEncoder, text_inputs
from kerastl.pretrain.masked_lm import MaskedLanguageModel
from kerastl.pretrain.objective import PretrainingObjective

#: Temperature of the cosine similarities (SimCSE's own).
TEMPERATURE = 0.05


class ContrastiveSentenceModel(PretrainingObjective):
    """SimCSE: each window, encoded twice with dropout, must find itself among the batch's windows.

    The pooled vector is the mean of the token states (the pooling kerastl's tasks use on an
    encoder). The model's output is, per window, one row of logits over the batch (the cosine
    similarity of its first vector to every second vector, over `temperature`), the target is
    the window's own index, so the loss is SimCSE's cross-entropy and the accuracy how often a
    window is told apart from the batch's others. Both passes keep dropout on, also when the
    held-out text is scored: without it the two vectors would be equal and the task trivial.

    Args:
        backbone: a keras-hub encoder backbone.
        tokenizer: its tokenizer.
        sequence_length: tokens per training window.
        temperature: divides the cosine similarities (smaller: sharper).

    Example:

    >>> from kerastl.backbones import load_backbone
    >>> from kerastl.pretrain import ContrastiveSentenceModel
    >>> objective = ContrastiveSentenceModel(*load_backbone("minilm-l6"), sequence_length=64)  # doctest: +SKIP
    """

    name = "simcse"
    headline_metric = "contrastive_accuracy"

    def __init__(self, backbone, tokenizer, sequence_length=128, temperature=TEMPERATURE):
        self.temperature = temperature
        super().__init__(backbone, tokenizer, sequence_length=sequence_length)

    def build_model(self):
        inputs = text_inputs()
        first, second = DropoutPair(BackboneEncoder(self.backbone, pooling="mean"), name="encoder")(inputs)
        logits = PairedSimilarity(self.temperature, name="paired_similarity")(first["pooled_output"],
                                                                              second["pooled_output"])
        return keras.Model(inputs, logits, name="contrastive_sentence_model")

    def batch_to_inputs(self, windows, lengths):
        inputs = {"token_ids": windows, "padding_mask": self.padding_mask(windows, lengths)}
        targets, weights = own_index_targets(windows)
        return inputs, targets, weights

    def headline(self, loss, accuracy):
        return {"contrastive_accuracy": accuracy, "contrastive_loss": loss}


class MaskedAndContrastiveModel(MaskedLanguageModel):
    """Masked LM and SimCSE at once, weighted equally.

    The masked windows are encoded twice with dropout: the first pass's token states predict
    the masked tokens, the two passes' mean-pooled vectors give SimCSE's in-batch logits. Both
    go out as one logits tensor (the contrastive row padded to the vocabulary with very
    negative logits), so the one weighted cross-entropy adds them up; the contrastive target
    of a window weighs as much as all of its masked tokens together.

    Args:
        backbone: a keras-hub encoder backbone.
        tokenizer: its tokenizer (it needs a mask token).
        mask_rate: fraction of tokens selected for prediction.
        sequence_length: tokens per training window.
        temperature: divides the cosine similarities.
    """

    name = "mlm+simcse"
    headline_metric = "combined_loss"

    def __init__(self, backbone, tokenizer, mask_rate=0.15, sequence_length=128, temperature=TEMPERATURE):
        self.temperature = temperature
        super().__init__(backbone, tokenizer, mask_rate=mask_rate, sequence_length=sequence_length)

    def build_model(self):
        inputs = self.masked_inputs()
        text = {"token_ids": inputs["token_ids"], "padding_mask": inputs["padding_mask"]}
        first, second = DropoutPair(BackboneEncoder(self.backbone, pooling="mean"), name="encoder")(text)
        masked_logits = self.masked_lm_head()(first["sequence_output"], mask_positions=inputs["mask_positions"])
        similarity = PairedSimilarity(self.temperature, name="paired_similarity")(first["pooled_output"],
                                                                                 second["pooled_output"])
        logits = JoinedLogits(name="joined_logits")(masked_logits, similarity)
        return keras.Model(inputs, logits, name="masked_and_contrastive_model")

    def batch_to_inputs(self, windows, lengths):
        inputs, mask_ids, mask_weights = super().batch_to_inputs(windows, lengths)
        targets, _ = own_index_targets(windows)
        weights = tf.reduce_sum(mask_weights, axis=1, keepdims=True)
        return inputs, tf.concat([mask_ids, targets], 1), tf.concat([mask_weights, weights], 1)

    def headline(self, loss, accuracy):
        return {"combined_loss": loss, "combined_accuracy": accuracy}


def own_index_targets(windows):
    """Each window's target is its own index in the batch: `(batch, 1)` int32, weights of 1."""
    batch = tf.shape(windows)[0]
    return tf.range(batch, dtype=tf.int32)[:, None], tf.ones([batch, 1], tf.float32)


class DropoutPair(keras.layers.Layer):
    """Runs an encoder twice on the same inputs with dropout on, whatever the model's `training`
    flag: two slightly different encodings, SimCSE's positive pair."""

    def __init__(self, encoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder

    def call(self, inputs):
        return self.encoder(inputs, training=True), self.encoder(inputs, training=True)

    def compute_output_spec(self, inputs):
        return self.encoder.compute_output_spec(inputs), self.encoder.compute_output_spec(inputs)


class PairedSimilarity(keras.layers.Layer):
    """Cosine similarities of every first vector to every second one, over a temperature:
    `(batch, 1, batch)` float32 logits."""

    def __init__(self, temperature=TEMPERATURE, **kwargs):
        super().__init__(**kwargs)
        self.temperature = temperature

    def call(self, first, second):
        first = ops.normalize(ops.cast(first, "float32"), axis=-1)
        second = ops.normalize(ops.cast(second, "float32"), axis=-1)
        return ops.expand_dims(ops.matmul(first, ops.transpose(second)) / self.temperature, 1)

    def compute_output_spec(self, first, second):
        return keras.KerasTensor((first.shape[0], 1, second.shape[0]), dtype="float32")

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature}


class JoinedLogits(keras.layers.Layer):
    """Masked-LM logits `(batch, masks, vocabulary)` and similarity logits `(batch, 1, batch)`
    as one `(batch, masks + 1, vocabulary)` tensor; the similarity row is padded with very
    negative logits, which a softmax turns into zero."""

    def call(self, masked_logits, similarity):
        masked_logits = ops.cast(masked_logits, "float32")
        missing = ops.shape(masked_logits)[-1] - ops.shape(similarity)[-1]
        padded = ops.pad(similarity, [[0, 0], [0, 0], [0, missing]], constant_values=-1e9)
        return ops.concatenate([masked_logits, padded], axis=1)

    def compute_output_spec(self, masked_logits, similarity):
        masks = None if masked_logits.shape[1] is None else masked_logits.shape[1] + 1
        return keras.KerasTensor((masked_logits.shape[0], masks, masked_logits.shape[2]), dtype="float32")
