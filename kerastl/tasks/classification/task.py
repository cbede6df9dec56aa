"""`ClassificationTask`: text classification (binary or multi-class) on a pretrained backbone."""

from pathlib import Path

import numpy as np
import tensorflow as tf

from kerastl.tasks.calibration import (check_temperature, fit_softmax_temperature, keep_if_it_helps, softmax_answers,
                                      softmax_with_temperature, temperature_facts)
from kerastl.data.multi_label_reader import label_list_hint, refuse_label_list
from kerastl.errors import DataError, Location
from kerastl.metrics import classification_metrics
from kerastl.options import COLUMN, TaskOption
from kerastl.tasks.class_weights import BALANCED, CLASS_WEIGHT, balanced_class_weight, check_class_weight, \
    sparse_crossentropy
from kerastl.tasks.classification.prediction import ClassificationPrediction
from kerastl.tasks.classification.text_classifier import TextClassifierTask
from kerastl.tasks.example_records import record_from_text_example
from kerastl.tasks.registry import register_task


@register_task("classification", aliases=("sentiment",))
class ClassificationTask(TextClassifierTask):
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

    main_metric = "accuracy"
    #: Keras resolves "accuracy" for integer targets and one logit per class (sparse categorical).
    fit_metrics = ("accuracy",)
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
        super().__init__(backbone, labels=labels, **kwargs)
        self.text_pairs = None if text_pairs is None else bool(text_pairs)
        self.class_weight = check_class_weight(class_weight)
        self.temperature = check_temperature(temperature)

    def get_config(self):
        return {**super().get_config(), "class_weight": self.class_weight, "temperature": self.temperature,
                "text_pairs": self.text_pairs}

    # === Data ===

    def record_from_example(self, example):
        return refuse_label_list(example, record_from_text_example(example, "classification",
                                                                   reads_pairs=bool(self.text_pairs)))

    def read_folder(self, path, text_column=None, label_column=None, text_pair_column=None, **options):
        from kerastl.data import read_class_folders

        if text_pair_column is not None:
            raise DataError("a folder per class holds one text per file, not text pairs", where=Location(str(path)),
                            fix="give the pairs as a table (TSV/CSV) or JSONL file, or drop --text-pair-column")
        return read_class_folders(path, **options)

    def read_jsonl(self, path, text_column=None, label_column=None, text_pair_column=None, **table_options):
        """JSONL: the columns name fields (`text`, `label` by default); table options do not apply."""
        from kerastl.data import read_jsonl

        try:
            return read_jsonl(path, text_field=text_column or "text", label_field=label_column or "label",
                              text_pair_field=text_pair_column)
        except DataError as error:
            raise label_list_hint(error) from None

    def read_table(self, path, text_column=None, label_column=None, text_pair_column=None, **options):
        from kerastl.data import read_table

        return read_table(path, text_column=text_column or "sentence", label_column=label_column or "label",
                          text_pair_column=text_pair_column, **options)

    def setup(self, records):
        super().setup(records)
        if self.class_weight == BALANCED:
            names = self.label_set.names
            self.class_weight = balanced_class_weight(names, [names[i] for i in self.label_set.ids(records)])

    def encode(self, records, with_targets):
        targets = tf.constant(self.label_set.ids(records), tf.int32) if with_targets else None
        return self.encode_texts(records), targets

    # === Model ===

    def loss(self):
        return sparse_crossentropy(self.class_weight, self.label_set.names)

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

    def score(self, records, predictions):
        names = self.label_set.names
        return classification_metrics([names[i] for i in self.label_set.ids(records)], [p.label for p in predictions],
                                      names)

    def calibrate(self, records, outputs):
        """Set `temperature` to the one minimizing the NLL of the labels of `records`, given
        their logits `outputs`, as `kerastl.tasks.calibration.fit_softmax_temperature` searches it.
        "Before" is the model's own softmax (temperature 1); a confidence is a prediction's `score`.

        Returns:
            `kerastl.tasks.calibration.temperature_facts`: the temperature, the expected calibration
            error and NLL before and after, the reliability bins, and `examples`; the temperature is
            kept only if it lowers the calibration error (`keep_if_it_helps`: `kept`).
        """
        logits = np.stack(outputs)
        labels = np.asarray(self.label_set.ids(records))
        self.temperature = fit_softmax_temperature(logits, labels)
        return keep_if_it_helps(self, temperature_facts(self.temperature, softmax_answers(logits, labels, 1.0),
                                                        softmax_answers(logits, labels, self.temperature),
                                                        examples=len(records)))

    # === Serving ===

    def serving_outputs(self, logits):
        """`label` (string), `score` and `probabilities` (in label order, at the temperature)."""
        probabilities = tf.nn.softmax(logits / tf.constant(self.temperature, tf.float32), axis=-1)
        names = tf.constant([str(name) for name in self.label_set.names])
        return {
            "label": tf.gather(names, tf.argmax(probabilities, axis=-1)),
            "score": tf.reduce_max(probabilities, axis=-1),
            "probabilities": probabilities,
        }

    def serving_metadata(self):
        return {**super().serving_metadata(), "text_pairs": bool(self.text_pairs)}

    # === Report ===

    def report_figures(self, records, predictions, folder):
        from kerastl.reporting import ReportItem, per_class_table, plot_confusion_matrix, reliability_report_items
        from kerastl.reporting.error_analysis import confident_mistakes

        names = self.label_set.names
        true_labels = [names[i] for i in self.label_set.ids(records)]
        predicted = [p.label for p in predictions]
        counts = plot_confusion_matrix(true_labels, predicted, names, Path(folder) / "confusion_matrix.png",
                                       title="Confusion matrix (validation)")
        metrics = classification_metrics(true_labels, predicted, names)
        items = [
            ReportItem("Confusion matrix", image="confusion_matrix.png",
                       caption=f"Rows: true label; columns: predicted label; {int(counts.sum())} examples."),
            ReportItem("Per-class precision, recall and F1", table=per_class_table(metrics["per_class"])),
        ]
        mistakes = confident_mistakes([r["text"] for r in records], true_labels, predicted,
                                      [p.score for p in predictions])
        if mistakes["rows"]:
            wrong = sum(true != label for true, label in zip(true_labels, predicted))
            items.append(ReportItem(
                "Most confident mistakes", table=mistakes,
                caption=f"The {len(mistakes['rows'])} wrongly classified validation examples (of {wrong}) with the "
                        "highest score, the probability the model gave its predicted label."))
        items += reliability_report_items(self.calibration, folder, answers="predicted labels")
        return items
