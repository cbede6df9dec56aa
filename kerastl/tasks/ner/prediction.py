"""`NerPrediction`: the word tags and named entities of one text."""

from dataclasses import dataclass
from typing import List

from kerastl.tasks.ner.entity import Entity


@dataclass(frozen=True)
class NerPrediction:
    """The named entities of one input, with the tag of every word.

    Attributes:
        text: the input text (pre-split words are joined with spaces).
        words: the words, in order.
        tags: one tag per word, in the task's `output_scheme`.
        entities: the `Entity`s found, in order.
    """

    text: str
    words: List[str]
    tags: List[str]
    entities: List[Entity]

    def describe(self):
        """Lines for people: one per entity (type, text, char span, score), or '(no entities)'."""
        if not self.entities:
            return f"(no entities)\t{self.text}"
        return "\n".join(entity.describe() for entity in self.entities)

    def to_dict(self):
        """Return a JSON-ready dict."""
        return {
            "text": self.text,
            "words": list(self.words),
            "tags": list(self.tags),
            "entities": [entity.to_dict() for entity in self.entities],
        }
