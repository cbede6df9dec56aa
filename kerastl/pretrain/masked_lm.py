"""`MaskedLanguageModel`: BERT-style masked-token pretraining of a keras-hub `BertBackbone`."""

import math

import keras
import tensorflow as tf

from kerastl.layers import text_inputs
from kerastl.pretrain.objective import PretrainingObjective


class MaskedLanguageModel(PretrainingObjective):
    """Fill in masked tokens: a `BertBackbone` with keras-hub's masking and LM head.

    `keras_hub.layers.MaskedLMMaskGenerator` picks `mask_rate` of the tokens in the tf.data
    pipeline (80% become [MASK], 10% a random token, 10% stay); a
    `keras_hub.layers.MaskedLMHead` tied to the backbone's token embedding predicts them.
    The held-out metric is the accuracy on masked tokens.

    Args:
        tokenizer: a `keras_hub.models.BertTokenizer` (it needs [MASK]).
        size: the transformer dimensions.
        mask_rate: fraction of tokens selected for prediction.
        **kwargs: `sequence_length`, `max_sequence_length`, `dropout` of
            `PretrainingObjective`.

    Example:

    >>> from kerastl.pretrain import MaskedLanguageModel, backbone_size
    >>> objective = MaskedLanguageModel(tokenizer, backbone_size("tiny"))  # doctest: +SKIP
    """

    name = "mlm"
    headline_metric = "masked_token_accuracy"

    def __init__(self, tokenizer, size, mask_rate=0.15, **kwargs):
        if not 0 < mask_rate < 1:
            raise ValueError(f"`mask_rate` must be between 0 and 1. Received: mask_rate={mask_rate!r}")
        if getattr(tokenizer, "mask_token_id", None) is None:
            raise ValueError("masked LM pretraining needs a tokenizer with a [MASK] token")
        self.mask_rate = mask_rate
        super().__init__(tokenizer, size, **kwargs)
        import keras_hub

        special = [i for i in (self.special.pad, self.special.start, self.special.end) if i is not None]
        self.mask_generator = keras_hub.layers.MaskedLMMaskGenerator(
            vocabulary_size=self.vocabulary_size,
            mask_selection_rate=mask_rate,
            mask_token_id=int(tokenizer.mask_token_id),
            mask_selection_length=math.ceil(self.sequence_length * mask_rate) + 1,
            unselectable_token_ids=special,
        )

    def build_backbone(self):
        import keras_hub

        return keras_hub.models.BertBackbone(
            vocabulary_size=self.vocabulary_size, dropout=self.dropout,
            max_sequence_length=self.max_sequence_length, **self.size,
        )

    def build_model(self):
        import keras_hub

        inputs = {
            **text_inputs(),
            "segment_ids": keras.Input((None,), dtype="int32", name="segment_ids"),
            "mask_positions": keras.Input((None,), dtype="int32", name="mask_positions"),
        }
        # The pooler is not trained by masked LM; leaving it out of the optimizer saves its slots.
        self.backbone.get_layer("pooled_dense").trainable = False
        backbone_inputs = {key: inputs[key] for key in ("token_ids", "padding_mask", "segment_ids")}
        sequence = self.backbone(backbone_inputs)["sequence_output"]
        logits = keras_hub.layers.MaskedLMHead(
            vocabulary_size=self.vocabulary_size,
            token_embedding=self.backbone.token_embedding,
            intermediate_activation="gelu",
            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
            name="masked_lm_head",
        )(sequence, mask_positions=inputs["mask_positions"])
        return keras.Model(inputs, logits, name="masked_language_model")

    def batch_to_inputs(self, windows):
        masked = self.mask_generator(windows)
        inputs = {
            "token_ids": masked["token_ids"],
            "padding_mask": tf.not_equal(windows, self.special.pad),
            "segment_ids": tf.zeros_like(windows),
            "mask_positions": masked["mask_positions"],
        }
        return inputs, masked["mask_ids"], masked["mask_weights"]

    def headline(self, loss, accuracy):
        return {"masked_token_accuracy": accuracy, "masked_token_loss": loss}
