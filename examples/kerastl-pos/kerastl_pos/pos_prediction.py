"""`PosPrediction`: the part-of-speech tag of every word of one sentence."""

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class PosPrediction:
    """The words of one input and one tag per word.

    Attributes:
        words: the words, in order (a raw text is split as CoNLL data is split).
        tags: one POS tag per word; None for a word past the model's `max_length` sub-tokens.
    """

    words: List[str]
    tags: List[Optional[str]]

    def describe(self):
        """One line for people: `word/TAG` pairs separated by spaces."""
        return " ".join(f"{word}/{tag if tag is not None else '?'}" for word, tag in zip(self.words, self.tags))

    def to_dict(self):
        """Return a JSON-ready dict."""
        return {"words": list(self.words), "tags": list(self.tags)}
