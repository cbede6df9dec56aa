"""Learn a WordPiece vocabulary and tokenizer for the target side of a translation task."""

import tensorflow as tf

#: The reserved tokens of a target vocabulary, in id order: padding must be id 0 because
#: batches pad every ragged feature with 0.
TARGET_SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[START]", "[END]")


def learn_target_vocabulary(texts, vocabulary_size=8000, lowercase=False):
    """Learn a WordPiece tokenizer from target-language sentences.

    Case and accents are kept by default, so German nouns and umlauts survive a round trip
    through the tokenizer. The vocabulary starts with `TARGET_SPECIAL_TOKENS`
    (`[PAD]`=0, `[UNK]`=1, `[START]`=2, `[END]`=3).

    Args:
        texts: a list of target sentences (the training targets).
        vocabulary_size: the largest vocabulary to learn; a small corpus gives fewer tokens.
        lowercase: lowercase the text first.

    Returns:
        A `keras_hub.tokenizers.WordPieceTokenizer`.

    Raises:
        ValueError: for an empty list of texts or a vocabulary size too small to hold the
            special tokens.

    Example:

    >>> from kerastl.preprocessing.target_vocabulary import learn_target_vocabulary
    >>> tokenizer = learn_target_vocabulary(["Ein Mann fährt Rad.", "Eine Frau liest."], 100)
    >>> tokenizer.id_to_token(2)
    '[START]'
    """
    import keras_hub

    texts = [text for text in texts if text]
    if not texts:
        raise ValueError("Cannot learn a target vocabulary from no texts. Pass the training targets.")
    if vocabulary_size <= len(TARGET_SPECIAL_TOKENS):
        raise ValueError(
            f"`vocabulary_size` must exceed the {len(TARGET_SPECIAL_TOKENS)} special tokens. "
            f"Received: vocabulary_size={vocabulary_size!r}"
        )
    data = tf.data.Dataset.from_tensor_slices(tf.constant(texts)).batch(1024)
    vocabulary = keras_hub.tokenizers.compute_word_piece_vocabulary(
        data,
        vocabulary_size,
        lowercase=lowercase,
        strip_accents=False,
        reserved_tokens=list(TARGET_SPECIAL_TOKENS),
    )
    return keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=vocabulary, lowercase=lowercase, strip_accents=False, oov_token="[UNK]"
    )
