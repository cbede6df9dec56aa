"""`TranslationTask`: machine translation with a pretrained encoder or a whole pretrained encoder-decoder."""

import json
import os
from pathlib import Path

import click
import keras
import numpy as np
import tensorflow as tf

from kerastl.backbone_families import SEQ2SEQ, architecture_of
from kerastl.backbones import backbone_architecture
from kerastl.errors import DataError
from kerastl.layers import BackboneEncoder, Seq2SeqTranslator, TranslationDecoder
from kerastl.layers.seq2seq_translator import seq2seq_special_ids
from kerastl.metrics import translation_metrics
from kerastl.options import COLUMN, TaskOption
from kerastl.preprocessing import tokenize_texts
from kerastl.preprocessing.detokenization import detokenize, detokenize_in_graph
from kerastl.preprocessing.target_vocabulary import TARGET_SPECIAL_TOKENS, learn_target_vocabulary
from kerastl.tasks.example_records import record_from_pair
from kerastl.tasks.registry import register_task
from kerastl.tasks.task import Task
from kerastl.tasks.translation.generation import DecodingIds, generate, kept_ids
from kerastl.tasks.translation.packing import packed_ids, packed_ids_in_graph
from kerastl.tasks.translation.prediction import TranslationPrediction
from kerastl.tokenizer_files import load_tokenizer, save_tokenizer
from kerastl.losses import SmoothedTokenCrossentropy

TARGET_TOKENIZER_FOLDER = "target_tokenizer"
PAD_ID, UNKNOWN_ID, START_ID, END_ID = range(len(TARGET_SPECIAL_TOKENS))

@register_task("translation")
class TranslationTask(Task):
    """Translate sentences with a pretrained backbone, fine-tuned with teacher forcing.

    With an encoder backbone (BERT, RoBERTa, ..., or a causal decoder) the backbone is the
    encoder (warm start); a `TranslationDecoder` of the encoder's width cross-attends to it and
    is trained from scratch. The target tokenizer (WordPiece, case kept) is learned from the
    training targets and saved with the model.

    With an encoder-decoder backbone (BART, T5: `kerastl.backbone_families.architecture_of`
    says "seq2seq") the whole pretrained model is fine-tuned instead, through
    `kerastl.layers.Seq2SeqTranslator`: its own tokenizer reads the sources and writes the
    targets, its own decoder generates, its tied token embedding gives the logits. Sequences
    are packed as keras-hub's `Seq2SeqLMPreprocessor` of the family packs them (BART's decoder
    starts from `</s> <s>`, T5's from `<pad>`; both stop at `</s>`), translations are the
    tokenizer's `detokenize`, and no target vocabulary is learned or saved:
    `target_vocabulary_size`, `decoder_layers` and `decoder_heads` do not apply. A whole
    pretrained model usually wants a lower `learning_rate` (around 5e-5) than a new decoder.
    `task.seq2seq` tells which of the two a task runs.

    Both train with label-smoothed cross-entropy. `predict` generates with keras-hub's greedy
    or beam sampler over cached attention; `evaluate` reports sacrebleu BLEU and chrF.

    Args:
        backbone: a backbone name or preset folder (see `kerastl.backbones`): the encoder, or
            the whole encoder-decoder for BART and T5.
        max_target_length: the longest generated translation, in target tokens (the decoder's
            start tokens included).
        target_vocabulary_size: the size of the target WordPiece vocabulary to learn (encoder
            backbones).
        decoder_layers: how many decoder blocks (encoder backbones).
        decoder_heads: attention heads per decoder block (must divide the encoder's width);
            by default heads of 64 dimensions (6 for a 384-wide encoder, 2 for a 128-wide one).
            Encoder backbones only.
        label_smoothing: the label smoothing of the training loss.
        num_beams: 1 decodes greedily, more uses beam search with that many beams.
        **kwargs: the shared options of `kerastl.tasks.Task` (max_length, learning_rate, ...);
            `pretrained_weights=False` gives an encoder of the same shape with random weights,
            the baseline that shows what pretraining brings.

    Example:

    >>> from kerastl.tasks import TranslationTask
    >>> task = TranslationTask("minilm-l6")  # doctest: +SKIP
    >>> task.fit((Path("train.en"), Path("train.de")), epochs=3)  # doctest: +SKIP
    >>> task.predict(["A man is riding a bike."])[0].translation  # doctest: +SKIP
    'Ein Mann fährt Fahrrad.'
    >>> bart = TranslationTask("path/to/bart-preset", learning_rate=5e-5)  # doctest: +SKIP
    """

    #: `kerastl train` and reports follow BLEU.
    main_metric = "bleu"

    #: `kerastl train translation` flags of its own.
    cli_options = (
        TaskOption("--source", "source", applies_to="data", type=click.Path(dir_okay=False),
                   help="Training source sentences, one per line (with --target, instead of --train)."),
        TaskOption("--target", "target", applies_to="data", type=click.Path(dir_okay=False),
                   help="The line-aligned target sentences of --source."),
        TaskOption("--validation-source", "validation_source", applies_to="data", type=click.Path(dir_okay=False),
                   help="Validation sources, one per line (with --validation-target)."),
        TaskOption("--validation-target", "validation_target", applies_to="data", type=click.Path(dir_okay=False),
                   help="The line-aligned validation targets."),
        TaskOption("--source-column", "source_column", applies_to="read", type=COLUMN,
                   help="Column of the sources in a pair table (default 0; Tatoeba's kor.txt is English first, "
                        "so Korean->English is --source-column 1 --target-column 0)."),
        TaskOption("--target-column", "target_column", applies_to="read", type=COLUMN,
                   help="Column of the targets in a pair table (default 1)."),
        TaskOption("--num-beams", "num_beams", type=click.IntRange(min=1),
                   help="1 decodes greedily (default), more uses beam search with that many beams."),
        TaskOption("--max-target-length", "max_target_length", type=click.IntRange(min=4),
                   help="The longest generated translation, in target tokens (default 64)."),
    )

    @classmethod
    def data_from_cli(cls, train, validation, options):
        """Aligned --source/--target files (and --validation-source/-target) as `(Path, Path)` pairs."""
        return (_file_pair(train, options.get("source"), options.get("target"), ""),
                _file_pair(validation, options.get("validation_source"), options.get("validation_target"),
                           "validation-"))

    def __init__(self, backbone="minilm-l6", *, max_target_length=64, target_vocabulary_size=8000,
                 decoder_layers=3, decoder_heads=None, label_smoothing=0.1, num_beams=1,
                 max_length=64, learning_rate=3e-4, **kwargs):
        super().__init__(backbone, max_length=max_length, learning_rate=learning_rate, **kwargs)
        if not isinstance(max_target_length, int) or max_target_length < 4:
            raise ValueError(
                f"`max_target_length` must be an integer of at least 4. Received: max_target_length={max_target_length!r}"
            )
        if not isinstance(num_beams, int) or num_beams < 1:
            raise ValueError(f"`num_beams` must be a positive integer. Received: num_beams={num_beams!r}")
        self.max_target_length = max_target_length
        self.target_vocabulary_size = target_vocabulary_size
        self.decoder_layers = decoder_layers
        self.decoder_heads = decoder_heads
        self.label_smoothing = label_smoothing
        self.num_beams = num_beams
        self.target_tokenizer = None
        self._generators = {}
        self._architecture = None
        self._seq2seq_special = None
        self._detokenize = None

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "max_target_length": self.max_target_length,
                "target_vocabulary_size": self.target_vocabulary_size,
                "decoder_layers": self.decoder_layers,
                "decoder_heads": self.decoder_heads,
                "label_smoothing": self.label_smoothing,
                "num_beams": self.num_beams,
            }
        )
        return config

    # === Data ===

    def read(self, source, **options):
        """Read examples, a data source, or a `(source_path, target_path)` pair of aligned files.

        Besides what `Task.read` accepts, a tuple of two paths (`pathlib.Path`s) is read with
        `kerastl.data.read_parallel`: line N of the first file translates to line N of the
        second.
        """
        if isinstance(source, tuple) and len(source) == 2 and all(isinstance(p, os.PathLike) for p in source):
            from kerastl.data import read_parallel

            return read_parallel(*source)
        return super().read(source, **options)

    def record_from_example(self, example):
        return record_from_pair(example, "translation", "source", "target")

    def read_file(self, path, source_column=0, target_column=1, **options):
        """Read a table of pairs (`source<TAB>target[<TAB>attribution]`, Tatoeba/Anki layout).

        For Tatoeba's `kor.txt` (English first) pass `source_column=1, target_column=0` to
        translate Korean into English. Two aligned files are read by passing
        `(Path(source_file), Path(target_file))` instead of one path.
        """
        from kerastl.data import read_pair_table

        return read_pair_table(Path(path), source_column=source_column, target_column=target_column, **options)

    @property
    def seq2seq(self):
        """True when the backbone is an encoder-decoder (BART, T5), fine-tuned as a whole."""
        if self.model is not None:
            return any(isinstance(layer, Seq2SeqTranslator) for layer in self.model.layers)
        if self._architecture is None:
            self._architecture = backbone_architecture(self.backbone)
        return self._architecture == SEQ2SEQ

    def setup(self, records):
        targets = [r["target"] for r in records if r.get("target")]
        if len(targets) < len(records):
            raise DataError("some training examples have no target translation",
                            fix="give every training source its translation")
        if self.target_tokenizer is None and not self.seq2seq:
            self.target_tokenizer = learn_target_vocabulary(targets, self.target_vocabulary_size)

    def encode(self, records, with_targets):
        sources = [r["source"] for r in records]
        if self.seq2seq:
            special = self._special_ids()
            source_ids = packed_ids(self.tokenizer, sources, special["encoder_start"], special["end"],
                                     self.max_length)
        else:
            source_ids = tokenize_texts(self.tokenizer, sources, self.max_length)
        features = {"token_ids": source_ids}
        if not with_targets:
            return features, None
        for record in records:
            if not record.get("target"):
                raise DataError("this example has no target translation", where=record.get("where"),
                                fix="give every source its translation to train or evaluate on")
        decoding = self._decoding_ids()
        # Decoder start, pieces, end: at most `max_target_length` + 1 ids (inputs and labels shift by one).
        target_ids = packed_ids(self._target_tokenizer_in_use(), [r["target"] for r in records], decoding.prompt,
                                 decoding.end, self.max_target_length + 1)
        features["decoder_token_ids"] = target_ids[:, :-1]
        return features, target_ids[:, 1:]

    @property
    def target_padding(self):
        """The id target sequences are padded with (the loss ignores it)."""
        return self._decoding_ids().pad

    def _target_tokenizer_in_use(self):
        return self.tokenizer if self.seq2seq else self.target_tokenizer

    def _special_ids(self):
        """The ids keras-hub's preprocessor of the seq2seq family packs sequences with."""
        if self._seq2seq_special is None:
            backbone = _layer_of_type(self.model, Seq2SeqTranslator).backbone
            self._seq2seq_special = seq2seq_special_ids(backbone, self.tokenizer)
        return self._seq2seq_special

    def _decoding_ids(self):
        """The decoder's start prompt, end and padding ids, and the ids a translation never shows."""
        if not self.seq2seq:
            return DecodingIds(prompt=(START_ID,), end=END_ID, pad=PAD_ID, hidden=(PAD_ID, START_ID))
        special = self._special_ids()
        hidden = {special["pad"], *special["decoder_start"]} - {special["end"]}
        return DecodingIds(prompt=tuple(special["decoder_start"]), end=special["end"], pad=special["pad"],
                            hidden=tuple(sorted(hidden)))

    # === Model ===

    def model_inputs(self):
        inputs = super().model_inputs()
        inputs["decoder_token_ids"] = keras.Input(shape=(None,), dtype="int32", name="decoder_token_ids")
        return inputs

    def build_model(self, encoder):
        if architecture_of(encoder.backbone) == SEQ2SEQ:
            return self._whole_seq2seq_model(encoder.backbone)
        inputs = self.model_inputs()
        encoded = encoder({"token_ids": inputs["token_ids"], "padding_mask": inputs["padding_mask"]})
        decoder = TranslationDecoder(
            vocabulary_size=self.target_tokenizer.vocabulary_size(),
            num_layers=self.decoder_layers,
            hidden_dim=encoder.hidden_dim,
            num_heads=self.decoder_heads or _heads_of_64_dimensions(encoder.hidden_dim),
            intermediate_dim=4 * encoder.hidden_dim,
            max_sequence_length=self.max_target_length,
            dropout=self.dropout,
            name="translation_decoder",
        )
        logits = decoder(
            {
                "token_ids": inputs["decoder_token_ids"],
                "encoder_sequence": encoded["sequence_output"],
                "encoder_padding_mask": inputs["padding_mask"],
            }
        )
        return keras.Model(inputs, logits, name="translator")

    def _whole_seq2seq_model(self, backbone):
        limit = getattr(backbone, "max_sequence_length", None)
        if limit is not None and self.max_target_length > limit:
            raise ValueError(
                f"`max_target_length` must not exceed the {limit} positions of the backbone {self.backbone}. "
                f"Received: max_target_length={self.max_target_length}"
            )
        inputs = self.model_inputs()
        logits = Seq2SeqTranslator(backbone, lora_rank=self.lora_rank, name="seq2seq_translator")(inputs)
        return keras.Model(inputs, logits, name="translator")

    def head_size(self):
        """The target vocabulary the decoder predicts over (the backbone's own with BART and T5)."""
        if self.seq2seq:
            return int(_layer_of_type(self.model, Seq2SeqTranslator).backbone.vocabulary_size)
        return self.target_tokenizer.vocabulary_size() if self.target_tokenizer is not None else None

    def loss(self):
        return SmoothedTokenCrossentropy(smoothing=self.label_smoothing, pad_id=self._decoding_ids().pad)

    # === Generation ===

    def forward(self, batch, num_beams=None, use_cache=True, sampler=None):
        """Generate the target ids of one batch of sources: one array per source (the decoder's
        start prompt left out). `predict_outputs(records, **options)` passes these options.

        Args:
            batch: a batch of `inference_features` rows (ragged `token_ids`).
            num_beams: 1 for greedy decoding, more for beam search (default: the task's).
            use_cache: reuse attention keys and values between steps (much faster; off only
                to measure what the cache brings).
            sampler: a keras-hub sampler to use instead of the one `num_beams` picks.
        """
        from kerastl.tasks.inference import padded_batch

        generate_ids = self._generator(sampler if sampler is not None else self._sampler(num_beams), use_cache)
        inputs = padded_batch(batch, self.pad_id)
        prompt_length = len(self._decoding_ids().prompt)
        return [row[prompt_length:] for row in generate_ids(inputs["token_ids"], inputs["padding_mask"]).numpy()]

    def _sampler(self, num_beams=None):
        """keras-hub's greedy sampler for one beam, beam search that stops at each row's best
        finished beam for more (default: the task's)."""
        import keras_hub

        from kerastl.tasks.translation.beam_search import EarlyStoppingBeamSampler

        num_beams = num_beams or self.num_beams
        return keras_hub.samplers.GreedySampler() if num_beams == 1 else EarlyStoppingBeamSampler(num_beams)

    def _generator(self, sampler, use_cache):
        key = (json.dumps(keras.saving.serialize_keras_object(sampler), sort_keys=True), use_cache)
        if key not in self._generators:
            encode, decoder = self._encoder_and_decoder()
            ids, length = self._decoding_ids(), self.max_target_length

            # The samplers loop with `ops.while_loop`; AutoGraph has nothing to convert (and warns
            # that it cannot convert this closure), so it is off.
            @tf.function(
                input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.bool)],
                reduce_retracing=True, autograph=False,
            )
            def generate_ids(token_ids, padding_mask):
                encoded = encode(token_ids, padding_mask)
                return generate(decoder, sampler, encoded, padding_mask, ids, length, use_cache)

            self._generators[key] = generate_ids
        return self._generators[key]

    def _encoder_and_decoder(self):
        """`encode(token_ids, padding_mask)` -> source token states, and the layer that decodes them."""
        if self.seq2seq:
            translator = _layer_of_type(self.model, Seq2SeqTranslator)
            return translator.encode, translator
        encoder = _layer_of_type(self.model, BackboneEncoder)

        def encode(token_ids, padding_mask):
            return encoder({"token_ids": token_ids, "padding_mask": padding_mask}, training=False)["sequence_output"]

        return encode, _layer_of_type(self.model, TranslationDecoder)

    # === Results ===

    def decode(self, outputs, records):
        if self.seq2seq:
            return self._decode_with_backbone_tokenizer(outputs, records)
        predictions = []
        for record, ids in zip(records, outputs):
            ids = [int(i) for i in ids]
            if END_ID in ids:
                ids = ids[: ids.index(END_ID)]
            tokens = [self.target_tokenizer.id_to_token(i) for i in ids if i not in (PAD_ID, START_ID)]
            predictions.append(
                TranslationPrediction(source=record["source"], translation=detokenize(tokens), tokens=tokens)
            )
        return predictions

    def _decode_with_backbone_tokenizer(self, outputs, records):
        """Translations as the backbone's tokenizer detokenizes them, by the graph code the export runs."""
        if not records:
            return []
        ids = tf.constant(np.stack(outputs).astype("int32"))
        kept = kept_ids(ids, self._decoding_ids())
        texts = self._detokenize_function()(kept).numpy()
        return [
            TranslationPrediction(source=record["source"], translation=text.decode("utf-8"),
                                  tokens=[self.tokenizer.id_to_token(int(i)) for i in row])
            for record, text, row in zip(records, texts, kept.to_list())
        ]

    def _detokenize_function(self):
        if self._detokenize is None:
            tokenizer = self.tokenizer

            @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.int32)])
            def detokenize_ids(ids):
                # Byte-level pieces can end mid-character: invalid UTF-8 becomes U+FFFD.
                text = tf.strings.unicode_transcode(tokenizer.detokenize(ids), "UTF-8", "UTF-8", errors="replace")
                return tf.strings.strip(text)

            self._detokenize = detokenize_ids
        return self._detokenize

    def score(self, records, predictions):
        references = []
        for record in records:
            if not record.get("target"):
                raise DataError("this example has no reference translation to score against",
                                where=record.get("where"), fix="evaluate on pairs of source and target")
            references.append(record["target"])
        return translation_metrics(references, [p.translation for p in predictions])

    # === Serving ===

    def serving_function(self):
        """Raw strings in; `translation` (string, `(batch,)`) out, as `predict` writes it.

        The graph runs what `predict` does: tokenizes and truncates the sources to
        `max_length`, encodes, generates with the same keras-hub sampler over cached attention
        (greedy, or beam search with `num_beams`) up to `max_target_length` tokens, and joins
        the pieces with the same spacing rules (`kerastl.preprocessing.detokenization`); with a
        seq2seq backbone, with the backbone tokenizer's `detokenize`, the function `decode` runs.
        """
        generate_ids = self._generator(self._sampler(), use_cache=True)
        decoding = self._decoding_ids()
        if self.seq2seq:
            detokenize = self._detokenize_function()
        else:
            vocabulary = tf.constant(self.target_tokenizer.get_vocabulary())

            def detokenize(ids):
                return detokenize_in_graph(tf.gather(vocabulary, ids))

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            inputs = self.serving_inputs(texts)
            ids = generate_ids(inputs["token_ids"], inputs["padding_mask"])[:, len(decoding.prompt):]
            return {"translation": detokenize(kept_ids(ids, decoding))}

        return serve

    def serving_inputs(self, texts):
        """Tokenize a `tf.string` batch in the graph as `encode` tokenizes sources."""
        if not self.seq2seq:
            return super().serving_inputs(texts)
        from kerastl.preprocessing.padding import padded_inputs

        special = self._special_ids()
        ids = packed_ids_in_graph(self.tokenizer, texts, special["encoder_start"], special["end"], self.max_length)
        return padded_inputs(ids, special["pad"])

    def serving_metadata(self):
        return {"num_beams": self.num_beams, "max_target_length": self.max_target_length,
                "decoder": "the backbone's own (seq2seq)" if self.seq2seq else "trained from scratch",
                "long_texts": f"sources are truncated to {self.max_length} tokens, as predict truncates them"}

    # === Report ===

    #: How many validation translations `kerastl report` shows.
    report_samples = 10

    def report_figures(self, records, predictions, folder):
        """Tables of validation translations beside their references with sentence chrF: the first ones, the worst."""
        from kerastl.metrics import sentence_chrf
        from kerastl.reporting import ReportItem
        from kerastl.reporting.error_analysis import translation_table, worst_translations

        texts = ([r["source"] for r in records], [r["target"] for r in records], [p.translation for p in predictions])
        scores = [sentence_chrf(reference, translation) for reference, translation in zip(*texts[1:])]
        if not scores:
            return []
        first = translation_table(*texts, scores, range(min(self.report_samples, len(scores))))
        worst = worst_translations(*texts, scores)
        return [ReportItem("Sample translations (validation)", table=first,
                           caption=f"The first {len(first['rows'])} validation sentences, greedy or beam as configured."),
                ReportItem("Worst translations (validation)", table=worst,
                           caption=f"The {len(worst['rows'])} validation translations (of {len(scores)}) with the "
                                   "lowest sentence chrF (sacrebleu's), worst first.")]

    # === Saving ===

    def save_assets(self, folder):
        if not self.seq2seq:
            save_tokenizer(self.target_tokenizer, Path(folder) / TARGET_TOKENIZER_FOLDER)

    def load_assets(self, folder):
        from kerastl.errors import ModelLoadError

        if self.seq2seq:
            rows = int(_layer_of_type(self.model, Seq2SeqTranslator).backbone.token_embedding.input_dim)
            if self.tokenizer.vocabulary_size() > rows:
                raise ModelLoadError(
                    f"{folder}: the tokenizer has {self.tokenizer.vocabulary_size()} tokens but the model's "
                    f"embedding only {rows}; the tokenizer folder does not belong to this model. "
                    "Fix: save the model again."
                )
            return
        target_folder = Path(folder) / TARGET_TOKENIZER_FOLDER
        if not target_folder.is_dir():
            raise ModelLoadError(f"{folder} is incomplete: {TARGET_TOKENIZER_FOLDER} is missing. "
                                 "Fix: save the model again.")
        self.target_tokenizer = load_tokenizer(target_folder)
        decoder = _layer_of_type(self.model, TranslationDecoder)
        if self.target_tokenizer.vocabulary_size() != decoder.vocabulary_size:
            raise ModelLoadError(
                f"{target_folder} holds {self.target_tokenizer.vocabulary_size()} tokens but the decoder "
                f"predicts {decoder.vocabulary_size}; the folder does not belong to this model. "
                "Fix: save the model again."
            )


def _file_pair(path, source, target, prefix):
    """`(Path(source), Path(target))` when both are given, else `path`."""
    if source is None and target is None:
        return path
    if source is None or target is None:
        raise click.UsageError(f"--{prefix}source and --{prefix}target go together: give both files.")
    if path is not None:
        option = "--validation" if prefix else "--train"
        raise click.UsageError(f"Give either {option} or --{prefix}source/--{prefix}target, not both.")
    return (Path(source), Path(target))


def _heads_of_64_dimensions(width):
    """As many heads as give 64 dimensions each (BERT's and GPT-2's), lowered until they divide `width`."""
    heads = max(1, width // 64)
    while width % heads:
        heads -= 1
    return heads


def _layer_of_type(model, layer_type):
    for layer in model.layers:
        if isinstance(layer, layer_type):
            return layer
    raise ValueError(f"The model has no {layer_type.__name__} layer.")
