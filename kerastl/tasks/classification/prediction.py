"""`ClassificationPrediction` (the label of one text or text pair) and `MultiLabelPrediction` (its labels), with their probabilities."""

from dataclasses import asdict, dataclass
from typing import Optional


@dataclass(frozen=True)
class ClassificationPrediction:
    """The predicted label of a text.

    Attributes:
        text: the input text.
        label: the most probable label (a string or an integer, as in the training data).
        score: the probability of `label`.
        probabilities: the probability of every label, keyed by label.
        text_pair: the second text of a text pair, or None for a single text.
    """

    text: str
    label: object
    score: float
    probabilities: dict
    text_pair: Optional[str] = None

    def describe(self):
        """One line for people: the label, its probability and the text (a pair: both, tab-separated)."""
        texts = self.text if self.text_pair is None else f"{self.text}\t{self.text_pair}"
        return f"{self.label}\t{self.score:.3f}\t{texts}"

    def to_dict(self):
        """Return a JSON-ready dict (with `text_pair` for a pair only)."""
        fields = asdict(self)
        if self.text_pair is None:
            del fields["text_pair"]
        return fields


#: The name classification predictions had when the task was registered as "sentiment" only.
SentimentPrediction = ClassificationPrediction


@dataclass(frozen=True)
class MultiLabelPrediction:
    """The predicted labels of a text (multi-label classification: any number of labels apply).

    Attributes:
        text: the input text.
        labels: the labels whose probability reaches their decision threshold, in label
            order (empty when none does).
        scores: the probability of every label, keyed by label (each label on its own: they
            need not sum to 1).

    Example:

    >>> from kerastl.tasks.classification.prediction import MultiLabelPrediction
    >>> MultiLabelPrediction("so happy!", ["joy"], {"anger": 0.02, "joy": 0.97}).describe()
    'joy (0.970)\\tso happy!'
    """

    text: str
    labels: list
    scores: dict

    def describe(self):
        """One line for people: the predicted labels with their probabilities (or "-"), and the text."""
        found = ", ".join(f"{label} ({self.scores[str(label)]:.3f})" for label in self.labels) or "-"
        return f"{found}\t{self.text}"

    def to_dict(self):
        """Return a JSON-ready dict."""
        return asdict(self)
