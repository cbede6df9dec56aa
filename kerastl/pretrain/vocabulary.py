"""Vocabularies learned from a corpus sample: WordPiece (`learn_vocabulary`) or SentencePiece
(`learn_sentence_piece`), case and accents kept unless asked."""

import os

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


#: The pieces of a learned SentencePiece model, by id, as `keras_hub.models.AlbertTokenizer` reads them.
SENTENCE_PIECE_SPECIALS = {"pad": "<pad>", "unknown": "<unk>", "start": "[CLS]", "end": "[SEP]", "mask": "[MASK]"}
#: The longest document (in bytes) SentencePiece learns from whole; it cuts longer ones.
SENTENCE_PIECE_LONGEST = 1 << 16


def learn_sentence_piece(texts, vocabulary_size, lowercase=False):
    """Learn a SentencePiece unigram model from `texts`; return its serialized proto (`bytes`).

    SentencePiece needs no word splitting, which suits languages whose words are not split by
    spaces, or are built of many parts (Korean, Japanese, German compounds). Every character
    of the texts is kept (`character_coverage=1.0`), so rare Hangul syllables stay known.

    Args:
        texts: a list of strings.
        vocabulary_size: the number of pieces wanted (a small corpus may give fewer).
        lowercase: case-fold the text (the model then does so when it tokenizes).

    Returns:
        The model proto, with `SENTENCE_PIECE_SPECIALS` as pieces 0-4.

    Example:

    >>> from kerastl.pretrain.vocabulary import learn_sentence_piece, sentence_piece_tokenizer
    >>> tokenizer = sentence_piece_tokenizer(learn_sentence_piece(texts, 8000))  # doctest: +SKIP
    """
    import io

    import sentencepiece

    if vocabulary_size <= len(SENTENCE_PIECE_SPECIALS):
        raise ValueError(
            f"`vocabulary_size` must be larger than the {len(SENTENCE_PIECE_SPECIALS)} special pieces. "
            f"Received: vocabulary_size={vocabulary_size!r}"
        )
    proto = io.BytesIO()
    names = SENTENCE_PIECE_SPECIALS
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=(text[:SENTENCE_PIECE_LONGEST] for text in texts), model_writer=proto,
        vocab_size=vocabulary_size, model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        pad_id=0, unk_id=1, bos_id=2, eos_id=3, pad_piece=names["pad"], unk_piece=names["unknown"],
        bos_piece=names["start"], eos_piece=names["end"], user_defined_symbols=[names["mask"]],
        normalization_rule_name="nmt_nfkc_cf" if lowercase else "nmt_nfkc",
        max_sentence_length=SENTENCE_PIECE_LONGEST, minloglevel=2, num_threads=os.cpu_count() or 1,
    )
    return proto.getvalue()


def sentence_piece_tokenizer(proto):
    """Return the `keras_hub.models.AlbertTokenizer` over a proto from `learn_sentence_piece`.

    The ALBERT tokenizer is keras-hub's SentencePiece tokenizer with `[CLS]`, `[SEP]`, `<pad>`
    and `[MASK]`: what masked LM needs, and causal LM uses `[SEP]` as its end of document.
    """
    import keras_hub

    from kerastl.preprocessing.seed_safe_tokenizer import seed_safe

    return seed_safe(keras_hub.models.AlbertTokenizer(proto=proto))
