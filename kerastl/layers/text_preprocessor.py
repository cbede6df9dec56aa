"""`TextPreprocessor`: strings in, the inputs of a `BackboneEncoder` out, as a Keras layer."""

import keras
import tensorflow as tf

from kerastl.preprocessing.padding import packed_inputs


@keras.saving.register_keras_serializable(package="kerastl")
class TextPreprocessor(keras.layers.Layer):
    """Tokenize and pack strings for a backbone: `{"token_ids", "padding_mask"}` for a `BackboneEncoder`.

    The packing of kerastl's tasks (the family's start and end ids, truncation to `max_length`),
    padded to the longest text of the batch (or to `max_length` with `pad_to_max_length`, for
    shapes that never change). Like keras-hub's preprocessors it runs TensorFlow ops, so use it
    in a `tf.data` pipeline (`dataset.map(preprocessor)`) on any Keras backend; the model then
    takes its outputs. `from_backbone` finds the tokenizer as kerastl finds backbones (bundled
    names, keras-hub presets, local keras-hub or Hugging Face folders).

    Args:
        tokenizer: a keras-hub tokenizer.
        max_length: the longest packed sequence, special ids included.
        pad_to_max_length: pad every batch to `max_length` instead of to its longest text.
        prefix: put before the output names (`"first_"` gives `first_token_ids`, ...), for models
            that read several texts (as `kerastl.layers.text_inputs(prefix)` names them).

    Example:

    >>> from kerastl.layers import TextPreprocessor
    >>> preprocessor = TextPreprocessor.from_backbone("minilm-l6", max_length=64)  # doctest: +SKIP
    >>> dataset = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(32)  # doctest: +SKIP
    >>> dataset = dataset.map(lambda x, y: (preprocessor(x), y))  # doctest: +SKIP
    """

    def __init__(self, tokenizer, max_length=128, pad_to_max_length=False, prefix="", **kwargs):
        super().__init__(**kwargs)
        # As keras-hub's preprocessing layers do: strings reach `call` as they are, on every backend.
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        if not isinstance(max_length, int) or max_length < 4:
            raise ValueError(f"`max_length` must be an integer of at least 4. Received: max_length={max_length!r}")
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.pad_to_max_length = bool(pad_to_max_length)
        self.prefix = prefix
        # Traced once: keras-hub's tokenizers give Python lists for ragged output when run eagerly.
        self._pack = tf.function(self._pack_texts, input_signature=[tf.TensorSpec([None], tf.string)])

    @classmethod
    def from_backbone(cls, backbone="minilm-l6", max_length=128, **kwargs):
        """The preprocessor of a backbone's tokenizer (a name or folder, as `kerastl.load_backbone` takes)."""
        from kerastl.backbones import load_tokenizer

        return cls(load_tokenizer(backbone), max_length=max_length, **kwargs)

    def call(self, texts):
        return {f"{self.prefix}{name}": value
                for name, value in self._pack(tf.reshape(tf.convert_to_tensor(texts, tf.string), [-1])).items()}

    def _pack_texts(self, texts):
        return packed_inputs(self.tokenizer, texts, self.max_length, self.max_length if self.pad_to_max_length else None)

    def get_config(self):
        config = super().get_config()
        config.update({"tokenizer": keras.saving.serialize_keras_object(self.tokenizer),
                       "max_length": self.max_length, "pad_to_max_length": self.pad_to_max_length,
                       "prefix": self.prefix})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["tokenizer"] = keras.saving.deserialize_keras_object(config["tokenizer"])
        return cls(**config)
