"""`NerTask`: named-entity recognition (token classification) on a pretrained backbone."""

from pathlib import Path

import click
import keras
import numpy as np
import tensorflow as tf

from kerastl.export.serving_inputs import bounded_texts
from kerastl.tasks.calibration import check_temperature, fit_temperature, keep_if_it_helps, temperature_facts
from kerastl.errors import DataError, KerastlError
from kerastl.layers import TokenClassificationHead, text_inputs
from kerastl.metrics import DEFAULT_BINS, entity_metrics, negative_log_likelihood
from kerastl.options import TaskOption
from kerastl.preprocessing import SpecialTokens
from kerastl.preprocessing.sliding_windows import merge_windows_in_graph, window_values_in_graph
from kerastl.preprocessing.text_tokenization import pack_token_ids
from kerastl.preprocessing.word_alignment import align_words, words_tensor
from kerastl.preprocessing.word_splitting import split_words
from kerastl.tagging import SCHEMES, convert_tags, tags_to_spans
from kerastl.tasks.class_weights import BALANCED, CLASS_WEIGHT, balanced_class_weight, check_class_weight, \
    sparse_crossentropy
from kerastl.tasks.labelled_task import LabelledTask
from kerastl.tasks.labels import LabelSet
from kerastl.tasks.ner.entity import Entity
from kerastl.tasks.ner.graph import entities_in_graph, tags_from_token_logits_in_graph, windows_in_graph
from kerastl.tasks.ner.prediction import NerPrediction
from kerastl.tasks.registry import register_task

#: The target of sub-tokens that carry no label (ignored by the loss).
IGNORED = -1

#: Records decoded per graph call: the tag probabilities are padded to the longest sentence of a chunk.
DECODE_CHUNK = 1024


@register_task("ner")
class NerTask(LabelledTask):
    """Tag words with entity types (PER, LOC, ORG, ...) and return the entities of a text.

    Training data are sentences of words and tags (CoNLL column files, TFDS `conll2003`, or
    examples). Tags are converted from the data's `scheme` to IOB2 to train; the tag set is
    learned from the training data and saved with the model. Sentences longer than `max_length`
    sub-tokens are cut into overlapping windows whose predictions are merged back, so every word
    gets a tag. `evaluate` reports entity-level precision, recall and F1 (seqeval, as
    conlleval), overall and per type; `predict` takes raw texts or lists of words and returns
    `NerPrediction`s with typed entities and their word and character spans.

    Args:
        backbone: a backbone name (see `kerastl.backbones`).
        labels: the IOB2 tag names in class order; learned from the training data when None.
        scheme: the tag scheme of the data read: "iob1" (CoNLL-2003 files), "iob2" or "bioes".
            IOB2 data also reads correctly as IOB1. A record may carry its own "scheme".
        output_scheme: the scheme of the tags in predictions.
        label_subtokens: "first" trains on each word's first sub-token only; "all" gives every
            sub-token its word's tag.
        word_pooling: a word's tag comes from its "first" sub-token, or from the "mean" of the
            tag probabilities of all its sub-tokens.
        window_stride: sub-tokens between the starts of overlapping windows over long
            sentences (default: half a window).
        decoding: "valid" picks the most probable valid IOB2 tag sequence (no I- tag without
            its B-); "argmax" takes each word's most probable tag on its own.
        class_weight: weigh rare tags up in the loss: "balanced" (`n / (k * count)` over the
            training words' B- and I- tags, "O" keeps 1; resolved on the first `fit` into the
            mapping the config then keeps) or a mapping from entity type (its B- and I- tags)
            or tag to weight (others weigh 1). None: every tag weighs 1.
        temperature: tag probabilities are `softmax(logits / temperature)`, so an entity's
            score (the mean probability of its word tags) depends on it; `fit` with validation
            data fits it there (`calibrate`) so entity scores match how often entities are right.
        **kwargs: the shared options of `kerastl.tasks.Task` (max_length, freeze, lora_rank, ...).

    Example:

    >>> from kerastl.tasks import NerTask
    >>> task = NerTask("minilm-l6")  # doctest: +SKIP
    >>> task.fit("eng.train", validation="eng.testa")  # doctest: +SKIP
    >>> task.predict("Angela Merkel met Emmanuel Macron in Paris.")[0].entities[0].text  # doctest: +SKIP
    'Angela Merkel'
    """

    target_padding = IGNORED

    #: The metric reports and the best-epoch choice follow.
    main_metric = "f1"

    #: `kerastl train ner` flags of its own.
    cli_options = (
        TaskOption("--token-column", "token_column", applies_to="read", type=int,
                   help="0-based column of the words, for CoNLL files (default 0)."),
        TaskOption("--tag-column", "tag_column", applies_to="read", type=int,
                   help="0-based column of the tags, for CoNLL files (default: the last)."),
        TaskOption("--scheme", "scheme", applies_to="read", type=click.Choice(sorted(SCHEMES)),
                   help="Tag scheme of the data files (default: iob1, as CoNLL-2003)."),
        TaskOption("--decoding", "decoding", type=click.Choice(["valid", "argmax"]),
                   help="'valid' IOB2 sequences (Viterbi, the default) or each word's 'argmax' tag."),
        TaskOption("--word-pooling", "word_pooling", type=click.Choice(["first", "mean"]),
                   help="A word's tag from its 'first' sub-token (default) or the 'mean' of all."),
        TaskOption("--class-weight", "class_weight", type=CLASS_WEIGHT,
                   help="Weigh rare tags up: 'balanced' (n / (k * count) over the training words' B-/I- tags; O "
                        "keeps 1) or TYPE=WEIGHT,... (an entity type weighs its B- and I- tags; O=W the others)."),
    )

    def __init__(self, backbone="minilm-l6", *, labels=None, scheme="iob1", output_scheme="iob2",
                 label_subtokens="first", word_pooling="first", window_stride=None, decoding="valid", class_weight=None,
                 temperature=1.0, **kwargs):
        super().__init__(backbone, labels=labels, **kwargs)
        for name, value in (("scheme", scheme), ("output_scheme", output_scheme)):
            if value not in SCHEMES:
                raise ValueError(f"`{name}` must be one of {sorted(SCHEMES)}. Received: {name}={value!r}")
        if label_subtokens not in ("first", "all"):
            raise ValueError(f"`label_subtokens` must be 'first' or 'all'. Received: label_subtokens={label_subtokens!r}")
        if word_pooling not in ("first", "mean"):
            raise ValueError(f"`word_pooling` must be 'first' or 'mean'. Received: word_pooling={word_pooling!r}")
        if window_stride is not None and not 1 <= window_stride <= self.max_length - 2:
            raise ValueError(
                f"`window_stride` must be between 1 and max_length - 2. Received: window_stride={window_stride!r}"
            )
        if decoding not in ("valid", "argmax"):
            raise ValueError(f"`decoding` must be 'valid' or 'argmax'. Received: decoding={decoding!r}")
        self.decoding = decoding
        self.scheme = scheme
        self.output_scheme = output_scheme
        self.label_subtokens = label_subtokens
        self.word_pooling = word_pooling
        self.window_stride = window_stride
        self.class_weight = check_class_weight(class_weight)
        self.temperature = check_temperature(temperature)
        self._traced_tags = {}  # see `_traced_tagging`
        self._traced_windows = {}  # see `_window_functions`

    def get_config(self):
        config = super().get_config()
        config.update({
            "scheme": self.scheme,
            "output_scheme": self.output_scheme,
            "label_subtokens": self.label_subtokens,
            "word_pooling": self.word_pooling,
            "window_stride": self.window_stride,
            "decoding": self.decoding,
            "class_weight": self.class_weight,
            "temperature": self.temperature,
        })
        return config

    @property
    def entity_types(self):
        """The entity types the model knows, sorted."""
        return sorted({name[2:] for name in self.label_set.names if name != "O"}) if self.label_set else []

    # === Data ===

    def record_from_example(self, example):
        if isinstance(example, str):
            words, offsets = split_words(example)
            return {"words": words, "offsets": offsets, "text": example, "where": None}
        if isinstance(example, dict):
            record = {"words": example.get("words", example.get("tokens")), "where": example.get("where")}
            for key in ("tags", "scheme", "text", "offsets"):
                if example.get(key) is not None:
                    record[key] = example[key]
        elif isinstance(example, tuple) and len(example) == 2 and not isinstance(example[0], str):
            record = {"words": example[0], "tags": example[1], "where": None}
        elif isinstance(example, (list, tuple)) and all(isinstance(word, str) for word in example):
            record = {"words": list(example), "where": None}
        else:
            raise DataError(
                f"cannot read an NER example from {example!r}",
                fix="pass a text, a list of words, a (words, tags) pair, or a dict with 'words' and 'tags'",
            )
        if not isinstance(record["words"], (list, tuple)) or not all(isinstance(w, str) for w in record["words"]):
            raise DataError(f"an NER example needs a list of words; got {record['words']!r}", where=record["where"])
        record["words"] = list(record["words"])
        if "tags" in record and len(record["tags"]) != len(record["words"]):
            raise DataError(
                f"the example has {len(record['words'])} words but {len(record['tags'])} tags",
                where=record["where"], fix="give every word exactly one tag",
            )
        return record

    def read_file(self, path, token_column=0, tag_column=-1, scheme=None, **options):
        from kerastl.data import read_conll

        records = read_conll(Path(path), token_column=token_column, tag_column=tag_column)
        if scheme is not None:
            if scheme not in SCHEMES:
                raise DataError(f"unknown tag scheme {scheme!r}", fix=f"use one of {', '.join(sorted(SCHEMES))}")
            for record in records:
                record["scheme"] = scheme
        return records

    def iob2_tags(self, record):
        """The record's tags converted from its scheme to IOB2 (the scheme the model learns)."""
        if record.get("tags") is None:
            raise DataError("an example has no tags", where=record.get("where"),
                            fix="train and evaluate on tagged sentences (a CoNLL file with a tag column)")
        return convert_tags(record["tags"], record.get("scheme", self.scheme), "iob2", where=record.get("where"))

    def learn_labels(self, records):
        """The IOB2 tags of the training `records`: "O" first, then by entity type, B- before I-."""
        names = {"O"}
        for record in records:
            names.update(self.iob2_tags(record))
        return LabelSet(sorted(names, key=lambda name: (name != "O", name[2:], name)))

    def setup(self, records):
        super().setup(records)
        if self.class_weight == BALANCED:
            words = [tag for record in records for tag in self.iob2_tags(record)]
            self.class_weight = balanced_class_weight(self.label_set.names, words, ignore=("O",))

    def encode(self, records, with_targets=False):
        """With targets: one row per window of a sentence (its sub-tokens, packed) and the tag id
        of each sub-token. Without: one row per sentence, its words' sub-tokens (`token_ids`,
        neither windowed nor packed: `forward` cuts the windows)."""
        aligned = align_words(self.tokenizer, [record["words"] for record in records])
        if not with_targets:
            return {"token_ids": aligned["token_ids"]}, None
        windows, starts, ends = windows_in_graph(self, aligned["token_ids"])
        special = SpecialTokens.of(self.tokenizer)
        ignored = SpecialTokens(start=IGNORED if special.start is not None else None,
                                end=IGNORED if special.end is not None else None, pad=IGNORED)
        targets = window_values_in_graph(self._subtoken_targets(records, aligned), starts, ends)
        return {"token_ids": windows}, pack_token_ids(targets, ignored, self.max_length)

    def _subtoken_targets(self, records, aligned):
        """Each sentence's tag id per sub-token of `aligned` (`align_words` of its words), `IGNORED`
        on the sub-tokens `label_subtokens` leaves unlabeled; ragged int32 `(sentences, tokens)`."""
        word_tags = np.concatenate(
            [np.asarray([self.label_set.id_of(tag, r.get("where")) for tag in self.iob2_tags(r)], np.int32)
             for r in records] + [np.zeros(0, np.int32)]
        )
        word_starts = np.cumsum([0] + [len(r["words"]) for r in records])[:-1]
        word_ids = aligned["word_ids"]
        sentence_of_token = word_ids.value_rowids().numpy()
        targets = word_tags[word_ids.flat_values.numpy() + word_starts[sentence_of_token]]
        labeled = aligned["is_first" if self.label_subtokens == "first" else "is_labeled"]
        targets = np.where(labeled.flat_values.numpy(), targets, IGNORED)
        return tf.RaggedTensor.from_row_splits(targets.astype(np.int32), word_ids.row_splits)

    def window_size_and_stride(self):
        """`(size, stride)` of the windows over long sentences, in sub-tokens (special ones left out)."""
        size = self.max_length - SpecialTokens.of(self.tokenizer).count
        return size, min(self.window_stride or max(size // 2, 1), size)

    # === Model ===

    def build_model(self, encoder):
        inputs = text_inputs()
        states = encoder(inputs)["sequence_output"]
        logits = TokenClassificationHead(len(self.label_set), dropout=self.dropout, name="ner_head")(states)
        return keras.Model(inputs, logits, name="token_classifier")

    def loss(self):
        return sparse_crossentropy(self.tag_weights(), self.label_set.names, ignore_class=IGNORED)

    def tag_weights(self):
        """`class_weight` as a weight per tag: an entity type's weight goes to its B- and I- tags."""
        if self.class_weight is None:
            return None
        by_type = {str(name): weight for name, weight in self.class_weight.items()}
        unknown = sorted(set(by_type) - set(self.label_set.names) - set(self.entity_types))
        if unknown:
            raise KerastlError(f"class_weight names tags or entity types the data does not have: {unknown}; the "
                               f"types are {self.entity_types} (and the tags {self.label_set.names}). "
                               "Fix: weigh only these, e.g. --class-weight MISC=2.")
        return {tag: by_type.get(tag, by_type.get(tag[2:], 1.0)) for tag in self.label_set.names}

    # === Inference ===

    def forward(self, batch):
        """The sub-token logits of one batch of sentences: one array `(tokens, tags)` per sentence.

        The sentences are cut into windows (`kerastl.tasks.ner.graph.windows_in_graph`), the
        model runs on the windows (`run_model`) and their logits are merged back per sentence.
        Tags and entities come from them in `decode`, at the task's temperature, so trying
        temperatures (`calibrate`) does not run the model again.
        """
        cut_windows, merge = self._window_functions()
        windows, starts, ends = cut_windows(tf.cast(batch["token_ids"], tf.int32).with_row_splits_dtype(tf.int64))
        first = int(SpecialTokens.of(self.tokenizer).start is not None)
        lengths = (ends.flat_values - starts.flat_values).numpy()
        logits = [row[first : first + length] for row, length in zip(self.run_model({"token_ids": windows}), lengths)]
        merged = merge(np.concatenate(logits).astype(np.float32), lengths.astype(np.int64), starts, ends)
        return np.split(merged.flat_values.numpy(), merged.row_splits.numpy()[1:-1])

    def _window_functions(self):
        """`(cut, merge)`: `windows_in_graph` and `merge_windows_in_graph` (from flat window logits
        and their lengths) as `tf.function`s without the model, traced once per window shape."""
        key = (self.window_size_and_stride(), SpecialTokens.of(self.tokenizer), self.max_length, len(self.label_set))
        if key not in self._traced_windows:
            spans = tf.RaggedTensorSpec([None, None], tf.int32, ragged_rank=1, row_splits_dtype=tf.int64)
            cut = tf.function(lambda token_ids: windows_in_graph(self, token_ids), input_signature=[spans],
                              autograph=False)
            merge = tf.function(
                lambda logits, lengths, starts, ends: merge_windows_in_graph(
                    tf.RaggedTensor.from_row_lengths(logits, lengths), starts, ends),
                input_signature=[tf.TensorSpec([None, len(self.label_set)], tf.float32),
                                 tf.TensorSpec([None], tf.int64), spans, spans],
                autograph=False)
            self._traced_windows[key] = cut, merge
        return self._traced_windows[key]

    def validation_loss(self, records, outputs):
        """`loss()` over the labeled sub-tokens of `records`, from their `forward` logits.

        All sub-tokens are one batch for the loss: with `class_weight` a weighted mean, else the
        mean. A sub-token of a sentence longer than `max_length` counts once, with its merged
        logits, where Keras' own validation pass counts it in each window that holds it.
        """
        targets = self._subtoken_targets(records, align_words(self.tokenizer, [record["words"] for record in records]))
        logits = np.concatenate(list(outputs) + [np.zeros((0, len(self.label_set)), np.float32)])
        return float(keras.ops.convert_to_numpy(self.loss()(targets.flat_values[None], logits[None])))

    # === Results ===

    def decode(self, outputs, records):
        names, types = self.label_set.names, self.entity_types
        predictions = []
        for record, tagged in zip(records, self._tagger(records, outputs)(self.temperature)):
            text, offsets = _text_and_offsets(record)
            entities = [
                Entity(type=types[kind], text=text[offsets[start][0] : offsets[end - 1][1]], start_word=int(start),
                       end_word=int(end), start_char=offsets[start][0], end_char=offsets[end - 1][1],
                       score=float(score))
                for kind, start, end, score in zip(tagged["entity_type"], tagged["entity_start"],
                                                   tagged["entity_end"], tagged["entity_score"])
            ]
            tags = [names[i] for i in tagged["tags"]]
            predictions.append(NerPrediction(text=text, words=list(record["words"]),
                                             tags=convert_tags(tags, "iob2", self.output_scheme), entities=entities))
        return predictions

    def score(self, records, predictions):
        true_tags = [self.iob2_tags(record) for record in records]
        predicted_tags = [convert_tags(p.tags, self.output_scheme, "iob2") for p in predictions]
        return entity_metrics(true_tags, predicted_tags)

    # === Calibration ===

    def calibrate(self, records, outputs):
        """Set `temperature` to the one whose entity scores best predict which entities are right.

        An entity's score is the mean probability of its word tags (`Entity.score`); it counts as
        right when a gold entity of `records` has its type and exact word span (as conlleval
        counts). The temperature minimizes the log loss of the scores as probabilities of being
        right (the NLL below), searched as `kerastl.tasks.calibration.fit_temperature` does, on the
        sub-token logits `outputs` (`forward`'s, of `records`), decoded in the graph for each
        temperature tried. "Before" is temperature 1.

        Returns:
            `kerastl.tasks.calibration.temperature_facts` over the predicted entities (`entities`:
            how many at the fitted temperature), or, when the model finds no entity in
            `records`, the temperature 1 with `entities` 0 and no errors.
        """
        score_entities = self._entity_scorer(records, outputs)
        scores, right = score_entities(1.0)
        if not len(scores):
            self.temperature = 1.0
            return {"method": "temperature", "temperature": 1.0, "ece_before": None, "ece_after": None,
                    "nll_before": None, "nll_after": None, "bins": DEFAULT_BINS, "entities": 0}
        self.temperature = fit_temperature(lambda t: _log_loss(*score_entities(t)))
        after = score_entities(self.temperature)
        return keep_if_it_helps(self, temperature_facts(
            self.temperature, (scores, right, _log_loss(scores, right)), (*after, _log_loss(*after)),
            entities=len(after[0]), sentences=len(records)))

    def _entity_scorer(self, records, outputs):
        """A function of a temperature: `(scores, right)` of the entities `outputs` give `records`."""
        tag = self._tagger(records, outputs)
        types = self.entity_types
        gold = [{(span.type, span.start, span.end) for span in tags_to_spans(self.iob2_tags(record))}
                for record in records]

        def score_entities(temperature):
            tagged = tag(temperature)
            right = [(types[kind], start, end) in gold[row] for row, sentence in enumerate(tagged)
                     for kind, start, end in zip(sentence["entity_type"], sentence["entity_start"],
                                                 sentence["entity_end"])]
            scores = np.concatenate([sentence["entity_score"] for sentence in tagged] + [np.zeros(0, np.float32)])
            return np.clip(scores, 0.0, 1.0), np.asarray(right, bool)

        return score_entities

    def _tagger(self, records, outputs):
        """A function of a temperature: the tags and entities of `records` from their sub-token
        logits (`outputs`, one `forward` array per record), one dict of numpy arrays per record.

        The words are aligned once; each call decodes in the graph (`tags_from_token_logits_in_graph`),
        `DECODE_CHUNK` records at a time.
        """
        chunks = []
        for start in range(0, len(records), DECODE_CHUNK):
            logits = outputs[start : start + DECODE_CHUNK]
            words = words_tensor([record["words"] for record in records[start : start + DECODE_CHUNK]])
            chunks.append((tf.RaggedTensor.from_row_lengths(np.concatenate(logits), [len(row) for row in logits]),
                           align_words(self.tokenizer, words), words))

        def tag(temperature):
            tagged = []
            for logits, aligned, words in chunks:
                decode = self._traced_tagging(aligned, words)
                values = decode(logits, aligned, words, tf.constant(temperature, tf.float32))
                columns = {name: np.split(value.flat_values.numpy(), value.row_splits.numpy()[1:-1])
                           for name, value in values.items()}
                tagged.extend(dict(zip(columns, row)) for row in zip(*columns.values()))
            return tagged

        return tag

    def _traced_tagging(self, aligned, words):
        """`tags_from_token_logits_in_graph` as one `tf.function` for chunks of any size, traced
        once per decoding rule, word pooling and tag set (what the trace reads from the task)."""
        key = (self.decoding, self.word_pooling, tuple(self.label_set.names))
        if key not in self._traced_tags:
            def ragged(value):
                return tf.RaggedTensorSpec([None] * len(value.shape), value.dtype, ragged_rank=1,
                                           row_splits_dtype=value.row_splits.dtype)

            self._traced_tags[key] = tf.function(
                lambda logits, aligned, words, temperature: tags_from_token_logits_in_graph(
                    self, logits, aligned, words, temperature),
                input_signature=[tf.RaggedTensorSpec([None, None, len(self.label_set)], tf.float32, ragged_rank=1),
                                 {name: ragged(value) for name, value in aligned.items()},
                                 ragged(words), tf.TensorSpec([], tf.float32)],
                autograph=False)
        return self._traced_tags[key]

    # === Serving ===

    def serving_function(self):
        """Raw strings in; the entities `predict` finds, as dense tensors padded per batch.

        The graph is `predict`'s own (`kerastl.tasks.ner.graph.tag_words_in_graph`) after
        the same word splitting: sliding windows over texts longer than `max_length` (nothing
        is truncated), word pooling and decoding (`self.decoding`, by default the "valid"
        Viterbi search).

        Returns:
            A `tf.function` taking `texts` (`tf.string`, `(batch,)`) and returning
            `entity_type`, `entity_text` (string, `(batch, entities)`, "" past a text's last
            entity), `entity_start`, `entity_end` (int32 character offsets, -1 past the last),
            `entity_score` (float32, -1 past the last) and `entity_count` (int32, `(batch,)`).
        """

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            return entities_in_graph(self, bounded_texts(texts))

        return serve

    def serving_metadata(self):
        return {
            "entity_types": self.entity_types,
            "tags": list(self.label_set.names),
            "scheme": "iob2",
            "decoding": self.decoding,
            "word_pooling": self.word_pooling,
            "long_texts": f"overlapping windows of {self.max_length} tokens, merged as predict merges them",
            "padding": {"entity_type": "", "entity_text": "", "entity_start": -1, "entity_end": -1,
                        "entity_score": -1.0},
        }

    # === Report ===

    def report_figures(self, records, predictions, folder):
        from kerastl.reporting import ReportItem, per_class_table, plot_per_class, reliability_report_items
        from kerastl.reporting.error_analysis import entity_confusion, sentences_with_mistakes
        from kerastl.tagging import tags_to_spans

        per_type = self.score(records, predictions)["per_type"]
        items = []
        if per_type:
            plot_per_class(per_type, Path(folder) / "entity_types.png", title="Per entity type (validation)")
            texts, gold, predicted = [], [], []
            for record, prediction in zip(records, predictions):
                text, offsets = _text_and_offsets(record)
                texts.append(text)
                gold.append([[offsets[span.start][0], offsets[span.end - 1][1], span.type]
                             for span in tags_to_spans(self.iob2_tags(record))])
                predicted.append([[entity.start_char, entity.end_char, entity.type] for entity in prediction.entities])
            sentences = sentences_with_mistakes(texts, gold, predicted)
            items = [
                ReportItem("Per entity type: precision, recall and F1", image="entity_types.png",
                           caption="Entity-level scores (exact span and type), as conlleval counts them."),
                ReportItem("Per entity type (table)", table=per_class_table(per_type)),
                ReportItem("Entity types confused", table=entity_confusion(gold, predicted),
                           caption="Rows: gold type; columns: the type of the predicted entity overlapping it most "
                                   "(boundaries may differ). (missed): no predicted entity overlaps it; (spurious): a "
                                   "predicted entity overlapping no gold one."),
                ReportItem("Sentences with mistakes (validation)", spans=sentences,
                           caption=f"{len(sentences)} validation sentences, those with wrong, missed or spurious "
                                   "entities first, in file order: the gold entities above, the predicted ones below."),
            ]
        items += reliability_report_items(self.calibration, folder, answers="predicted entities")
        return items


def _text_and_offsets(record):
    """The record's text and each word's character offsets.

    Offsets come from the record when it has them; else each word is found in the record's
    text in order (character-per-line files such as KLUE's give the text and its characters);
    else the text is the words joined by spaces.
    """
    text = record.get("text")
    if text is not None and record.get("offsets") is not None:
        return text, [tuple(offset) for offset in record["offsets"]]
    if text is not None:
        offsets, position = [], 0
        for word in record["words"]:
            start = text.find(word, position)
            if start < 0:
                break
            offsets.append((start, start + len(word)))
            position = start + len(word)
        else:
            return text, offsets
    offsets, position = [], 0
    for word in record["words"]:
        offsets.append((position, position + len(word)))
        position += len(word) + 1
    return " ".join(record["words"]), offsets


def _log_loss(scores, right):
    """The NLL of entity scores as probabilities of being right (kept within float32's resolution
    of 0 and 1: the graph's probabilities are float32, so a score of 1.0 is "1 - 6e-8 or more")."""
    resolution = float(np.finfo(np.float32).eps)
    scores = np.clip(scores, resolution, 1.0 - resolution)
    return negative_log_likelihood(np.stack([1.0 - scores, scores], axis=1), np.asarray(right, np.int64))
