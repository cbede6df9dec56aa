"""`TranslationTask`: machine translation with a pretrained encoder and a Transformer decoder."""

import json
import os
from pathlib import Path

import keras
import tensorflow as tf
from keras import ops

from kerastl.errors import DataError
from kerastl.layers import BackboneEncoder, TranslationDecoder
from kerastl.metrics import translation_metrics
from kerastl.predictions import TranslationPrediction
from kerastl.preprocessing import length_grouped_batches, tokenize_texts
from kerastl.preprocessing.detokenization import detokenize, detokenize_in_graph
from kerastl.preprocessing.target_vocabulary import TARGET_SPECIAL_TOKENS, learn_target_vocabulary
from kerastl.tasks.example_records import record_from_pair
from kerastl.tasks.registry import register_task
from kerastl.tasks.task import Task, _sorted_by_length
from kerastl.tokenizer_files import load_tokenizer, save_tokenizer
from kerastl.losses import SmoothedTokenCrossentropy

TARGET_TOKENIZER_FOLDER = "target_tokenizer"
PAD_ID, UNKNOWN_ID, START_ID, END_ID = range(len(TARGET_SPECIAL_TOKENS))


@register_task("translation")
class TranslationTask(Task):
    """Translate sentences: the pretrained backbone encodes, a Transformer decoder writes.

    The backbone is the encoder (warm start); a `TranslationDecoder` of the encoder's width
    cross-attends to it and is trained from scratch with teacher forcing and label-smoothed
    cross-entropy. The target tokenizer (WordPiece, case kept) is learned from the training
    targets and saved with the model. `predict` generates with keras-hub's greedy or beam
    sampler over cached attention; `evaluate` reports sacrebleu BLEU and chrF.

    Args:
        backbone: a backbone name or preset folder (see `kerastl.backbones`): the encoder.
        max_target_length: the longest generated translation, in target tokens.
        target_vocabulary_size: the size of the target WordPiece vocabulary to learn.
        decoder_layers: how many decoder blocks.
        decoder_heads: attention heads per decoder block (must divide the encoder's width);
            by default heads of 64 dimensions (6 for a 384-wide encoder, 2 for a 128-wide one).
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
    """

    #: `kerastl train` and reports follow BLEU.
    main_metric = "bleu"

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

    def setup(self, records):
        if self.target_tokenizer is None:
            targets = [r["target"] for r in records if r.get("target")]
            if len(targets) < len(records):
                raise DataError("some training examples have no target translation",
                                fix="give every training source its translation")
            self.target_tokenizer = learn_target_vocabulary(targets, self.target_vocabulary_size)

    def encode(self, records, with_targets):
        features = {"token_ids": tokenize_texts(self.tokenizer, [r["source"] for r in records], self.max_length)}
        if not with_targets:
            return features, None
        for record in records:
            if not record.get("target"):
                raise DataError("this example has no target translation", where=record.get("where"),
                                fix="give every source its translation to train or evaluate on")
        target_ids = self._target_ids([r["target"] for r in records])
        features["decoder_token_ids"] = target_ids[:, :-1]
        return features, target_ids[:, 1:]

    def _target_ids(self, texts):
        """`[START] pieces [END]`, at most `max_target_length` + 1 ids (inputs and labels shift by one)."""
        tokenizer, body_length = self.target_tokenizer, self.max_target_length - 1

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def tokenize(chunk):
            ids = tf.cast(tokenizer(chunk), tf.int32)[:, :body_length]
            rows = ids.nrows()
            start = tf.RaggedTensor.from_tensor(tf.fill([rows, 1], START_ID))
            end = tf.RaggedTensor.from_tensor(tf.fill([rows, 1], END_ID))
            return tf.concat([start, ids, end], axis=1)

        return tokenize(tf.constant(texts))

    # === Model ===

    def model_inputs(self):
        inputs = super().model_inputs()
        inputs["decoder_token_ids"] = keras.Input(shape=(None,), dtype="int32", name="decoder_token_ids")
        return inputs

    def build_model(self, encoder):
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

    def loss(self):
        return SmoothedTokenCrossentropy(smoothing=self.label_smoothing, pad_id=PAD_ID)

    # === Generation ===

    def predict_outputs(self, records, batch_size=64, num_beams=None, use_cache=True, sampler=None):
        """Generate target ids for records: one array per record (`[START]` left out).

        Args:
            records: records with a "source".
            batch_size: sentences decoded together.
            num_beams: 1 for greedy decoding, more for beam search (default: the task's).
            use_cache: reuse attention keys and values between steps (much faster; off only
                to measure what the cache brings).
            sampler: a keras-hub sampler to use instead of the one `num_beams` picks.
        """
        self._require_model()
        generate = self._generator(sampler if sampler is not None else self._sampler(num_beams), use_cache)
        features, _ = self.encode(records, with_targets=False)
        features, _, order = _sorted_by_length(features)
        outputs = [None] * len(records)
        position = 0
        for batch in length_grouped_batches(features, None, batch_size, self._pad_id):
            for row in generate(batch["token_ids"], batch["padding_mask"]).numpy():
                outputs[order[position]] = row[1:]
                position += 1
        return outputs

    def _sampler(self, num_beams=None):
        """keras-hub's greedy sampler for one beam, its beam sampler for more (default: the task's)."""
        import keras_hub

        num_beams = num_beams or self.num_beams
        return keras_hub.samplers.GreedySampler() if num_beams == 1 else keras_hub.samplers.BeamSampler(num_beams)

    def _generator(self, sampler, use_cache):
        key = (json.dumps(keras.saving.serialize_keras_object(sampler), sort_keys=True), use_cache)
        if key not in self._generators:
            encoder = _layer_of_type(self.model, BackboneEncoder)
            decoder = _layer_of_type(self.model, TranslationDecoder)
            length = self.max_target_length

            # The samplers loop with `ops.while_loop`; AutoGraph has nothing to convert (and warns
            # that it cannot convert this closure), so it is off.
            @tf.function(
                input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.bool)],
                reduce_retracing=True, autograph=False,
            )
            def generate(token_ids, padding_mask):
                encoded = encoder({"token_ids": token_ids, "padding_mask": padding_mask}, training=False)
                return _generate(decoder, sampler, encoded["sequence_output"], padding_mask, length, use_cache)

            self._generators[key] = generate
        return self._generators[key]

    # === Results ===

    def decode(self, outputs, records):
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
        the pieces with the same spacing rules (`kerastl.preprocessing.detokenization`).
        """
        generate = self._generator(self._sampler(), use_cache=True)
        vocabulary = tf.constant(self.target_tokenizer.get_vocabulary())

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            inputs = self.serving_inputs(texts)
            ids = generate(inputs["token_ids"], inputs["padding_mask"])[:, 1:]
            # As `decode`: the pieces before the first [END], without padding and [START].
            kept = (tf.cumsum(tf.cast(ids == END_ID, tf.int32), axis=1) == 0) & (ids != PAD_ID) & (ids != START_ID)
            return {"translation": detokenize_in_graph(tf.ragged.boolean_mask(tf.gather(vocabulary, ids), kept))}

        return serve

    def serving_metadata(self):
        return {"num_beams": self.num_beams, "max_target_length": self.max_target_length,
                "long_texts": f"sources are truncated to {self.max_length} tokens, as predict truncates them"}

    # === Report ===

    #: How many validation translations `kerastl report` shows.
    report_samples = 10

    def report_figures(self, records, predictions, folder):
        """A table of validation translations beside their references, with sentence chrF."""
        from kerastl.metrics import sentence_chrf
        from kerastl.reporting import ReportItem

        rows = [[record["source"], record["target"], prediction.translation,
                 round(sentence_chrf(record["target"], prediction.translation), 1)]
                for record, prediction in list(zip(records, predictions))[: self.report_samples]]
        if not rows:
            return []
        table = {"columns": ["source", "reference", "translation", "chrF"], "rows": rows}
        return [ReportItem("Sample translations (validation)", table=table,
                           caption=f"The first {len(rows)} validation sentences, greedy or beam as configured.")]

    # === Saving ===

    def save_assets(self, folder):
        save_tokenizer(self.target_tokenizer, Path(folder) / TARGET_TOKENIZER_FOLDER)

    def load_assets(self, folder):
        from kerastl.errors import ModelLoadError

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


def _generate(decoder, sampler, encoder_sequence, encoder_padding_mask, length, use_cache):
    """Generate `(batch, length)` target ids starting with `[START]`, stopping at `[END]`."""
    batch = ops.shape(encoder_sequence)[0]
    prompt = ops.concatenate(
        [ops.full((batch, 1), START_ID, dtype="int32"), ops.zeros((batch, length - 1), dtype="int32")], axis=1
    )
    if use_cache:
        self_cache, cross_cache = decoder.empty_cache(batch, length, ops.shape(encoder_sequence)[1])
        # Compute the cross-attention keys and values once; later steps only read them.
        _, _, self_cache, cross_cache = decoder.call_with_cache(
            prompt[:, :1], encoder_sequence, encoder_padding_mask, self_cache, 0, cross_cache, 0
        )

        def next(prompt, cache, index):
            self_cache, encoder_sequence, encoder_padding_mask, cross_cache = cache
            previous = ops.slice(prompt, [0, index - 1], [ops.shape(prompt)[0], 1])
            logits, hidden, self_cache, _ = decoder.call_with_cache(
                previous, encoder_sequence, encoder_padding_mask, self_cache, index - 1, cross_cache, None
            )
            logits = _finished_rows_emit_padding(previous[:, 0], logits[:, 0, :])
            return logits, hidden[:, 0, :], (self_cache, encoder_sequence, encoder_padding_mask, cross_cache)

        cache = (self_cache, encoder_sequence, encoder_padding_mask, cross_cache)
    else:

        def next(prompt, cache, index):
            encoder_sequence, encoder_padding_mask = cache
            logits = decoder(
                {"token_ids": prompt, "encoder_sequence": encoder_sequence,
                 "encoder_padding_mask": encoder_padding_mask},
                training=False,
            )
            logits = ops.take(logits, index - 1, axis=1)
            previous = ops.take(prompt, index - 1, axis=1)
            return _finished_rows_emit_padding(previous, logits), None, cache

        cache = (encoder_sequence, encoder_padding_mask)
    return sampler(next=next, prompt=prompt, cache=cache, index=1, stop_token_ids=[END_ID])


def _finished_rows_emit_padding(previous, logits):
    """After `[END]` (or padding), put all probability on padding, so finished beams keep their score."""
    finished = ops.logical_or(ops.equal(previous, END_ID), ops.equal(previous, PAD_ID))
    padding_only = ops.where(
        ops.equal(ops.arange(ops.shape(logits)[-1]), PAD_ID), ops.cast(0.0, logits.dtype), ops.cast(-1e9, logits.dtype)
    )
    return ops.where(finished[:, None], padding_only[None, :], logits)


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
