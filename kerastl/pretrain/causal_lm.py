"""`CausalLanguageModel`: GPT-style next-token pretraining of a keras-hub `GPT2Backbone`."""

import math

import keras
import tensorflow as tf

from kerastl.layers import text_inputs
from kerastl.pretrain.objective import PretrainingObjective


class CausalLanguageModel(PretrainingObjective):
    """Predict each next token: a `GPT2Backbone` whose logits come from its reversible token
    embedding (input and output embeddings tied). The tokenizer can be any keras-hub one;
    `kerastl pretrain` uses the same WordPiece tokenizer as for masked LM, so `[SEP]` ends each
    document. The held-out metric is perplexity (and next-token accuracy).

    Args:
        tokenizer: a keras-hub tokenizer.
        size: the transformer dimensions.
        **kwargs: `sequence_length`, `max_sequence_length`, `dropout` of
            `PretrainingObjective`.

    Example:

    >>> from kerastl.pretrain import CausalLanguageModel, backbone_size
    >>> objective = CausalLanguageModel(tokenizer, backbone_size("tiny"))  # doctest: +SKIP
    """

    name = "clm"
    headline_metric = "perplexity"

    @property
    def window_length(self):
        return self.sequence_length + 1  # inputs are the first L tokens, targets the last L

    def build_backbone(self):
        import keras_hub

        return keras_hub.models.GPT2Backbone(
            vocabulary_size=self.vocabulary_size, dropout=self.dropout,
            max_sequence_length=self.max_sequence_length, **self.size,
        )

    def build_model(self):
        inputs = text_inputs()
        sequence = self.backbone(inputs)
        logits = self.backbone.token_embedding(sequence, reverse=True)
        return keras.Model(inputs, logits, name="causal_language_model")

    def batch_to_inputs(self, windows):
        token_ids, targets = windows[:, :-1], windows[:, 1:]
        inputs = {"token_ids": token_ids, "padding_mask": tf.not_equal(token_ids, self.special.pad)}
        return inputs, targets, tf.cast(tf.not_equal(targets, self.special.pad), tf.float32)

    def headline(self, loss, accuracy):
        perplexity = math.exp(min(loss, 50.0)) if not math.isnan(loss) else math.nan
        return {"perplexity": perplexity, "next_token_accuracy": accuracy, "next_token_loss": loss}
