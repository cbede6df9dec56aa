"""`ClassificationPrediction`: the label of one text and the probability of every label."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ClassificationPrediction:
    """The predicted label of a text.

    Attributes:
        text: the input text.
        label: the most probable label (a string or an integer, as in the training data).
        score: the probability of `label`.
        probabilities: the probability of every label, keyed by label.
    """

    text: str
    label: object
    score: float
    probabilities: dict

    def describe(self):
        """One line for people: the label, its probability and the text."""
        return f"{self.label}\t{self.score:.3f}\t{self.text}"

    def to_dict(self):
        """Return a JSON-ready dict."""
        return asdict(self)


#: The name classification predictions had when the task was registered as "sentiment" only.
SentimentPrediction = ClassificationPrediction
