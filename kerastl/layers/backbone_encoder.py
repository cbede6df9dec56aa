"""`BackboneEncoder`: a pretrained keras-hub backbone as one reusable Keras layer."""

import keras
from keras import ops

from kerastl.backbones.families import DECODER, architecture_of

POOLING_MODES = ("auto", "cls", "mean", "max", "last", "pooler")


@keras.saving.register_keras_serializable(package="kerastl")
class BackboneEncoder(keras.layers.Layer):
    """Wrap a keras-hub backbone: token states plus a pooled vector, with freezing and LoRA.

    The layer takes `{"token_ids": int (batch, length), "padding_mask": bool (batch, length)}`
    and returns `{"sequence_output": (batch, length, hidden), "pooled_output": (batch, hidden)}`.
    Backbones that expect segment ids (BERT, ELECTRA, ALBERT: `takes_segment_ids`) get the
    optional `segment_ids` input (int, (batch, length): 1 on the second text of a pair, see
    `kerastl.preprocessing.pack_token_id_pairs`), zeros without it.

    Args:
        backbone: a `keras_hub.models.Backbone` (for example from
            `kerastl.backbones.load_backbone`).
        pooling: how to pool token states into one vector: "cls" (first token), "mean" (over
            real tokens), "max" (over real tokens), "last" (the last real token: the only one
            that has seen the whole text in a causal decoder), or "auto": the backbone's
            choice, "last" for causal decoders (GPT-2, Gemma, Llama, ...) and "mean" for
            encoders. "cls" on a causal decoder is refused: its first token sees only itself.
            "pooler": the backbone's own pooled output (BERT's and ALBERT's tanh layer over the
            first token, pretrained with it), the vector keras-hub's BERT and ALBERT
            `TextClassifier`s read: a classifier pooled this way exports as a whole keras-hub
            `TextClassifier` (`kerastl export --format keras-hub`).
        freeze: "none" trains every weight, "all" none of the backbone's, and an integer N
            freezes the embeddings and the bottom N transformer layers (of the encoder, for
            an encoder-decoder such as BART or T5).
        lora_rank: when set, enables low-rank adaptation of this rank on the attention query and
            value projections; the backbone's own weights are then frozen.

    Example:

    >>> import keras
    >>> from kerastl.backbones import load_backbone
    >>> from kerastl.layers import BackboneEncoder
    >>> backbone, tokenizer = load_backbone("minilm-l6")  # doctest: +SKIP
    >>> encoder = BackboneEncoder(backbone, pooling="mean", freeze=2)  # doctest: +SKIP
    >>> token_ids = keras.Input((None,), dtype="int32", name="token_ids")  # doctest: +SKIP
    >>> padding_mask = keras.Input((None,), dtype="bool", name="padding_mask")  # doctest: +SKIP
    >>> pooled = encoder({"token_ids": token_ids, "padding_mask": padding_mask})["pooled_output"]  # doctest: +SKIP
    """

    def __init__(self, backbone, pooling="auto", freeze="none", lora_rank=None, **kwargs):
        super().__init__(**kwargs)
        if pooling not in POOLING_MODES:
            raise ValueError(f"`pooling` must be one of {POOLING_MODES}. Received: pooling={pooling!r}")
        if not (freeze in ("none", "all") or (isinstance(freeze, int) and freeze >= 0)):
            raise ValueError(
                f"`freeze` must be 'none', 'all' or a number of bottom transformer layers. Received: freeze={freeze!r}"
            )
        causal = architecture_of(backbone) == DECODER
        if pooling == "auto":
            pooling = "last" if causal else "mean"
        if pooling == "cls" and causal:
            raise ValueError(
                f"`pooling='cls'` pools the first token, which a causal decoder ({type(backbone).__name__}) "
                "lets see only itself. Use 'last', 'mean' or 'auto'. Received: pooling='cls'"
            )
        if pooling == "pooler" and not has_pooler(backbone):
            raise ValueError(
                f"`pooling='pooler'` reads the backbone's own pooled output, which {type(backbone).__name__} does "
                "not have (BERT and ALBERT backbones do). Use 'cls', 'mean' or 'auto'. Received: pooling='pooler'"
            )
        if lora_rank is not None and (not isinstance(lora_rank, int) or lora_rank <= 0):
            raise ValueError(f"`lora_rank` must be a positive integer or None. Received: lora_rank={lora_rank!r}")

        # === Layers ===
        self.backbone = backbone
        self.pooling = pooling
        self._apply_freezing(freeze)
        if lora_rank is not None:
            backbone.enable_lora(lora_rank)

        # === Config ===
        self.freeze = freeze
        self.lora_rank = lora_rank
        self.hidden_dim = backbone.hidden_dim
        #: Whether the backbone reads segment ids (which text of a pair a token is from).
        self.takes_segment_ids = "segment_ids" in _input_names(backbone)

    def _apply_freezing(self, freeze):
        for layer in self.backbone.layers:
            if layer.name == "pooled_dense" and self.pooling != "pooler":  # BERT's pooler, unused: pooling happens here
                layer.trainable = False
        if freeze == "all":
            self.backbone.trainable = False
        elif isinstance(freeze, int) and freeze > 0:
            # Encoder-decoders (BART, T5) freeze from the bottom of their encoder.
            transformer_layers = list(getattr(self.backbone, "transformer_layers", None)
                                      or getattr(self.backbone, "encoder_transformer_layers", []))
            if freeze > len(transformer_layers):
                raise ValueError(
                    f"`freeze` asks for {freeze} frozen layers but the backbone has "
                    f"{len(transformer_layers)}. Received: freeze={freeze}"
                )
            for layer in self.backbone.layers:
                if "embedding" in layer.name:
                    layer.trainable = False
            for layer in transformer_layers[:freeze]:
                layer.trainable = False

    def call(self, inputs, training=None):
        token_ids = inputs["token_ids"]
        padding_mask = inputs["padding_mask"]
        backbone_inputs = {"token_ids": token_ids, "padding_mask": padding_mask}
        if self.takes_segment_ids:
            segment_ids = inputs.get("segment_ids")
            backbone_inputs["segment_ids"] = ops.zeros_like(token_ids) if segment_ids is None else segment_ids
        outputs = self.backbone(backbone_inputs, training=training)
        sequence = outputs["sequence_output"] if isinstance(outputs, dict) else outputs
        pooled = outputs["pooled_output"] if self.pooling == "pooler" else self._pool(sequence, padding_mask)
        return {"sequence_output": sequence, "pooled_output": pooled}

    def _pool(self, sequence, padding_mask):
        if self.pooling == "cls":
            return sequence[:, 0, :]
        if self.pooling == "last":
            # The last real token of each row (padding may sit on either side of it).
            positions = ops.arange(ops.shape(padding_mask)[1])[None, :]
            last = ops.max(ops.where(padding_mask, positions, 0), axis=1)
            return ops.take_along_axis(sequence, last[:, None, None], axis=1)[:, 0, :]
        mask = ops.expand_dims(ops.cast(padding_mask, sequence.dtype), -1)
        if self.pooling == "mean":
            total = ops.sum(sequence * mask, axis=1)
            return total / ops.maximum(ops.sum(mask, axis=1), 1.0)
        very_negative = ops.cast(-1e4, sequence.dtype)
        return ops.max(ops.where(mask > 0, sequence, very_negative), axis=1)

    def compute_output_spec(self, inputs, training=None):
        token_ids = inputs["token_ids"]
        batch, length = token_ids.shape[0], token_ids.shape[1]
        dtype = self.compute_dtype
        return {
            "sequence_output": keras.KerasTensor((batch, length, self.hidden_dim), dtype=dtype),
            "pooled_output": keras.KerasTensor((batch, self.hidden_dim), dtype=dtype),
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "backbone": keras.saving.serialize_keras_object(self.backbone),
                "pooling": self.pooling,
                "freeze": self.freeze,
                "lora_rank": self.lora_rank,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["backbone"] = keras.saving.deserialize_keras_object(config["backbone"])
        return cls(**config)


def has_pooler(backbone):
    """Whether the backbone returns a `pooled_output` of its own (BERT, ALBERT)."""
    outputs = backbone.output
    return isinstance(outputs, dict) and "pooled_output" in outputs


def _input_names(backbone):
    inputs = backbone.input
    return set(inputs) if isinstance(inputs, dict) else set()
