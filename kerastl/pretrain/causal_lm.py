"""`CausalLanguageModel`: next-token pretraining (GPT's objective) of any keras-hub causal decoder."""

import math

import keras
import tensorflow as tf

from kerastl.layers import BackboneEncoder, text_inputs
from kerastl.pretrain.objective import PretrainingObjective


class CausalLanguageModel(PretrainingObjective):
    """Predict each next token: a keras-hub causal decoder (GPT-2, Gemma, Llama, ...) whose
    logits come from its reversible token embedding (tied input and output embeddings, or the
    backbone's own output embedding). The tokenizer can be any keras-hub one; `kerastl
    pretrain` from scratch uses its learned vocabulary, so the tokenizer's end id ends each
    document. The held-out metric is perplexity (and next-token accuracy).

    Args:
        backbone: a keras-hub causal decoder backbone.
        tokenizer: its tokenizer.
        sequence_length: tokens predicted per training window.

    Example:

    >>> from kerastl.pretrain import CausalLanguageModel, new_backbone
    >>> objective = CausalLanguageModel(new_backbone("clm", tokenizer, "tiny"), tokenizer)  # doctest: +SKIP
    """

    name = "clm"
    headline_metric = "perplexity"

    @property
    def window_length(self):
        return self.sequence_length + 1  # inputs are the first L tokens, targets the last L

    def build_model(self):
        inputs = text_inputs()
        sequence = BackboneEncoder(self.backbone, name="decoder")(inputs)["sequence_output"]
        logits = self.backbone.token_embedding(sequence, reverse=True)
        return keras.Model(inputs, logits, name="causal_language_model")

    def batch_to_inputs(self, windows, lengths):
        token_ids, targets = windows[:, :-1], windows[:, 1:]
        inputs = {"token_ids": token_ids, "padding_mask": self.padding_mask(token_ids, lengths)}
        # Target i is token i + 1: real when i + 1 < length.
        return inputs, targets, tf.cast(self.padding_mask(targets, lengths - 1), tf.float32)

    def headline(self, loss, accuracy):
        perplexity = math.exp(min(loss, 50.0)) if not math.isnan(loss) else math.nan
        return {"perplexity": perplexity, "next_token_accuracy": accuracy, "next_token_loss": loss}
