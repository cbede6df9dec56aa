"""`SpecialTokens`: the start, end, separator and padding ids of a keras-hub tokenizer."""

from dataclasses import dataclass

#: Tokenizer classes whose family separates two texts with the end token twice
#: (`<s> a </s></s> b </s>`, as keras-hub's RoBERTa and XLM-RoBERTa classifier preprocessors
#: and Hugging Face's RoBERTa, XLM-R and BART tokenizers do). Subclasses count too.
DOUBLE_SEPARATOR_TOKENIZERS = ("RobertaTokenizer", "XLMRobertaTokenizer", "BartTokenizer")


@dataclass(frozen=True)
class SpecialTokens:
    """The ids a sequence is packed with.

    Args:
        start: id put before the tokens (BERT's [CLS]), or None.
        end: id put after the tokens (BERT's [SEP]), or None.
        pad: id used for padding: the tokenizer's own, or 0 where it has none (GPT-2 has
            neither a padding nor an unknown token). Padded positions are always masked out by
            `padding_mask`, so which id fills them never changes a result.
        separator: the ids put between the two texts of a pair (see
            `kerastl.preprocessing.pack_token_id_pairs`): the end id once (`[CLS] a [SEP] b
            [SEP]`), twice for the RoBERTa family (`<s> a </s></s> b </s>`), none without an
            end id.

    Example:

    >>> from kerastl.preprocessing import SpecialTokens
    >>> SpecialTokens(start=101, end=102, pad=0, separator=(102,)).count
    2
    """

    start: object
    end: object
    pad: int
    separator: tuple = ()

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
        end = first("sep_token_id", "end_token_id", "eos_token_id")
        class_names = {klass.__name__ for klass in type(tokenizer).__mro__}
        separator_length = 2 if class_names.intersection(DOUBLE_SEPARATOR_TOKENIZERS) else 1
        return cls(
            start=first("cls_token_id", "start_token_id", "bos_token_id"),
            end=end,
            pad=pad if pad is not None else 0,
            separator=(end,) * separator_length if end is not None else (),
        )

    @property
    def count(self):
        """How many special ids a packed single text holds."""
        return int(self.start is not None) + int(self.end is not None)

    @property
    def pair_count(self):
        """How many special ids a packed pair of texts holds."""
        return self.count + len(self.separator)
