"""`ClassificationTask`: text classification (binary or multi-class) on a pretrained backbone."""

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from kerastl.calibration import (check_temperature, fit_softmax_temperature, softmax_answers, softmax_with_temperature,
                                 temperature_facts)
from kerastl.errors import DataError, Location
from kerastl.data.multi_label_reader import label_list_hint, refuse_label_list
from kerastl.layers import ClassificationHead
from kerastl.metrics import classification_metrics
from kerastl.preprocessing import tokenize_text_pairs, tokenize_texts
from kerastl.tasks.classification.prediction import ClassificationPrediction
from kerastl.tasks.class_weights import BALANCED, CLASS_WEIGHT, balanced_class_weight, check_class_weight, \
    sparse_crossentropy
from kerastl.tasks.example_records import record_from_text_example
from kerastl.tasks.labels import LabelSet
from kerastl.options import COLUMN, TaskOption
from kerastl.tasks.registry import register_task
from kerastl.tasks.task import Task


@register_task("classification", aliases=("sentiment",))
class ClassificationTask(Task):
    """Classify texts, or pairs of texts, into labels: sentiment, topics, entailment, any set of classes.

    Registered as `classification`, and as `sentiment` (its first name, which saved sentiment
    models keep). Labels can be names or integers; they are learned from the training data
    unless given. `evaluate` reports accuracy and macro-F1; `predict` returns
    `ClassificationPrediction`s.

    Examples may be text pairs (premise/hypothesis, question/answer): `(text, text_pair, label)`
    tuples, dicts with `text_pair` (or `sentence1`/`sentence2`, `premise`/`hypothesis`), table
    files read with `text_pair_column` (CLI `--text-pair-column`), JSONL with
    `text_pair_column` naming the field. The two texts are packed into one sequence as the
    backbone's family expects (`kerastl.preprocessing.pack_token_id_pairs`), truncated
    longest-first to `max_length`. A model trained on pairs predicts pairs only (`(text,
    text_pair)` tuples, or `"text<TAB>text_pair"` strings), and its export takes `texts` and
    `text_pairs`.

    Args:
        backbone: a backbone name (see `kerastl.backbones`).
        labels: the label names in class order; learned from the training data when None.
        text_pairs: whether every example is a pair of texts; learned from the training data
            (the first example) when None.
        class_weight: weigh rare labels up: "balanced" (`n / (k * count)` from the training
            labels, resolved on the first `fit` into the mapping the config then keeps) or a
            mapping from label to weight (labels left out weigh 1). None: every label weighs 1.
        temperature: probabilities are `softmax(logits / temperature)`; `fit` with validation
            data fits it there (`calibrate`) so scores match accuracy. Labels never change.
        **kwargs: the shared options of `kerastl.tasks.Task` (max_length, freeze, lora_rank, ...).

    Example:

    >>> from kerastl.tasks import ClassificationTask
    >>> task = ClassificationTask("minilm-l6")  # doctest: +SKIP
    >>> task.fit([("a wonderful film", "positive"), ("a dull mess", "negative")])  # doctest: +SKIP
    >>> task.predict(["what a delight"])[0].label  # doctest: +SKIP
    'positive'
    >>> nli = ClassificationTask("minilm-l6")  # doctest: +SKIP
    >>> nli.fit([("A man sleeps.", "A person rests.", "entailment"),
    ...          ("A man sleeps.", "He runs a marathon.", "not_entailment")])  # doctest: +SKIP
    >>> nli.predict([("A dog barks.", "An animal makes a sound.")])[0].label  # doctest: +SKIP
    'entailment'
    """

    #: Models saved when this class was `kerastl.tasks.sentiment.SentimentTask` load as this class.
    former_class_names = ("SentimentTask",)

    #: `kerastl train classification` flags of its own.
    cli_options = (
        TaskOption("--text-column", "text_column", applies_to="read", type=COLUMN,
                   help="Column (name or index, -1 the last) holding the text, for table files."),
        TaskOption("--label-column", "label_column", applies_to="read", type=COLUMN,
                   help="Column (name or index, -1 the last) holding the label, for table files."),
        TaskOption("--text-pair-column", "text_pair_column", applies_to="read", type=COLUMN,
                   help="Column (name or index) holding a second text (hypothesis, answer) to classify "
                        "with the first, for table files (the field name for JSONL)."),
        TaskOption("--class-weight", "class_weight", type=CLASS_WEIGHT,
                   help="Weigh rare labels up: 'balanced' (n / (k * count) from the training labels) or "
                        "LABEL=WEIGHT,... (others weigh 1)."),
    )

    def __init__(self, backbone="minilm-l6", *, labels=None, text_pairs=None, class_weight=None, temperature=1.0,
                 **kwargs):
        super().__init__(backbone, **kwargs)
        self.label_set = LabelSet(labels) if labels is not None else None
        self.text_pairs = None if text_pairs is None else bool(text_pairs)
        self.class_weight = check_class_weight(class_weight)
        self.temperature = check_temperature(temperature)

    def get_config(self):
        config = super().get_config()
        config["labels"] = self.label_set.names if self.label_set else None
        config["class_weight"] = self.class_weight
        config["temperature"] = self.temperature
        config["text_pairs"] = self.text_pairs
        return config

    # === Data ===

    def record_from_example(self, example):
        return refuse_label_list(example, record_from_text_example(example, "classification",
                                                                   reads_pairs=bool(self.text_pairs)))

    def read_file(self, path, text_column=None, label_column=None, text_pair_column=None, **options):
        from kerastl.data import read_class_folders, read_jsonl, read_table

        path = Path(path)
        if path.is_dir() or path.name.endswith((".tar.gz", ".tgz")):
            if text_pair_column is not None:
                raise DataError("a folder per class holds one text per file, not text pairs", where=Location(str(path)),
                                fix="give the pairs as a table (TSV/CSV) or JSONL file, or drop --text-pair-column")
            return read_class_folders(path, **options)
        if path.suffix == ".jsonl":
            try:
                return read_jsonl(path, text_field=text_column or "text", label_field=label_column or "label",
                                  text_pair_field=text_pair_column)
            except DataError as error:
                raise label_list_hint(error) from None
        return read_table(path, text_column=text_column or "sentence", label_column=label_column or "label",
                          text_pair_column=text_pair_column, **options)

    def setup(self, records):
        if self.label_set is None:
            self.label_set = LabelSet.from_records(records)
        if self.class_weight == BALANCED:
            names = self.label_set.names
            self.class_weight = balanced_class_weight(names, [names[i] for i in self.label_set.ids(records)])
        if self.text_pairs is None:
            self.text_pairs = "text_pair" in records[0]

    def encode(self, records, with_targets):
        self._check_text_pairs(records)
        texts = [r["text"] for r in records]
        if self.text_pairs:
            features = tokenize_text_pairs(self.tokenizer, texts, [r["text_pair"] for r in records], self.max_length)
            if not self._model_takes_segment_ids():
                del features["segment_ids"]
        else:
            features = {"token_ids": tokenize_texts(self.tokenizer, texts, self.max_length)}
        targets = tf.constant(self.label_set.ids(records), tf.int32) if with_targets else None
        return features, targets

    def _model_takes_segment_ids(self):
        """Whether the model has a `segment_ids` input (a pair model on a BERT, ELECTRA or ALBERT backbone)."""
        return isinstance(self.model.input, dict) and "segment_ids" in self.model.input

    def _check_text_pairs(self, records):
        """A `DataError` naming the first record that is not what the task reads (a pair or a single text)."""
        odd = next((r for r in records if ("text_pair" in r) != bool(self.text_pairs)), None)
        if odd is None:
            return
        if self.text_pairs:
            raise DataError(
                "the example is a single text, but this classifier reads text pairs (text and text_pair)",
                where=odd.get("where"),
                fix="give every example its second text: a table's --text-pair-column (text_pair_column=), "
                    "(text, text_pair) tuples or dicts with 'text_pair', or 'text<TAB>text_pair' lines to "
                    "kerastl predict",
            )
        raise DataError(
            "the example is a text pair, but this classifier reads single texts",
            where=odd.get("where"),
            fix="give single texts (no --text-pair-column, no 'text_pair'), or train a classifier on pairs",
        )

    # === Model ===

    def build_model(self, encoder):
        inputs = self.model_inputs()
        if self.text_pairs and encoder.takes_segment_ids:
            inputs["segment_ids"] = keras.Input(shape=(None,), dtype="int32", name="segment_ids")
        pooled = encoder(inputs)["pooled_output"]
        logits = ClassificationHead(len(self.label_set), dropout=self.dropout, name="classification_head")(pooled)
        return keras.Model(inputs, logits, name="text_classifier")

    def loss(self):
        return sparse_crossentropy(self.class_weight, self.label_set.names)

    def fit_metrics(self):
        return [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]

    # === Results ===

    def decode(self, outputs, records):
        probabilities = softmax_with_temperature(np.stack(outputs), self.temperature)
        names = self.label_set.names
        return [
            ClassificationPrediction(
                text=record["text"],
                text_pair=record.get("text_pair"),
                label=names[int(row.argmax())],
                score=float(row.max()),
                probabilities={str(name): float(p) for name, p in zip(names, row)},
            )
            for record, row in zip(records, probabilities)
        ]

    def head_size(self):
        return len(self.label_set) if self.label_set is not None else None

    def score(self, records, predictions):
        true_ids = self.label_set.ids(records)
        names = self.label_set.names
        return classification_metrics([names[i] for i in true_ids], [p.label for p in predictions], names)

    # === Calibration ===

    def calibrate(self, records):
        """Fit the softmax temperature on labeled `records` (see `calibrate_temperature`)."""
        return self.calibrate_temperature(records)

    def calibrate_temperature(self, records):
        """Set `temperature` to the one minimizing the NLL of the labels of `records`.

        The model's logits for `records` come from one `predict_outputs` pass; the temperature
        is searched as `kerastl.calibration.fit_softmax_temperature` does. "Before" is the
        model's own softmax (temperature 1); a confidence is a prediction's `score`.

        Returns:
            `kerastl.calibration.temperature_facts`: the temperature, the expected calibration
            error and NLL before and after, the reliability bins, and `examples`.
        """
        logits = np.stack(self.predict_outputs(records))
        labels = np.asarray(self.label_set.ids(records))
        self.temperature = fit_softmax_temperature(logits, labels)
        return temperature_facts(self.temperature, softmax_answers(logits, labels, 1.0),
                                 softmax_answers(logits, labels, self.temperature), examples=len(records))

    # === Serving ===

    def serving_function(self):
        """Raw strings in; `label` (string), `score` and `probabilities` (in label order) out.

        A classifier of text pairs takes `texts` and `text_pairs`, two `tf.string` tensors of
        shape `(batch,)`; one of single texts takes `texts`.
        """
        model = self.model
        names = tf.constant([str(name) for name in self.label_set.names])
        temperature = tf.constant(self.temperature, tf.float32)

        def answer(inputs):
            logits = model(inputs, training=False)
            probabilities = tf.nn.softmax(tf.cast(logits, tf.float32) / temperature, axis=-1)
            return {
                "label": tf.gather(names, tf.argmax(probabilities, axis=-1)),
                "score": tf.reduce_max(probabilities, axis=-1),
                "probabilities": probabilities,
            }

        if self.text_pairs:
            @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts"),
                                          tf.TensorSpec([None], tf.string, name="text_pairs")])
            def serve_pairs(texts, text_pairs):
                return answer(self.serving_pair_inputs(texts, text_pairs))

            return serve_pairs

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            return answer(self.serving_inputs(texts))

        return serve

    def serving_pair_inputs(self, texts, text_pairs):
        """Tokenize two `tf.string` batches in the graph into the padded inputs of packed pairs."""
        from kerastl.export.serving_inputs import serving_pair_inputs

        return serving_pair_inputs(self.tokenizer, texts, text_pairs, self.max_length,
                                   with_segment_ids=self._model_takes_segment_ids())

    def serving_metadata(self):
        return {"labels": [str(name) for name in self.label_set.names], "text_pairs": bool(self.text_pairs)}

    # === Report ===

    main_metric = "accuracy"

    def report_figures(self, records, predictions, folder):
        from kerastl.reporting import ReportItem, per_class_table, plot_confusion_matrix, reliability_report_items
        from kerastl.reporting.error_analysis import confident_mistakes

        names = self.label_set.names
        true_labels = [names[i] for i in self.label_set.ids(records)]
        counts = plot_confusion_matrix(true_labels, [p.label for p in predictions], names,
                                       Path(folder) / "confusion_matrix.png", title="Confusion matrix (validation)")
        metrics = classification_metrics(true_labels, [p.label for p in predictions], names)
        items = [
            ReportItem("Confusion matrix", image="confusion_matrix.png",
                       caption=f"Rows: true label; columns: predicted label; {int(counts.sum())} examples."),
            ReportItem("Per-class precision, recall and F1", table=per_class_table(metrics["per_class"])),
        ]
        mistakes = confident_mistakes([r["text"] for r in records], true_labels, [p.label for p in predictions],
                                      [p.score for p in predictions])
        if mistakes["rows"]:
            wrong = sum(true != p.label for true, p in zip(true_labels, predictions))
            items.append(ReportItem(
                "Most confident mistakes", table=mistakes,
                caption=f"The {len(mistakes['rows'])} wrongly classified validation examples (of {wrong}) with the "
                        "highest score, the probability the model gave its predicted label."))
        items += reliability_report_items(self.calibration, folder, answers="predicted labels")
        return items
