"""Tokenize pre-split words into sub-tokens, keeping which word each sub-token came from."""

import weakref

import tensorflow as tf

#: One traced alignment function per tokenizer, so repeated calls do not retrace.
_ALIGNERS = weakref.WeakKeyDictionary()


def align_words(tokenizer, sentences, chunk_size=2048):
    """Tokenize each word of each sentence on its own and record the word of every sub-token.

    Runs in a TensorFlow graph on a `tf.RaggedTensor` of words. Each word is tokenized alone,
    so no two words ever merge into one sub-token, and a word whose sub-token list comes out
    empty (a control character, a lone combining accent the tokenizer drops, ...) becomes the
    tokenizer's unknown token instead of vanishing: every word gets at least one sub-token.

    Args:
        tokenizer: a keras-hub tokenizer (WordPiece, BPE or SentencePiece).
        sentences: a list of word lists, or a `tf.RaggedTensor` of strings `(sentences, None)`.
        chunk_size: how many sentences go through the tokenizer at a time.

    Returns:
        A dict of `tf.RaggedTensor`s with shape `(sentences, None)`, without special tokens:
        `token_ids` (int32), `word_ids` (int32, the index of each sub-token's word in its
        sentence) and `is_first` (bool, whether the sub-token is its word's first).

    Example:

    >>> from kerastl.preprocessing.word_alignment import align_words
    >>> aligned = align_words(tokenizer, [["Angela", "Merkel"]])  # doctest: +SKIP
    >>> aligned["word_ids"].to_list()  # doctest: +SKIP
    [[0, 1, 1]]
    """
    align_chunk = _ALIGNERS.get(tokenizer)
    if align_chunk is None:
        unknown_id = unknown_token_id(tokenizer)
        align_chunk = tf.function(
            lambda words: _align(tokenizer, words, unknown_id),
            input_signature=[tf.RaggedTensorSpec([None, None], tf.string, ragged_rank=1)],
        )
        _ALIGNERS[tokenizer] = align_chunk

    if not isinstance(sentences, tf.RaggedTensor):
        sentences = [list(words) for words in sentences]
        pieces = [
            align_chunk(tf.ragged.constant(sentences[i : i + chunk_size], dtype=tf.string, ragged_rank=1))
            for i in range(0, len(sentences), chunk_size)
        ]
        if not pieces:
            empty = tf.ragged.constant([], dtype=tf.int32, ragged_rank=1)
            return {"token_ids": empty, "word_ids": empty, "is_first": tf.cast(empty, tf.bool)}
        if len(pieces) == 1:
            return pieces[0]
        return {key: tf.concat([piece[key] for piece in pieces], axis=0) for key in pieces[0]}
    return align_chunk(sentences)


def _align(tokenizer, words, unknown_id):
    flat_words = words.flat_values
    pieces = tokenizer(flat_words)
    if not isinstance(pieces, tf.RaggedTensor):
        pieces = tf.RaggedTensor.from_tensor(pieces)
    pieces = tf.cast(pieces, tf.int32)
    piece_counts = tf.cast(pieces.row_lengths(), tf.int32)
    # Append an [UNK] to every word, then keep it only for words that had no sub-token.
    unknown_column = tf.RaggedTensor.from_tensor(tf.fill([tf.shape(flat_words)[0], 1], unknown_id))
    with_unknown = tf.concat([pieces, unknown_column], axis=1)
    positions = tf.ragged.range(piece_counts + 1)
    keep = (positions < piece_counts[:, None]) | ((positions == 0) & (piece_counts[:, None] == 0))
    word_pieces = tf.ragged.boolean_mask(with_unknown, keep)
    counts = tf.maximum(piece_counts, 1)
    word_counts = tf.cast(words.row_lengths(), tf.int32)
    tokens_per_sentence = tf.math.unsorted_segment_sum(counts, words.value_rowids(), words.nrows())
    word_index = tf.ragged.range(word_counts).flat_values
    word_ids = tf.repeat(word_index, counts)
    is_first = tf.ragged.range(counts).flat_values == 0
    return {
        "token_ids": tf.RaggedTensor.from_row_lengths(word_pieces.flat_values, tokens_per_sentence),
        "word_ids": tf.RaggedTensor.from_row_lengths(word_ids, tokens_per_sentence),
        "is_first": tf.RaggedTensor.from_row_lengths(is_first, tokens_per_sentence),
    }


def unknown_token_id(tokenizer):
    """The id of the tokenizer's unknown token ([UNK], <unk>), or 0 when it names none."""
    for attribute in ("unk_token_id", "unknown_token_id"):
        value = getattr(tokenizer, attribute, None)
        if value is not None:
            return int(value)
    for token in ("[UNK]", "<unk>", "<UNK>"):
        try:
            return int(tokenizer.token_to_id(token))
        except (KeyError, ValueError, AttributeError, TypeError):
            continue
    return 0
