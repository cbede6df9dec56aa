"""The two models a `TranslationTask` runs, behind one interface.

- `WarmStartedTranslator`: a pretrained encoder backbone (BERT, RoBERTa, ..., or a causal
  decoder) and a new `kerastl.layers.TranslationDecoder` that writes a target WordPiece
  vocabulary learned from the training targets (saved with the model).
- `PresetTranslator`: a whole pretrained encoder-decoder (BART, T5) through
  `kerastl.layers.Seq2SeqTranslator`; the backbone's own tokenizer reads the sources and writes
  the targets, packed as keras-hub's `Seq2SeqLMPreprocessor` of the family packs them.

A translator owns what differs between the two: the special ids, how sources and targets become
ids, the model, the target tokenizer and detokenization, the serving graph's inputs and
outputs, and the assets saved beside the model. Both generate through one compiled function
per backend (`Translator.generate`): keras-hub's greedy or beam sampler over cached attention.
"""

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from kerastl.backbones import backbone_architecture
from kerastl.backbones.families import SEQ2SEQ
from kerastl.backbones.tokenizer_files import load_tokenizer, save_tokenizer
from kerastl.errors import ModelLoadError
from kerastl.export.serving_inputs import serving_inputs
from kerastl.layers import BackboneEncoder, Seq2SeqTranslator, TranslationDecoder, text_inputs
from kerastl.layers.seq2seq_translator import seq2seq_special_ids
from kerastl.preprocessing import tokenize_texts
from kerastl.preprocessing.detokenization import detokenize, detokenize_in_graph
from kerastl.preprocessing.padding import padded_inputs
from kerastl.preprocessing.target_vocabulary import TARGET_SPECIAL_TOKENS, learn_target_vocabulary
from kerastl.tasks.translation.generation import DecodingIds, compiled_generation, generate, kept_ids
from kerastl.tasks.translation.packing import packed_ids, packed_ids_in_graph

TARGET_TOKENIZER_FOLDER = "target_tokenizer"
PAD_ID, UNKNOWN_ID, START_ID, END_ID = range(len(TARGET_SPECIAL_TOKENS))


class Translator:
    """What one kind of translation model does; `TranslationTask` delegates to it.

    It reads the task's settings (`max_length`, `max_target_length`, ...), tokenizer and model
    from `task`, so it follows them as `build` or `load` sets them.
    """

    #: What the export's metadata says about the decoder.
    decoder_description = ""

    def __init__(self, task):
        self.task = task
        self._samplers = {}
        self._generate = None
        self._generate_model = None

    @property
    def target_tokenizer(self):
        """The target vocabulary learned from the training data, or None (the backbone's own)."""
        return None

    # === What each translator defines ===

    @property
    def decoding(self):
        """The `DecodingIds`: the decoder's start prompt, end and padding ids, hidden ids."""
        raise NotImplementedError

    def setup(self, targets):
        """Learn from the training target texts what the model depends on."""

    def source_ids(self, sources):
        """Source texts -> ragged packed ids, at most `max_length` each."""
        raise NotImplementedError

    def target_ids(self, targets):
        """Target texts -> ragged `prompt + pieces + end` ids, at most `max_target_length + 1`
        each (decoder inputs and labels shift by one)."""
        return packed_ids(self._writer(), targets, self.decoding.prompt, self.decoding.end,
                          self.task.max_target_length + 1)

    def build_model(self, encoder):
        """A `keras.Model` from `{"token_ids", "padding_mask", "decoder_token_ids"}` to next-token logits."""
        raise NotImplementedError

    def encoder_and_decoder(self):
        """`encode(token_ids, padding_mask)` -> the source token states, and the layer that decodes
        them (`call_with_cache`, `call_decoder`, `empty_cache`)."""
        raise NotImplementedError

    def translations(self, kept):
        """Ragged generated ids (`kept_ids`) -> `(texts, tokens)`: one translation and its token list per row."""
        raise NotImplementedError

    def serving_inputs(self, texts):
        """A `tf.string` batch -> padded `{"token_ids", "padding_mask"}` in graph ops, as `source_ids` packs."""
        raise NotImplementedError

    def serving_translations(self, kept):
        """`translations`' texts in graph ops: ragged ids -> a `tf.string` batch."""
        raise NotImplementedError

    def save_assets(self, folder):
        """Write what the model needs besides the backbone tokenizer into `folder`."""

    def load_assets(self, folder):
        """Read back `save_assets`' files and check they belong to the loaded model."""

    def _writer(self):
        """The tokenizer whose pieces the decoder writes."""
        raise NotImplementedError

    # === Generation ===

    def sampler(self, num_beams):
        """keras-hub's greedy sampler for one beam; for more, beam search that stops at each row's
        best finished beam. One object per `num_beams`, so `generate` traces each once."""
        if num_beams not in self._samplers:
            import keras_hub

            from kerastl.tasks.translation.beam_search import EarlyStoppingBeamSampler

            self._samplers[num_beams] = (keras_hub.samplers.GreedySampler() if num_beams == 1
                                         else EarlyStoppingBeamSampler(num_beams))
        return self._samplers[num_beams]

    def generate(self, inputs, sampler, use_cache=True):
        """The generated target ids of padded sources `inputs`, `(batch, max_target_length - prompt)`,
        a tensor of the backend.

        The one compiled generation function of this translator (`generation.compiled_generation`:
        a `tf.function` on TensorFlow, traced once per sampler and `use_cache` for any batch size
        and length, which also runs inside a serving graph; `jax.jit` over the model's variables on
        JAX; `torch.no_grad()` on PyTorch). Inputs may be numpy arrays or tensors.

        Args:
            inputs: `{"token_ids", "padding_mask"}`, padded.
            sampler: a keras-hub sampler (`sampler(num_beams)`, or one of the caller's).
            use_cache: reuse attention keys and values between steps (off only to compare).
        """
        if self._generate is None or self._generate_model is not self.task.model:
            self._generate = compiled_generation(self._generate_ids, self.task.model)
            self._generate_model = self.task.model
        return self._generate(inputs["token_ids"], inputs["padding_mask"], sampler, use_cache)

    def _generate_ids(self, token_ids, padding_mask, sampler, use_cache):
        encode, decoder = self.encoder_and_decoder()
        ids = generate(decoder, sampler, encode(token_ids, padding_mask), padding_mask, self.decoding,
                       self.task.max_target_length, use_cache, model=self.task.model)
        return ids[:, len(self.decoding.prompt):]


class WarmStartedTranslator(Translator):
    """A pretrained encoder backbone and a new `TranslationDecoder` of its width, trained from
    scratch over a target WordPiece vocabulary (case kept) learned from the training targets."""

    decoder_description = "trained from scratch"
    decoding = DecodingIds(prompt=(START_ID,), end=END_ID, pad=PAD_ID, hidden=(PAD_ID, START_ID))

    def __init__(self, task):
        super().__init__(task)
        self._target_tokenizer = None

    @property
    def target_tokenizer(self):
        return self._target_tokenizer

    def setup(self, targets):
        if self._target_tokenizer is None:
            self._target_tokenizer = learn_target_vocabulary(targets, self.task.target_vocabulary_size)

    def source_ids(self, sources):
        return tokenize_texts(self.task.tokenizer, sources, self.task.max_length)

    def _writer(self):
        return self._target_tokenizer

    def build_model(self, encoder):
        task = self.task
        inputs = translation_inputs()
        encoded = encoder({"token_ids": inputs["token_ids"], "padding_mask": inputs["padding_mask"]})
        decoder = TranslationDecoder(
            vocabulary_size=self._target_tokenizer.vocabulary_size(),
            num_layers=task.decoder_layers,
            hidden_dim=encoder.hidden_dim,
            num_heads=task.decoder_heads or heads_of_64_dimensions(encoder.hidden_dim),
            intermediate_dim=4 * encoder.hidden_dim,
            max_sequence_length=task.max_target_length,
            dropout=task.dropout,
            name="translation_decoder",
        )
        logits = decoder({"token_ids": inputs["decoder_token_ids"], "encoder_sequence": encoded["sequence_output"],
                          "encoder_padding_mask": inputs["padding_mask"]})
        return keras.Model(inputs, logits, name="translator")

    def encoder_and_decoder(self):
        encoder = layer_of_type(self.task.model, BackboneEncoder)

        def encode(token_ids, padding_mask):
            return encoder({"token_ids": token_ids, "padding_mask": padding_mask}, training=False)["sequence_output"]

        return encode, layer_of_type(self.task.model, TranslationDecoder)

    def translations(self, kept):
        tokens = [[self._target_tokenizer.id_to_token(i) for i in row] for row in kept.to_list()]
        return [detokenize(row) for row in tokens], tokens

    def serving_inputs(self, texts):
        return serving_inputs(self.task.tokenizer, texts, self.task.max_length)

    def serving_translations(self, kept):
        vocabulary = tf.constant(self._target_tokenizer.get_vocabulary())
        return detokenize_in_graph(tf.gather(vocabulary, kept))

    def save_assets(self, folder):
        save_tokenizer(self._target_tokenizer, Path(folder) / TARGET_TOKENIZER_FOLDER)

    def load_assets(self, folder):
        target_folder = Path(folder) / TARGET_TOKENIZER_FOLDER
        if not target_folder.is_dir():
            raise ModelLoadError(f"{folder} is incomplete: {TARGET_TOKENIZER_FOLDER} is missing. "
                                 "Fix: save the model again.")
        self._target_tokenizer = load_tokenizer(target_folder)
        decoder = layer_of_type(self.task.model, TranslationDecoder)
        if self._target_tokenizer.vocabulary_size() != decoder.vocabulary_size:
            raise ModelLoadError(
                f"{target_folder} holds {self._target_tokenizer.vocabulary_size()} tokens but the decoder "
                f"predicts {decoder.vocabulary_size}; the folder does not belong to this model. "
                "Fix: save the model again."
            )


class PresetTranslator(Translator):
    """A whole pretrained encoder-decoder (BART, T5) fine-tuned through `Seq2SeqTranslator`.

    Sequences are packed as keras-hub's `Seq2SeqLMPreprocessor` of the family packs them (BART's
    decoder starts from `</s> <s>`, T5's from `<pad>`; both stop at `</s>`); translations are the
    backbone tokenizer's `detokenize`, by one graph function that `decode` and the export share.
    No target vocabulary is learned or saved.
    """

    decoder_description = "the backbone's own (seq2seq)"

    def __init__(self, task):
        super().__init__(task)
        self._special = None
        self._detokenize = None

    def special_ids(self):
        """The ids keras-hub's preprocessor of the family packs sequences with (`seq2seq_special_ids`)."""
        if self._special is None:
            self._special = seq2seq_special_ids(self._layer().backbone, self.task.tokenizer)
        return self._special

    @property
    def decoding(self):
        special = self.special_ids()
        hidden = {special["pad"], *special["decoder_start"]} - {special["end"]}
        return DecodingIds(prompt=tuple(special["decoder_start"]), end=special["end"], pad=special["pad"],
                           hidden=tuple(sorted(hidden)))

    def source_ids(self, sources):
        special = self.special_ids()
        return packed_ids(self.task.tokenizer, sources, special["encoder_start"], special["end"], self.task.max_length)

    def _writer(self):
        return self.task.tokenizer

    def build_model(self, encoder):
        task, backbone = self.task, encoder.backbone
        limit = getattr(backbone, "max_sequence_length", None)
        if limit is not None and task.max_target_length > limit:
            raise ValueError(
                f"`max_target_length` must not exceed the {limit} positions of the backbone {task.backbone}. "
                f"Received: max_target_length={task.max_target_length}"
            )
        inputs = translation_inputs()
        logits = Seq2SeqTranslator(backbone, lora_rank=task.lora_rank, name="seq2seq_translator")(inputs)
        return keras.Model(inputs, logits, name="translator")

    def encoder_and_decoder(self):
        layer = self._layer()
        return layer.encode, layer

    def translations(self, kept):
        texts = [text.decode("utf-8") for text in self._detokenize_function()(kept).numpy()]
        return texts, [[self.task.tokenizer.id_to_token(i) for i in row] for row in kept.to_list()]

    def serving_inputs(self, texts):
        special = self.special_ids()
        ids = packed_ids_in_graph(self.task.tokenizer, texts, special["encoder_start"], special["end"],
                                  self.task.max_length)
        return padded_inputs(ids, special["pad"])

    def serving_translations(self, kept):
        return self._detokenize_function()(kept)

    def _detokenize_function(self):
        if self._detokenize is None:
            tokenizer = self.task.tokenizer

            @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.int32)])
            def detokenize_ids(ids):
                # Byte-level pieces can end mid-character: invalid UTF-8 becomes U+FFFD.
                text = tf.strings.unicode_transcode(tokenizer.detokenize(ids), "UTF-8", "UTF-8", errors="replace")
                return tf.strings.strip(text)

            self._detokenize = detokenize_ids
        return self._detokenize

    def load_assets(self, folder):
        rows = int(self._layer().backbone.token_embedding.input_dim)
        if self.task.tokenizer.vocabulary_size() > rows:
            raise ModelLoadError(
                f"{folder}: the tokenizer has {self.task.tokenizer.vocabulary_size()} tokens but the model's "
                f"embedding only {rows}; the tokenizer folder does not belong to this model. "
                "Fix: save the model again."
            )

    def _layer(self):
        return layer_of_type(self.task.model, Seq2SeqTranslator)


def translator_for(task):
    """The translator of `task`'s model: the loaded model's layers tell, else the backbone's
    architecture (`kerastl.backbones.backbone_architecture`, without loading weights)."""
    if task.model is not None:
        seq2seq = any(isinstance(layer, Seq2SeqTranslator) for layer in task.model.layers)
    else:
        seq2seq = backbone_architecture(task.backbone) == SEQ2SEQ
    return PresetTranslator(task) if seq2seq else WarmStartedTranslator(task)


def translated_ids(outputs, decoding):
    """`forward` outputs (equal-length id arrays) -> the ragged ids a translation shows."""
    return kept_ids(tf.constant(np.stack(outputs).astype("int32")), decoding)


def translation_inputs():
    """The model's inputs: the sources (`kerastl.layers.text_inputs()`) and the teacher-forced
    target prefixes `decoder_token_ids`."""
    inputs = text_inputs()
    inputs["decoder_token_ids"] = keras.Input(shape=(None,), dtype="int32", name="decoder_token_ids")
    return inputs


def heads_of_64_dimensions(width):
    """As many heads as give 64 dimensions each (BERT's and GPT-2's), lowered until they divide `width`."""
    heads = max(1, width // 64)
    while width % heads:
        heads -= 1
    return heads


def layer_of_type(model, layer_type):
    for layer in model.layers:
        if isinstance(layer, layer_type):
            return layer
    raise ValueError(f"The model has no {layer_type.__name__} layer.")
