"""`Entity`: one named entity found in a text."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Entity:
    """A named entity: its type, its text, and where it is.

    Attributes:
        type: the entity type ("PER", "LOC", ...).
        text: the entity's text, as it appears in the input.
        start_word: index of the entity's first word.
        end_word: index one past its last word.
        start_char: character offset of its first character in the input text.
        end_char: character offset one past its last character.
        score: the mean probability of the entity's word tags (`softmax(logits / temperature)`,
            the temperature fitted on validation data so scores match how often entities are right).
    """

    type: str
    text: str
    start_word: int
    end_word: int
    start_char: int
    end_char: int
    score: float

    def describe(self):
        """One line for people: type, text, character span and score."""
        return f"{self.type}\t{self.text}\t{self.start_char}:{self.end_char}\t{self.score:.3f}"

    def to_dict(self):
        """Return a JSON-ready dict."""
        return asdict(self)
