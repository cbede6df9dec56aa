"""Which kind of sub-word tokenizer a keras-hub tokenizer is: WordPiece, byte-level BPE or SentencePiece."""

WORDPIECE, BYTE_PAIR, SENTENCEPIECE, OTHER = "wordpiece", "bpe", "sentencepiece", "other"

#: The symbol each kind puts where a word starts: SentencePiece's `▁` (U+2581) and byte-level
#: BPE's `Ġ` (U+0120, the byte of a space); WordPiece marks continuations (`##`) instead.
WORD_START_MARKERS = {SENTENCEPIECE: "\u2581", BYTE_PAIR: "\u0120"}


def tokenizer_kind(tokenizer):
    """Return "wordpiece", "bpe", "sentencepiece" or "other" for a keras-hub tokenizer.

    Example:

    >>> from kerastl.preprocessing.tokenizer_kind import tokenizer_kind
    >>> tokenizer_kind(keras_hub.models.GPT2Tokenizer.from_preset("gpt2_base_en"))  # doctest: +SKIP
    'bpe'
    """
    import keras_hub

    kinds = (
        (keras_hub.tokenizers.WordPieceTokenizer, WORDPIECE),
        (keras_hub.tokenizers.BytePairTokenizer, BYTE_PAIR),
        (keras_hub.tokenizers.SentencePieceTokenizer, SENTENCEPIECE),
    )
    for tokenizer_class, kind in kinds:
        if isinstance(tokenizer, tokenizer_class):
            return kind
    return OTHER
