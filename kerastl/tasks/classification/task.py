"""`ClassificationTask`: text classification (binary or multi-class) on a pretrained backbone."""

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from kerastl.data.multi_label_reader import label_list_hint, refuse_label_list
from kerastl.errors import DataError
from kerastl.layers import ClassificationHead
from kerastl.metrics import classification_metrics
from kerastl.preprocessing import tokenize_texts
from kerastl.tasks.classification.prediction import ClassificationPrediction
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
    )

    def __init__(self, backbone="minilm-l6", *, labels=None, **kwargs):
        super().__init__(backbone, **kwargs)
        self.label_set = LabelSet(labels) if labels is not None else None

    def get_config(self):
        config = super().get_config()
        config["labels"] = self.label_set.names if self.label_set else None
        return config

    # === Data ===

    def record_from_example(self, example):
        return refuse_label_list(example, record_from_pair(example, "classification", "text", "label",
                                                           input_aliases=("sentence",)))

    def read_file(self, path, text_column=None, label_column=None, **options):
        from kerastl.data import read_class_folders, read_jsonl, read_table

        path = Path(path)
        if path.is_dir() or path.name.endswith((".tar.gz", ".tgz")):
            return read_class_folders(path, **options)
        if path.suffix == ".jsonl":
            try:
                return read_jsonl(path, text_field=text_column or "text", label_field=label_column or "label")
            except DataError as error:
                raise label_list_hint(error) from None
        return read_table(path, text_column=text_column or "sentence", label_column=label_column or "label", **options)

    def setup(self, records):
        if self.label_set is None:
            self.label_set = LabelSet.from_records(records)

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
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def fit_metrics(self):
        return [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]

    # === Results ===

    def decode(self, outputs, records):
        logits = np.stack(outputs).astype("float64")
        probabilities = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probabilities /= probabilities.sum(axis=-1, keepdims=True)
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

    # === Serving ===

    def serving_function(self):
        """Raw strings in; `label` (string), `score` and `probabilities` (in label order) out."""
        model = self.model
        names = tf.constant([str(name) for name in self.label_set.names])

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            logits = model(self.serving_inputs(texts), training=False)
            probabilities = tf.nn.softmax(tf.cast(logits, tf.float32), axis=-1)
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
        from kerastl.reporting import ReportItem, per_class_table, plot_confusion_matrix

        names = self.label_set.names
        true_labels = [names[i] for i in self.label_set.ids(records)]
        counts = plot_confusion_matrix(true_labels, [p.label for p in predictions], names,
                                       Path(folder) / "confusion_matrix.png", title="Confusion matrix (validation)")
        metrics = classification_metrics(true_labels, [p.label for p in predictions], names)
        return [
            ReportItem("Confusion matrix", image="confusion_matrix.png",
                       caption=f"Rows: true label; columns: predicted label; {int(counts.sum())} examples."),
            ReportItem("Per-class precision, recall and F1", table=per_class_table(metrics["per_class"])),
        ]
