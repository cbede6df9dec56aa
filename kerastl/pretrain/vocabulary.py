"""`learn_vocabulary`: a WordPiece vocabulary learned from a corpus, case and accents kept."""

#: The special tokens a BERT-style tokenizer needs, first in every learned vocabulary.
RESERVED_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def learn_vocabulary(texts, vocabulary_size, lowercase=False, strip_accents=False):
    """Learn a WordPiece vocabulary from `texts` with keras-hub.

    Nothing is lower-cased or stripped of accents unless asked, so Korean syllables, German
    umlauts and capital letters stay as they are.

    Args:
        texts: a list of strings.
        vocabulary_size: the largest vocabulary wanted (a small corpus may give fewer tokens).
        lowercase: lower-case the text first (the tokenizer must then lower-case too).
        strip_accents: strip accents first (the tokenizer must then strip them too).

    Returns:
        A list of tokens starting with `RESERVED_TOKENS` ([PAD] has id 0).

    Example:

    >>> from kerastl.pretrain import learn_vocabulary
    >>> vocabulary = learn_vocabulary(["진짜 재밌다", "Straße"] * 10, 100)  # doctest: +SKIP
    """
    import tensorflow as tf
    from keras_hub.tokenizers import compute_word_piece_vocabulary

    if vocabulary_size <= len(RESERVED_TOKENS):
        raise ValueError(
            f"`vocabulary_size` must be larger than the {len(RESERVED_TOKENS)} reserved tokens. "
            f"Received: vocabulary_size={vocabulary_size!r}"
        )
    # keras-hub reads a plain list as file names; a dataset of strings is read as text.
    data = tf.data.Dataset.from_tensor_slices(tf.constant(list(texts), tf.string)).batch(1024)
    return compute_word_piece_vocabulary(
        data, vocabulary_size, lowercase=lowercase, strip_accents=strip_accents,
        reserved_tokens=list(RESERVED_TOKENS),
    )


def word_piece_tokenizer(vocabulary, lowercase=False, strip_accents=False):
    """Return the `keras_hub.models.BertTokenizer` over a vocabulary from `learn_vocabulary`."""
    import keras_hub

    return keras_hub.models.BertTokenizer(vocabulary=list(vocabulary), lowercase=lowercase,
                                          strip_accents=strip_accents)
