"""`MultiLabelTask`: multi-label text classification (any number of labels per text) on a pretrained backbone."""

import keras
import numpy as np
import tensorflow as tf

from kerastl.errors import DataError
from kerastl.metrics.multi_label_metrics import best_f1_threshold, multi_label_metrics
from kerastl.options import COLUMN, TaskOption
from kerastl.tasks.classification.prediction import MultiLabelPrediction
from kerastl.tasks.classification.text_classifier import TextClassifierTask
from kerastl.tasks.example_records import record_from_pair
from kerastl.tasks.labels import LabelSet, normalize_label
from kerastl.tasks.registry import register_task

#: The decision threshold of a label until `calibrate` tunes it.
DEFAULT_THRESHOLD = 0.5

#: Config keys of folders saved when this class derived from `ClassificationTask`: their values
#: never applied to it (class weights and pairs were refused, the temperature unused).
FORMER_CONFIG_KEYS = ("class_weight", "temperature", "text_pairs")


@register_task("multilabel", aliases=("multi-label",))
class MultiLabelTask(TextClassifierTask):
    """Tag texts with any number of labels: emotions, topics, toxicity types (multi-label classification).

    Each label gets its own sigmoid probability (the head emits one logit per label, trained
    with binary cross-entropy on multi-hot targets, as Hugging Face's
    `problem_type="multi_label_classification"` and spaCy's `textcat_multilabel`). A label is
    predicted when its probability reaches the label's decision threshold: 0.5 until `fit`
    tunes each on the validation data (`calibrate`) to the value that maximizes that label's
    F1. The thresholds are part of the config, so `save`, `load`, `predict` and the export
    all use them.

    Records are `{"text": str, "labels": [name, ...]}` (an empty list: no label applies).
    Files: a table with one 0/1 column per label (SemEval-2018 E-c; `--label-columns`, by
    default every all-0/1 column after the text), a table column of delimited label lists
    (`--label-list-column`, `--label-separator`), or JSONL with a `labels` list. `evaluate`
    reports Jaccard accuracy (the main metric, SemEval-2018 E-c's official score), micro- and
    macro-F1, subset accuracy and per-label P/R/F1; `predict` returns `MultiLabelPrediction`s.

    Args:
        backbone: a backbone name (see `kerastl.backbones`).
        labels: the label names in head order; learned from the training data (sorted) when None.
        thresholds: one decision threshold in [0, 1] per label, in label order; 0.5 each when
            None. `fit` replaces them with tuned ones unless `calibrate=False`.
        **kwargs: the shared options of `kerastl.tasks.Task` (max_length, freeze, lora_rank, ...).

    Raises:
        DataError: thresholds outside [0, 1], or not one per label.

    Example:

    >>> from kerastl.tasks import MultiLabelTask
    >>> task = MultiLabelTask("minilm-l6")  # doctest: +SKIP
    >>> task.fit([("so happy and grateful", ["joy", "love"]), ("this is outrageous", ["anger"]),
    ...           ("ok then", [])], validation="dev.jsonl")  # doctest: +SKIP
    >>> task.predict(["what a lovely day"])[0].labels  # doctest: +SKIP
    ['joy']
    """

    #: SemEval-2018 Task 1 E-c's official score (the mean per-example |true ∩ predicted| / |true ∪ predicted|).
    main_metric = "jaccard_accuracy"
    #: `kerastl train multilabel` flags of its own.
    cli_options = (
        TaskOption("--text-column", "text_column", applies_to="read", type=COLUMN,
                   help="Column (name or index, -1 the last) holding the text, for table files (default 'text'); "
                        "the text field of JSONL."),
        TaskOption("--label-columns", "label_columns", applies_to="read",
                   help="The 0/1 label columns of a table, comma-separated (anger,joy,...); default: every column "
                        "after the text whose cells are all 0 or 1 (SemEval-2018 E-c)."),
        TaskOption("--label-list-column", "label_list_column", applies_to="read", type=COLUMN,
                   help="A table column holding each row's labels joined by --label-separator (default: a column "
                        "named 'labels'); the labels field of JSONL."),
        TaskOption("--label-separator", "label_separator", applies_to="read",
                   help="What separates the labels in a --label-list-column cell (default ',')."),
    )

    def __init__(self, backbone="minilm-l6", *, labels=None, thresholds=None, **kwargs):
        super().__init__(backbone, labels=labels, **kwargs)
        self.thresholds = checked_thresholds(thresholds, self.label_set)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.thresholds}

    @classmethod
    def from_config(cls, config):
        return cls(**{key: value for key, value in config.items() if key not in FORMER_CONFIG_KEYS})

    @property
    def fit_metrics(self):
        """The share of right 0/1 decisions, on logits (a logit of 0 is a probability of 0.5)."""
        return (keras.metrics.BinaryAccuracy(name="label_accuracy", threshold=0.0),)

    # === Data ===

    def record_from_example(self, example):
        record = record_from_pair(example, "multilabel", "text", "labels", input_aliases=("sentence",))
        if "labels" in record:
            labels = record["labels"]
            if not isinstance(labels, (list, tuple)):
                raise DataError(f"a multilabel example needs a list of labels; got {labels!r}",
                                where=record["where"], fix='pass the labels as a list, e.g. ("text", ["joy"]) or []')
            record["labels"] = list(dict.fromkeys(normalize_label(label) for label in labels))
        return record

    def read_jsonl(self, path, text_column=None, label_list_column=None, label_column=None, **table_options):
        """JSONL with a list of labels per line (`text` and `labels` fields by default)."""
        from kerastl.data import read_multi_label_jsonl

        return _normalized(read_multi_label_jsonl(path, text_field=text_column or "text",
                                                  labels_field=label_list_column or label_column or "labels"))

    def read_table(self, path, text_column=None, label_columns=None, label_list_column=None, label_column=None,
                   label_separator=None, **options):
        """A table of multi-label examples (see `kerastl.data.read_multi_label_table`); `label_column`
        is another name of `label_list_column` (`kerastl evaluate --label-column`)."""
        from kerastl.data import read_multi_label_table

        known = [str(name) for name in self.label_set.names] if self.label_set is not None else None
        return _normalized(read_multi_label_table(
            path, text_column=text_column if text_column is not None else "text", label_columns=label_columns,
            label_list_column=label_list_column if label_list_column is not None else label_column,
            label_separator=label_separator or ",", known_labels=known, **options))

    def learn_labels(self, records):
        unlabeled = next((r for r in records if "labels" not in r), None)
        if unlabeled is not None:
            raise DataError("a training example has no labels", where=unlabeled.get("where"),
                            fix="give every training example a list of labels (may be empty); for tables, "
                                "choose them with --label-columns or --label-list-column")
        return LabelSet.from_records([{"label": label} for record in records for label in record["labels"]])

    def setup(self, records):
        super().setup(records)
        self.thresholds = checked_thresholds(self.thresholds, self.label_set)

    def encode(self, records, with_targets):
        targets = tf.constant(self.true_matrix(records), tf.float32) if with_targets else None
        return self.encode_texts(records), targets

    def true_matrix(self, records):
        """The records' labels as a 0/1 matrix, one column per label.

        Raises:
            DataError: for a record without labels, or with a label the model does not know
                (naming its file and line).
        """
        matrix = np.zeros((len(records), len(self.label_set)), "float32")
        for row, record in enumerate(records):
            if record.get("labels") is None:
                raise DataError("an example has no labels to score against", where=record.get("where"),
                                fix="evaluate on labeled data (a list of labels per example, [] for none)")
            for label in record["labels"]:
                matrix[row, self.label_set.id_of(label, record.get("where"))] = 1.0
        return matrix

    # === Model ===

    def loss(self):
        return keras.losses.BinaryCrossentropy(from_logits=True)

    # === Results ===

    def probabilities(self, outputs):
        """Every label's probability for each output row (the sigmoid of the logits)."""
        logits = np.stack(outputs).astype("float64")
        return 1.0 / (1.0 + np.exp(-logits))

    def decode(self, outputs, records):
        names = self.label_set.names
        return [
            MultiLabelPrediction(
                text=record["text"],
                labels=self._chosen_labels(row, self.thresholds),
                scores={str(name): float(p) for name, p in zip(names, row)},
            )
            for record, row in zip(records, self.probabilities(outputs))
        ]

    def score(self, records, predictions):
        true_labels = self._label_lists(self.true_matrix(records))
        return multi_label_metrics(true_labels, [p.labels for p in predictions], self.label_set.names)

    def calibrate(self, records, outputs):
        """Tune each label's threshold on the validation `records`, from their logits `outputs`,
        to maximize that label's F1.

        Returns:
            `{"thresholds": {label: threshold}, "default_thresholds": {...}, "tuned_thresholds": {...}}`,
            the last two the Jaccard accuracy, micro- and macro-F1 on `records` at 0.5 and at the
            tuned thresholds, and a `note` that scores on `records` at tuned thresholds are optimistic.
        """
        probabilities = self.probabilities(outputs)
        truth = self.true_matrix(records).astype(bool)
        tuned = [best_f1_threshold(probabilities[:, i], truth[:, i], DEFAULT_THRESHOLD)
                 for i in range(len(self.label_set))]
        true_labels = self._label_lists(truth)

        def summary(thresholds):
            predicted = [self._chosen_labels(row, thresholds) for row in probabilities]
            metrics = multi_label_metrics(true_labels, predicted, self.label_set.names)
            return {key: round(metrics[key], 4) for key in ("jaccard_accuracy", "micro_f1", "macro_f1")}

        default = [DEFAULT_THRESHOLD] * len(tuned)
        self.thresholds = tuned
        return {
            "thresholds": {str(name): round(t, 4) for name, t in zip(self.label_set.names, tuned)},
            "default_thresholds": summary(default),
            "tuned_thresholds": summary(tuned),
            "note": "the thresholds were tuned on this validation data, so its scores at them (the final "
                    "validation metrics) are optimistic; the per-epoch scores and the best epoch use 0.5",
        }

    def _chosen_labels(self, probabilities, thresholds):
        return [name for name, p, t in zip(self.label_set.names, probabilities, thresholds) if p >= t]

    def _label_lists(self, matrix):
        return [[name for name, on in zip(self.label_set.names, row) if on] for row in matrix]

    # === Serving ===

    def serving_outputs(self, logits):
        """`scores` (every label's probability, in label order), `predicted` (a bool per label:
        its score reached its threshold) and `labels` (the predicted label names first, in label
        order, padded with "" to one column per label)."""
        names = tf.constant([str(name) for name in self.label_set.names])
        scores = tf.sigmoid(logits)
        predicted = scores >= tf.constant(self.thresholds, tf.float32)
        chosen = tf.ragged.boolean_mask(tf.broadcast_to(names, tf.shape(scores)), predicted)
        return {
            "scores": scores,
            "predicted": predicted,
            "labels": chosen.to_tensor(default_value="", shape=[None, len(self.label_set)]),
        }

    def serving_metadata(self):
        return {**super().serving_metadata(), "thresholds": list(self.thresholds)}

    # === Report ===

    def report_figures(self, records, predictions, folder):
        from kerastl.reporting import ReportItem, per_class_table

        metrics = self.score(records, predictions)
        thresholds = ", ".join(f"{name} {t:.2f}" for name, t in zip(self.label_set.names, self.thresholds))
        return [ReportItem("Per-label precision, recall and F1", table=per_class_table(metrics["per_label"]),
                           caption=f"{len(records)} validation examples; decision thresholds: {thresholds}.")]


def _normalized(records):
    """`records` with their labels normalized (integer-like strings become integers)."""
    for record in records:
        if "labels" in record:
            record["labels"] = [normalize_label(label) for label in record["labels"]]
    return records


def checked_thresholds(thresholds, label_set):
    """`thresholds` as a list of floats (0.5 each when None and the labels are known).

    Raises:
        DataError: for a threshold that is not a number in [0, 1], or not one per label.

    Example:

    >>> from kerastl.tasks.classification.multi_label_task import checked_thresholds
    >>> from kerastl.tasks.labels import LabelSet
    >>> checked_thresholds(None, LabelSet(["anger", "joy"]))
    [0.5, 0.5]
    """
    if thresholds is None:
        return None if label_set is None else [DEFAULT_THRESHOLD] * len(label_set)
    if not isinstance(thresholds, (list, tuple)):
        raise DataError(f"thresholds must be a list of numbers, one per label; got {thresholds!r}",
                        fix="pass thresholds=[0.5, 0.4, ...] in label order (CLI: --set task.thresholds=[0.5,0.4])")
    for threshold in thresholds:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
            raise DataError(f"a decision threshold must be a number in [0, 1]; got {threshold!r}",
                            fix="give each label a threshold between 0 and 1 (a probability)")
    if label_set is not None and len(thresholds) != len(label_set):
        raise DataError(f"got {len(thresholds)} thresholds for {len(label_set)} labels {label_set.names}",
                        fix="give one threshold per label, in label order, or none (0.5 each)")
    return [float(threshold) for threshold in thresholds]
