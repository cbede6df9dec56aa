"""`TranslationPrediction`: the translation of one source sentence."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class TranslationPrediction:
    """The translation of a source text.

    Attributes:
        source: the input text.
        translation: the generated, detokenized translation.
        tokens: the target tokens the decoder generated (word pieces, special tokens left out).
    """

    source: str
    translation: str
    tokens: list

    def describe(self):
        """One line for people: the translation, then the source after a tab."""
        return f"{self.translation}\t{self.source}"

    def to_dict(self):
        """Return a JSON-ready dict."""
        return asdict(self)
