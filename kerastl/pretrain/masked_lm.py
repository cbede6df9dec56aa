"""`MaskedLanguageModel`: masked-token pretraining (BERT's objective) of any keras-hub encoder."""

import math

import keras
import tensorflow as tf

from kerastl.layers import BackboneEncoder, text_inputs
from kerastl.pretrain.objective import PretrainingObjective


class MaskedLanguageModel(PretrainingObjective):
    """Fill in masked tokens: any keras-hub encoder with keras-hub's masking and an LM head.

    `keras_hub.layers.MaskedLMMaskGenerator` picks `mask_rate` of the tokens in the tf.data
    pipeline (80% become the mask token, 10% a random token, 10% stay); a
    `keras_hub.layers.MaskedLMHead` tied to the backbone's token embedding predicts them. The
    backbone is read through `kerastl.layers.BackboneEncoder`, so every encoder family works
    (BERT, RoBERTa, DeBERTa-v3, XLM-R, ALBERT, ELECTRA, DistilBERT). The head is new: keras-hub
    presets and Hugging Face folders hold the backbone only, so a continued run first learns
    the head (the held-out accuracy before training says how far the start is). The held-out
    metric is the accuracy on masked tokens.

    Args:
        backbone: a keras-hub encoder backbone.
        tokenizer: its tokenizer (it needs a mask token).
        mask_rate: fraction of tokens selected for prediction.
        sequence_length: tokens per training window.

    Example:

    >>> from kerastl.pretrain import MaskedLanguageModel, new_backbone
    >>> objective = MaskedLanguageModel(new_backbone("mlm", tokenizer, "tiny"), tokenizer)  # doctest: +SKIP
    """

    name = "mlm"
    headline_metric = "masked_token_accuracy"

    def __init__(self, backbone, tokenizer, mask_rate=0.15, sequence_length=128):
        if not 0 < mask_rate < 1:
            raise ValueError(f"`mask_rate` must be between 0 and 1. Received: mask_rate={mask_rate!r}")
        if getattr(tokenizer, "mask_token_id", None) is None:
            raise ValueError(f"masked LM pretraining needs a tokenizer with a mask token; "
                             f"{type(tokenizer).__name__} has none")
        self.mask_rate = mask_rate
        super().__init__(backbone, tokenizer, sequence_length=sequence_length)
        import keras_hub

        special = [i for i in (self.special.pad, self.special.start, self.special.end) if i is not None]
        self.mask_generator = keras_hub.layers.MaskedLMMaskGenerator(
            vocabulary_size=self.vocabulary_size,
            mask_selection_rate=mask_rate,
            mask_token_id=int(tokenizer.mask_token_id),
            mask_selection_length=math.ceil(self.sequence_length * mask_rate) + 1,
            unselectable_token_ids=special,
        )

    def build_model(self):
        inputs = self.masked_inputs()
        # BackboneEncoder leaves BERT's pooler out of training: masked LM does not train it.
        encoder = BackboneEncoder(self.backbone, name="encoder")
        sequence = encoder({"token_ids": inputs["token_ids"], "padding_mask": inputs["padding_mask"]})["sequence_output"]
        logits = self.masked_lm_head()(sequence, mask_positions=inputs["mask_positions"])
        return keras.Model(inputs, logits, name="masked_language_model")

    @staticmethod
    def masked_inputs():
        """The model's Keras inputs: token ids, padding mask and the masked positions."""
        return {**text_inputs(), "mask_positions": keras.Input((None,), dtype="int32", name="mask_positions")}

    def masked_lm_head(self):
        """A new masked-LM head whose output projection is tied to the backbone's token embedding."""
        import keras_hub

        return keras_hub.layers.MaskedLMHead(
            vocabulary_size=self.vocabulary_size,
            token_embedding=self.backbone.token_embedding,
            intermediate_activation="gelu",
            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
            name="masked_lm_head",
        )

    def batch_to_inputs(self, windows, lengths):
        padding_mask = self.padding_mask(windows, lengths)
        # Padding (only in the last window of a finite stream) is never picked for masking.
        masked = self.mask_generator(tf.where(padding_mask, windows, self.special.pad))
        inputs = {
            "token_ids": masked["token_ids"],
            "padding_mask": padding_mask,
            "mask_positions": masked["mask_positions"],
        }
        return inputs, masked["mask_ids"], masked["mask_weights"]

    def headline(self, loss, accuracy):
        return {"masked_token_accuracy": accuracy, "masked_token_loss": loss}
