"""`TranslationTask`: machine translation with a pretrained encoder or a whole pretrained encoder-decoder."""

from pathlib import Path

import click
import keras
import tensorflow as tf

from kerastl.export.serving_inputs import bounded_texts
from kerastl.errors import DataError
from kerastl.losses import SmoothedTokenCrossentropy
from kerastl.metrics import translation_metrics
from kerastl.options import COLUMN, TaskOption
from kerastl.preprocessing.length_grouped_batches import default_length_multiple
from kerastl.preprocessing.padding import padded_batch
from kerastl.tasks.example_records import record_from_pair
from kerastl.tasks.registry import register_task
from kerastl.tasks.task import Task
from kerastl.tasks.translation.generation import kept_ids
from kerastl.tasks.translation.prediction import TranslationPrediction
from kerastl.tasks.translation.translators import PresetTranslator, translated_ids, translator_for


@register_task("translation")
class TranslationTask(Task):
    """Translate sentences with a pretrained backbone, fine-tuned with teacher forcing.

    With an encoder backbone (BERT, RoBERTa, ..., or a causal decoder) the backbone is the
    encoder (warm start); a `TranslationDecoder` of the encoder's width cross-attends to it and
    is trained from scratch. The target tokenizer (WordPiece, case kept) is learned from the
    training targets and saved with the model.

    With an encoder-decoder backbone (BART, T5: `kerastl.backbones.families.architecture_of`
    says "seq2seq") the whole pretrained model is fine-tuned instead, through
    `kerastl.layers.Seq2SeqTranslator`: its own tokenizer reads the sources and writes the
    targets, its own decoder generates, its tied token embedding gives the logits; no target
    vocabulary is learned or saved, and `target_vocabulary_size`, `decoder_layers` and
    `decoder_heads` do not apply. A whole pretrained model usually wants a lower
    `learning_rate` (around 5e-5) than a new decoder.

    The two are the translators of `kerastl.tasks.translation.translators`
    (`WarmStartedTranslator`, `PresetTranslator`); the task picks one from the backbone
    (`task.translator`; `task.seq2seq` tells which) and delegates to it.

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
    >>> task.fit(task.read("data/train", source="en", target="de"), epochs=3)  # doctest: +SKIP
    >>> task.fit((Path("data/train.en"), Path("data/train.de")), epochs=3)  # the same files  # doctest: +SKIP
    >>> task.predict(["A man is riding a bike."])[0].translation  # doctest: +SKIP
    'Ein Mann fährt Fahrrad.'
    >>> bart = TranslationTask("path/to/bart-preset", learning_rate=5e-5)  # doctest: +SKIP
    """

    #: `kerastl train` and reports follow BLEU.
    main_metric = "bleu"
    #: `forward` generates ids, which give no loss: Keras runs its own validation pass.
    validation_loss = None

    #: `kerastl train translation` flags of its own.
    cli_options = (
        TaskOption("--source", "source", applies_to="read",
                   help="Suffix of the source files: with --target, --train data/train reads the line-aligned "
                        "data/train.SOURCE and data/train.TARGET (--validation and --data likewise)."),
        TaskOption("--target", "target", applies_to="read", help="Suffix of the target files (with --source)."),
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
        self._translator = None

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

    @property
    def translator(self):
        """The `Translator` this task delegates to, picked once (`translators.translator_for`)."""
        if self._translator is None:
            self._translator = translator_for(self)
        return self._translator

    @property
    def seq2seq(self):
        """True when the backbone is an encoder-decoder (BART, T5), fine-tuned as a whole."""
        return isinstance(self.translator, PresetTranslator)

    @property
    def target_tokenizer(self):
        """The target WordPiece tokenizer learned from the training targets (None with BART, T5)."""
        return self.translator.target_tokenizer

    @property
    def target_padding(self):
        """The id target sequences are padded with (the loss ignores it)."""
        return self.translator.decoding.pad

    # === Data ===

    def record_from_example(self, example):
        return record_from_pair(example, "translation", "source", "target")

    def read_file(self, path, source=None, target=None, source_column=0, target_column=1, **table_options):
        """Read aligned line files, or a table of pairs (`source<TAB>target[<TAB>attribution]`).

        With `source` and `target` (file suffixes, as fairseq names them), `path` names a pair
        of line-aligned files: `read_file("data/train", source="en", target="de")` reads
        `data/train.en` and `data/train.de` (`kerastl.data.read_parallel`; line N of one
        translates to line N of the other). A `(source_file, target_file)` tuple of paths is
        read the same way. Otherwise `path` is a pair table (Tatoeba/Anki layout); for
        Tatoeba's `kor.txt` (English first) pass `source_column=1, target_column=0` to translate
        Korean into English. `table_options` (`delimiter`, `has_header`) go to
        `kerastl.data.read_pair_table`.
        """
        from kerastl.data import read_pair_table, read_parallel

        if isinstance(path, tuple):
            return read_parallel(*path)
        if (source is None) != (target is None):
            raise DataError(f"{path}: a source suffix ({source!r}) and a target suffix ({target!r}) go together",
                            fix="give both, e.g. --source en --target de to read data/train.en and data/train.de "
                                "(source='en', target='de' in Python)")
        if source is not None:
            return read_parallel(Path(f"{path}.{source}"), Path(f"{path}.{target}"))
        return read_pair_table(Path(path), source_column=source_column, target_column=target_column,
                               **table_options)

    def setup(self, records):
        targets = [r["target"] for r in records if r.get("target")]
        if len(targets) < len(records):
            raise DataError("some training examples have no target translation",
                            fix="give every training source its translation")
        self.translator.setup(targets)

    def encode(self, records, with_targets):
        features = {"token_ids": self.translator.source_ids([r["source"] for r in records])}
        if not with_targets:
            return features, None
        for record in records:
            if not record.get("target"):
                raise DataError("this example has no target translation", where=record.get("where"),
                                fix="give every source its translation to train or evaluate on")
        target_ids = self.translator.target_ids([r["target"] for r in records])
        features["decoder_token_ids"] = target_ids[:, :-1]
        return features, target_ids[:, 1:]

    # === Model ===

    def build_model(self, encoder):
        return self.translator.build_model(encoder)

    def loss(self):
        return SmoothedTokenCrossentropy(smoothing=self.label_smoothing, pad_id=self.target_padding)

    def forward(self, batch, num_beams=None, use_cache=True, sampler=None):
        """Generate the target ids of one batch of sources: one array per source (the decoder's
        start prompt left out). `predict_outputs(records, **options)` passes these options.

        Args:
            batch: a batch of `encode(records, with_targets=False)` rows (ragged `token_ids`).
            num_beams: 1 for greedy decoding, more for beam search (default: the task's).
            use_cache: reuse attention keys and values between steps (off only to compare).
            sampler: a keras-hub sampler to use instead of the one `num_beams` picks.
        """
        sampler = sampler if sampler is not None else self.translator.sampler(num_beams or self.num_beams)
        # On JAX lengths are padded to buckets (masked), so few source shapes compile.
        padded = padded_batch(batch, self.pad_id, default_length_multiple(), self.max_length)
        inputs = {name: value.numpy() for name, value in padded.items()}
        return list(keras.ops.convert_to_numpy(self.translator.generate(inputs, sampler, use_cache)))

    # === Results ===

    def decode(self, outputs, records):
        if not records:
            return []
        texts, tokens = self.translator.translations(translated_ids(outputs, self.translator.decoding))
        return [TranslationPrediction(source=record["source"], translation=text, tokens=row)
                for record, text, row in zip(records, texts, tokens)]

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

        The graph runs what `predict` does: the translator's tokenization and truncation of the
        sources to `max_length`, its generation with the same sampler (greedy, or beam search
        with `num_beams`) up to `max_target_length` tokens, and its detokenization.
        """
        translator = self.translator
        sampler = translator.sampler(self.num_beams)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            ids = translator.generate(translator.serving_inputs(bounded_texts(texts)), sampler)
            return {"translation": translator.serving_translations(kept_ids(ids, translator.decoding))}

        return serve

    def serving_metadata(self):
        return {"num_beams": self.num_beams, "max_target_length": self.max_target_length,
                "decoder": self.translator.decoder_description,
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
        self.translator.save_assets(folder)

    def load_assets(self, folder):
        self.translator.load_assets(folder)
