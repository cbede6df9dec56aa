"""`TranslationDecoder`: a Transformer decoder with cross-attention, for generating text."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerastl")
class TranslationDecoder(keras.layers.Layer):
    """Token and position embeddings, stacked `keras_hub.layers.TransformerDecoder`s, logits.

    Called on `{"token_ids", "encoder_sequence", "encoder_padding_mask"}` it returns the
    next-token logits `(batch, length, vocabulary_size)` for teacher-forced training (a causal
    mask keeps each position from seeing later ones). `call_with_cache` runs the same layers
    one step at a time over cached self- and cross-attention keys and values, for generation
    with keras-hub samplers. The output projection shares the token embedding's weights.

    Args:
        vocabulary_size: the target vocabulary's size.
        num_layers: how many decoder blocks.
        hidden_dim: the width; must equal the encoder's to cross-attend without projection.
        num_heads: attention heads per block (must divide `hidden_dim`).
        intermediate_dim: the width of each feedforward block.
        max_sequence_length: the longest target sequence (position embeddings).
        dropout: dropout rate inside the blocks and after the embeddings.

    Example:

    >>> import numpy as np
    >>> from kerastl.layers import TranslationDecoder
    >>> decoder = TranslationDecoder(vocabulary_size=50, num_layers=1, hidden_dim=8, num_heads=2)
    >>> logits = decoder({"token_ids": np.ones((2, 5), "int32"),
    ...                   "encoder_sequence": np.zeros((2, 7, 8), "float32"),
    ...                   "encoder_padding_mask": np.ones((2, 7), bool)})
    >>> tuple(logits.shape)
    (2, 5, 50)
    """

    def __init__(self, vocabulary_size, num_layers=3, hidden_dim=384, num_heads=6, intermediate_dim=1536,
                 max_sequence_length=128, dropout=0.1, **kwargs):
        super().__init__(**kwargs)
        import keras_hub

        if hidden_dim % num_heads:
            raise ValueError(
                f"`num_heads` must divide `hidden_dim`. Received: hidden_dim={hidden_dim}, num_heads={num_heads}"
            )

        # === Layers ===
        self.token_embedding = keras_hub.layers.ReversibleEmbedding(
            vocabulary_size, hidden_dim, tie_weights=True, name="token_embedding",
            embeddings_initializer=keras.initializers.RandomNormal(stddev=0.02),
        )
        self.position_embedding = keras_hub.layers.PositionEmbedding(max_sequence_length, name="position_embedding")
        self.embedding_norm = keras.layers.LayerNormalization(epsilon=1e-5, name="embedding_norm")
        self.embedding_dropout = keras.layers.Dropout(dropout, name="embedding_dropout")
        self.blocks = [
            keras_hub.layers.TransformerDecoder(
                intermediate_dim, num_heads, dropout=dropout, normalize_first=True, activation="gelu",
                layer_norm_epsilon=1e-5, name=f"decoder_block_{i}",
            )
            for i in range(num_layers)
        ]
        self.output_norm = keras.layers.LayerNormalization(epsilon=1e-5, name="output_norm")

        # === Config ===
        self.vocabulary_size = vocabulary_size
        self.num_layers = num_layers
        self.hidden_dim = hidden_dim
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim
        self.max_sequence_length = max_sequence_length
        self.dropout = dropout

    def build(self, input_shape):
        batch = input_shape["token_ids"][0]
        sequence_shape = (batch, input_shape["token_ids"][1], self.hidden_dim)
        self.token_embedding.build(input_shape["token_ids"])
        self.position_embedding.build(sequence_shape)
        self.embedding_norm.build(sequence_shape)
        for block in self.blocks:
            block.build(sequence_shape, input_shape["encoder_sequence"])
        self.output_norm.build(sequence_shape)
        self.built = True

    def _embed(self, token_ids, start_index=0, training=None):
        tokens = self.token_embedding(token_ids)
        x = tokens + self.position_embedding(tokens, start_index=start_index)
        return self.embedding_dropout(self.embedding_norm(x), training=training)

    def call(self, inputs, training=None):
        x = self._embed(inputs["token_ids"], training=training)
        for block in self.blocks:
            x = block(
                decoder_sequence=x,
                encoder_sequence=inputs["encoder_sequence"],
                encoder_padding_mask=inputs["encoder_padding_mask"],
                training=training,
            )
        return self.token_embedding(self.output_norm(x), reverse=True)

    def call_decoder(self, token_ids, encoder_sequence, encoder_padding_mask):
        """Logits for every position of `token_ids` from scratch (inference; nothing cached)."""
        return self(
            {"token_ids": token_ids, "encoder_sequence": encoder_sequence, "encoder_padding_mask": encoder_padding_mask},
            training=False,
        )

    def empty_cache(self, batch_size, target_length, source_length):
        """Zero caches for `call_with_cache`: `(self_cache, cross_cache)`.

        Each is `(batch, num_layers, 2, length, num_heads, head_dim)` (keys and values), as in
        keras-hub's own seq2seq models.
        """
        head_dim = self.hidden_dim // self.num_heads
        shape = [batch_size, self.num_layers, 2, target_length, self.num_heads, head_dim]
        self_cache = ops.zeros(shape, dtype=self.compute_dtype)
        shape[3] = source_length
        return self_cache, ops.zeros(shape, dtype=self.compute_dtype)

    def call_with_cache(self, token_ids, encoder_sequence, encoder_padding_mask, self_cache, index,
                        cross_cache, cross_index=None):
        """Run the decoder on `token_ids` placed at position `index`, reading and updating caches.

        Args:
            token_ids: int `(batch, steps)`: the new tokens (one during generation; the whole
                prompt when seeding the cache with `index=0`).
            encoder_sequence: the encoder's token states `(batch, source_length, hidden_dim)`.
            encoder_padding_mask: bool `(batch, source_length)`.
            self_cache: the self-attention cache from `empty_cache` or a previous step.
            index: where `token_ids` go in the target sequence.
            cross_cache: the cross-attention cache.
            cross_index: 0 to compute the cross-attention cache (first call), None to reuse it.

        Returns:
            `(logits, hidden_states, self_cache, cross_cache)`.
        """
        x = self._embed(token_ids, start_index=index)
        self_caches, cross_caches = [], []
        for i, block in enumerate(self.blocks):
            x, layer_self_cache, layer_cross_cache = block(
                decoder_sequence=x,
                encoder_sequence=encoder_sequence,
                encoder_padding_mask=encoder_padding_mask,
                self_attention_cache=self_cache[:, i, ...],
                self_attention_cache_update_index=index,
                cross_attention_cache=cross_cache[:, i, ...],
                cross_attention_cache_update_index=cross_index,
            )
            self_caches.append(layer_self_cache)
            cross_caches.append(layer_cross_cache)
        self_cache = ops.stack(self_caches, axis=1)
        if cross_index is not None:
            cross_cache = ops.stack(cross_caches, axis=1)
        hidden = self.output_norm(x)
        return self.token_embedding(hidden, reverse=True), hidden, self_cache, cross_cache

    def compute_output_shape(self, input_shape):
        return tuple(input_shape["token_ids"]) + (self.vocabulary_size,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "num_layers": self.num_layers,
                "hidden_dim": self.hidden_dim,
                "num_heads": self.num_heads,
                "intermediate_dim": self.intermediate_dim,
                "max_sequence_length": self.max_sequence_length,
                "dropout": self.dropout,
            }
        )
        return config
