"""`SpecialTokens`: the start, end and padding ids of a keras-hub tokenizer."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SpecialTokens:
    """The ids a sequence is packed with.

    Args:
        start: id put before the tokens (BERT's [CLS]), or None.
        end: id put after the tokens (BERT's [SEP]), or None.
        pad: id used for padding: the tokenizer's own, or 0 where it has none (GPT-2 has
            neither a padding nor an unknown token). Padded positions are always masked out by
            `padding_mask`, so which id fills them never changes a result.
    """

    start: object
    end: object
    pad: int

    @classmethod
    def of(cls, tokenizer):
        """Read the special ids of a keras-hub tokenizer (BERT-, GPT- or SentencePiece-style)."""

        def first(*names):
            for name in names:
                value = getattr(tokenizer, name, None)
                if value is not None:
                    return int(value)
            return None

        pad = first("pad_token_id")
        return cls(
            start=first("cls_token_id", "start_token_id", "bos_token_id"),
            end=first("sep_token_id", "end_token_id", "eos_token_id"),
            pad=pad if pad is not None else 0,
        )

    @property
    def count(self):
        """How many special ids a packed sequence holds."""
        return int(self.start is not None) + int(self.end is not None)
