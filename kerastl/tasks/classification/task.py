"""`ClassificationTask`: text classification (binary or multi-class) on a pretrained backbone."""

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from kerastl.calibration import (check_temperature, fit_softmax_temperature, softmax_answers, softmax_with_temperature,
                                 temperature_facts)
from kerastl.layers import ClassificationHead
from kerastl.metrics import classification_metrics
from kerastl.preprocessing import tokenize_texts
from kerastl.tasks.classification.prediction import ClassificationPrediction
from kerastl.tasks.class_weights import BALANCED, CLASS_WEIGHT, balanced_class_weight, check_class_weight, \
    sparse_crossentropy
from kerastl.tasks.example_records import record_from_pair
from kerastl.tasks.labels import LabelSet
from kerastl.options import COLUMN, TaskOption
from kerastl.tasks.registry import register_task
from kerastl.tasks.task import Task


@register_task("classification", aliases=("sentiment",))
class ClassificationTask(Task):
    """Classify texts into labels: positive/negative, topics, star ratings, any set of classes.

    Registered as `classification`, and as `sentiment` (its first name, which saved sentiment
    models keep). Labels can be names or integers; they are learned from the training data
    unless given. `evaluate` reports accuracy and macro-F1; `predict` returns
    `ClassificationPrediction`s.

    Args:
        backbone: a backbone name (see `kerastl.backbones`).
        labels: the label names in class order; learned from the training data when None.
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
    """

    #: Models saved when this class was `kerastl.tasks.sentiment.SentimentTask` load as this class.
    former_class_names = ("SentimentTask",)

    #: `kerastl train classification` flags of its own.
    cli_options = (
        TaskOption("--text-column", "text_column", applies_to="read", type=COLUMN,
                   help="Column (name or index, -1 the last) holding the text, for table files."),
        TaskOption("--label-column", "label_column", applies_to="read", type=COLUMN,
                   help="Column (name or index, -1 the last) holding the label, for table files."),
        TaskOption("--class-weight", "class_weight", type=CLASS_WEIGHT,
                   help="Weigh rare labels up: 'balanced' (n / (k * count) from the training labels) or "
                        "LABEL=WEIGHT,... (others weigh 1)."),
    )

    def __init__(self, backbone="minilm-l6", *, labels=None, class_weight=None, temperature=1.0, **kwargs):
        super().__init__(backbone, **kwargs)
        self.label_set = LabelSet(labels) if labels is not None else None
        self.class_weight = check_class_weight(class_weight)
        self.temperature = check_temperature(temperature)

    def get_config(self):
        config = super().get_config()
        config["labels"] = self.label_set.names if self.label_set else None
        config["class_weight"] = self.class_weight
        config["temperature"] = self.temperature
        return config

    # === Data ===

    def record_from_example(self, example):
        return record_from_pair(example, "classification", "text", "label", input_aliases=("sentence",))

    def read_file(self, path, text_column=None, label_column=None, **options):
        from kerastl.data import read_class_folders, read_jsonl, read_table

        path = Path(path)
        if path.is_dir() or path.name.endswith((".tar.gz", ".tgz")):
            return read_class_folders(path, **options)
        if path.suffix == ".jsonl":
            return read_jsonl(path, text_field=text_column or "text", label_field=label_column or "label")
        return read_table(path, text_column=text_column or "sentence", label_column=label_column or "label", **options)

    def setup(self, records):
        if self.label_set is None:
            self.label_set = LabelSet.from_records(records)
        if self.class_weight == BALANCED:
            names = self.label_set.names
            self.class_weight = balanced_class_weight(names, [names[i] for i in self.label_set.ids(records)])

    def encode(self, records, with_targets):
        token_ids = tokenize_texts(self.tokenizer, [r["text"] for r in records], self.max_length)
        targets = tf.constant(self.label_set.ids(records), tf.int32) if with_targets else None
        return {"token_ids": token_ids}, targets

    # === Model ===

    def build_model(self, encoder):
        inputs = self.model_inputs()
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
        """Raw strings in; `label` (string), `score` and `probabilities` (in label order) out."""
        model = self.model
        names = tf.constant([str(name) for name in self.label_set.names])
        temperature = tf.constant(self.temperature, tf.float32)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            logits = model(self.serving_inputs(texts), training=False)
            probabilities = tf.nn.softmax(tf.cast(logits, tf.float32) / temperature, axis=-1)
            return {
                "label": tf.gather(names, tf.argmax(probabilities, axis=-1)),
                "score": tf.reduce_max(probabilities, axis=-1),
                "probabilities": probabilities,
            }

        return serve

    def serving_metadata(self):
        return {"labels": [str(name) for name in self.label_set.names]}

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
