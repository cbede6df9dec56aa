"""`Seq2SeqTranslator`: a whole keras-hub encoder-decoder (BART, T5) as one layer."""

import keras
from keras import ops

from kerastl.backbones.families import SEQ2SEQ, architecture_of

#: T5's attention query and value projections, which keras-hub's default LoRA names miss.
T5_LORA_LAYERS = ["query_projector", "value_projector"]


@keras.saving.register_keras_serializable(package="kerastl")
class Seq2SeqTranslator(keras.layers.Layer):
    """A pretrained encoder-decoder backbone with keras-hub's own language-model head.

    The layer wraps the backbone in keras-hub's `Seq2SeqLM` task of its family
    (`BartSeq2SeqLM`, `T5Seq2SeqLM`, ...), so training, encoding and cached decoding are
    keras-hub's own code and the logits come from the backbone's token embedding
    (`token_embedding(..., reverse=True)`: tied, or T5's separate output projection).

    Called on `{"token_ids", "padding_mask", "decoder_token_ids"}` (sources and teacher-forced
    target prefixes) it returns the next-token logits `(batch, target_length, vocabulary)`.
    Target padding needs no mask: it only follows the real tokens, which the causal mask keeps
    from seeing it. For generation with keras-hub samplers, `encode` runs the encoder once and
    `call_with_cache` runs the decoder one step at a time, with the same signature as
    `kerastl.layers.TranslationDecoder.call_with_cache`.

    Args:
        backbone: a keras-hub encoder-decoder backbone (`keras_hub.models.BartBackbone`,
            `keras_hub.models.T5Backbone`).
        lora_rank: when set, low-rank adaptation of this rank on the attention query and value
            projections (keras-hub's `enable_lora`, with T5's projections added to its default
            names; unless the backbone has LoRA already); the backbone's own weights are then
            frozen.

    Raises:
        ValueError: when `backbone` is not an encoder-decoder, or for an invalid `lora_rank`.

    Example:

    >>> import numpy as np
    >>> from kerastl.layers import Seq2SeqTranslator
    >>> translator = Seq2SeqTranslator(keras_hub.models.BartBackbone.from_preset(folder))  # doctest: +SKIP
    >>> translator({"token_ids": np.array([[0, 5, 2]]), "padding_mask": np.ones((1, 3), bool),
    ...             "decoder_token_ids": np.array([[2, 0]])}).shape  # doctest: +SKIP
    (1, 2, 50265)
    """

    def __init__(self, backbone, lora_rank=None, **kwargs):
        super().__init__(**kwargs)
        if lora_rank is not None and (not isinstance(lora_rank, int) or lora_rank <= 0):
            raise ValueError(f"`lora_rank` must be a positive integer or None. Received: lora_rank={lora_rank!r}")
        if architecture_of(backbone) != SEQ2SEQ:
            raise ValueError(
                f"`Seq2SeqTranslator` needs an encoder-decoder backbone such as BART or T5; "
                f"{type(backbone).__name__} is of the '{architecture_of(backbone)}' kind. Fix: use TranslationTask, "
                f"which puts a new decoder on other backbones. Received: backbone={backbone.name!r}"
            )

        # === Layers ===
        if lora_rank is not None and not _has_lora(backbone):
            backbone.enable_lora(lora_rank, target_layer_names=backbone.default_lora_layer_names() + T5_LORA_LAYERS)
        self.language_model = seq2seq_lm_class(backbone)(backbone=backbone, preprocessor=None, compile=False)

        # === Config ===
        self.lora_rank = lora_rank

    @property
    def backbone(self):
        """The wrapped keras-hub backbone."""
        return self.language_model.backbone

    def call(self, inputs, training=None):
        decoder_token_ids = inputs["decoder_token_ids"]
        return self.language_model(
            {
                "encoder_token_ids": inputs["token_ids"],
                "encoder_padding_mask": inputs["padding_mask"],
                "decoder_token_ids": decoder_token_ids,
                "decoder_padding_mask": ops.ones_like(decoder_token_ids, dtype="bool"),
            },
            training=training,
        )

    def encode(self, token_ids, padding_mask):
        """The encoder's token states `(batch, source_length, hidden_dim)` (inference)."""
        return self.language_model.call_encoder(token_ids=token_ids, padding_mask=padding_mask)

    def empty_cache(self, batch_size, target_length, source_length):
        """Zero caches for `call_with_cache`: `(self_cache, cross_cache)`.

        Each is `(batch, num_layers, 2, length, num_heads, head_dim)` (keys and values).
        """
        backbone = self.backbone
        head_dim = getattr(backbone, "key_value_dim", None) or backbone.hidden_dim // backbone.num_heads
        shape = [batch_size, backbone.num_layers, 2, target_length, backbone.num_heads, head_dim]
        self_cache = ops.zeros(shape, dtype=self.language_model.compute_dtype)
        shape[3] = source_length
        return self_cache, ops.zeros(shape, dtype=self.language_model.compute_dtype)

    def call_with_cache(self, token_ids, encoder_sequence, encoder_padding_mask, self_cache, index,
                        cross_cache, cross_index=None):
        """Run the decoder on `token_ids` placed at position `index`, reading and updating caches.

        Args:
            token_ids: int `(batch, steps)`: the new tokens (one during generation; the whole
                prompt when seeding the cache with `index=0`).
            encoder_sequence: the states from `encode`.
            encoder_padding_mask: bool `(batch, source_length)`.
            self_cache: the self-attention cache from `empty_cache` or a previous step.
            index: where `token_ids` go in the target sequence.
            cross_cache: the cross-attention cache.
            cross_index: 0 to compute the cross-attention cache (first call), None to reuse it.

        Returns:
            `(logits, hidden_states, self_cache, cross_cache)`.
        """
        return self.language_model.call_decoder_with_cache(
            encoder_hidden_states=encoder_sequence,
            encoder_padding_mask=encoder_padding_mask,
            decoder_token_ids=token_ids,
            self_attention_cache=self_cache,
            self_attention_cache_update_index=index,
            cross_attention_cache=cross_cache,
            cross_attention_cache_update_index=cross_index,
        )

    def call_decoder(self, token_ids, encoder_sequence, encoder_padding_mask):
        """Logits for every position of `token_ids` from scratch (nothing reused between calls)."""
        self_cache, cross_cache = self.empty_cache(
            ops.shape(token_ids)[0], ops.shape(token_ids)[1], ops.shape(encoder_sequence)[1]
        )
        logits, _, _, _ = self.call_with_cache(
            token_ids, encoder_sequence, encoder_padding_mask, self_cache, 0, cross_cache, 0
        )
        return logits

    def compute_output_shape(self, input_shape):
        return tuple(input_shape["decoder_token_ids"]) + (int(self.backbone.token_embedding.input_dim),)

    def get_config(self):
        config = super().get_config()
        config.update({"backbone": keras.saving.serialize_keras_object(self.backbone), "lora_rank": self.lora_rank})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["backbone"] = keras.saving.deserialize_keras_object(config["backbone"])
        return cls(**config)


def _has_lora(backbone):
    return any(getattr(layer, "lora_enabled", False) for layer in backbone._flatten_layers(include_self=False))


def seq2seq_lm_class(backbone):
    """keras-hub's `Seq2SeqLM` task class for an encoder-decoder backbone (or its class).

    Raises:
        ValueError: when keras-hub has no such task for the backbone.
    """
    import keras_hub

    backbone_class = backbone if isinstance(backbone, type) else type(backbone)
    pending = [keras_hub.models.Seq2SeqLM]
    while pending:
        task_class = pending.pop()
        known = getattr(task_class, "backbone_cls", None)
        if isinstance(known, type) and issubclass(backbone_class, known):
            return task_class
        pending.extend(task_class.__subclasses__())
    raise ValueError(
        f"keras-hub has no Seq2SeqLM task for {backbone_class.__name__}, so it cannot translate as a whole "
        "encoder-decoder. Fix: use a BART or T5 backbone, or an encoder backbone (warm start)."
    )


def seq2seq_special_ids(backbone, tokenizer):
    """The ids keras-hub packs a family's sequences with, read off its `Seq2SeqLMPreprocessor`.

    Returns:
        A dict: `encoder_start` (list, empty for T5), `end` and `pad` (ints), and
        `decoder_start`, the prompt the decoder starts from (`[</s>, <s>]` for BART, `[<pad>]`
        for T5).
    """
    preprocessor = seq2seq_lm_class(backbone).preprocessor_cls(tokenizer=tokenizer)
    preprocessor.build(None)
    encoder, decoder = preprocessor.encoder_packer, preprocessor.decoder_packer
    return {
        "encoder_start": [int(i) for i in encoder.start_value or []],
        "end": int(encoder.end_value[0]),
        "pad": int(encoder.pad_value),
        "decoder_start": [int(i) for i in decoder.start_value],
    }
