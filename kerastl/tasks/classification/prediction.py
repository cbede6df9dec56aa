"""`ClassificationPrediction`: the label of one text (or text pair) and the probability of every label."""

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
