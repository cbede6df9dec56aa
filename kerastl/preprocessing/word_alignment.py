"""Tokenize pre-split words into sub-tokens, keeping which word each sub-token came from."""

import weakref

import tensorflow as tf

from kerastl.preprocessing.tokenizer_kind import BYTE_PAIR, WORD_START_MARKERS, tokenizer_kind

#: One traced alignment function per tokenizer, so repeated calls do not retrace.
_ALIGNERS = weakref.WeakKeyDictionary()


def align_words(tokenizer, sentences, chunk_size=2048):
    """Tokenize each word of each sentence on its own and record the word of every sub-token.

    Runs in a TensorFlow graph on a `tf.RaggedTensor` of words. Each word is tokenized alone,
    so no two words ever merge into one sub-token, and a word whose sub-token list comes out
    empty (a control character, a lone combining accent the tokenizer drops, ...) becomes the
    tokenizer's unknown token instead of vanishing: every word gets at least one sub-token.

    Each word gets the pieces it has in running text, whatever the tokenizer's kind:

    - byte-level BPE (GPT-2, RoBERTa, BART) marks a word that follows a space with `Ġ`, so every
      word but a sentence's first is tokenized with its leading space (`ĠMerkel`, as in
      "Angela Merkel"; Transformers' `add_prefix_space` does the same);
    - SentencePiece (DeBERTa-v3, XLM-R, ALBERT, Gemma, T5) starts every word with `▁`;
    - WordPiece needs nothing: a word's pieces are its pieces in running text.

    When a word-start marker (`▁`, `Ġ`) comes out as a bare piece of its own (`▁`, `김민수`), the
    word's label belongs to the next piece: `is_first` points there and `is_labeled` is False
    for the bare marker.

    Args:
        tokenizer: a keras-hub tokenizer (WordPiece, BPE or SentencePiece).
        sentences: a list of word lists, or a `tf.RaggedTensor` of strings `(sentences, None)`.
        chunk_size: how many sentences go through the tokenizer at a time.

    Returns:
        A dict of `tf.RaggedTensor`s with shape `(sentences, None)`, without special tokens:
        `token_ids` (int32), `word_ids` (int32, the index of each sub-token's word in its
        sentence), `is_first` (bool, whether the sub-token is the one its word's label goes
        to: its first, or its second after a bare SentencePiece `▁`) and `is_labeled` (bool,
        False only for bare `▁` pieces, which carry no label).

    Example:

    >>> from kerastl.preprocessing.word_alignment import align_words
    >>> aligned = align_words(tokenizer, [["Angela", "Merkel"]])  # doctest: +SKIP
    >>> aligned["word_ids"].to_list()  # doctest: +SKIP
    [[0, 1, 1]]
    """
    align_chunk = _ALIGNERS.get(tokenizer)
    if align_chunk is None:
        unknown_id = unknown_token_id(tokenizer)
        kind = tokenizer_kind(tokenizer)
        marker_id = bare_marker_id(tokenizer, WORD_START_MARKERS.get(kind))
        align_chunk = tf.function(
            lambda words: _align(tokenizer, words, unknown_id, kind == BYTE_PAIR, marker_id),
            input_signature=[tf.RaggedTensorSpec([None, None], tf.string, ragged_rank=1)],
            autograph=False,
        )
        _ALIGNERS[tokenizer] = align_chunk

    if not isinstance(sentences, tf.RaggedTensor):
        sentences = [list(words) for words in sentences]
        pieces = [
            align_chunk(words_tensor(sentences[i : i + chunk_size]))
            for i in range(0, len(sentences), chunk_size)
        ]
        if not pieces:
            empty = tf.ragged.constant([], dtype=tf.int32, ragged_rank=1)
            flags = tf.cast(empty, tf.bool)
            return {"token_ids": empty, "word_ids": empty, "is_first": flags, "is_labeled": flags}
        if len(pieces) == 1:
            return pieces[0]
        return {key: tf.concat([piece[key] for piece in pieces], axis=0) for key in pieces[0]}
    return align_chunk(sentences)


def words_tensor(sentences):
    """Word lists as a `tf.RaggedTensor` of strings `(sentences, None)` (one flat constant: much
    faster than `tf.ragged.constant` on many sentences)."""
    words = [word for sentence in sentences for word in sentence]
    return tf.RaggedTensor.from_row_lengths(tf.constant(words, tf.string, shape=[len(words)]),
                                            tf.constant([len(sentence) for sentence in sentences], tf.int64))


def _align(tokenizer, words, unknown_id, space_before_words, marker_id):
    flat_words = words.flat_values
    word_counts = tf.cast(words.row_lengths(), tf.int32)
    word_index = tf.ragged.range(word_counts).flat_values
    if space_before_words:
        flat_words = tf.where(word_index > 0, tf.strings.join([" ", flat_words]), flat_words)
    pieces = tokenizer(flat_words)
    if not isinstance(pieces, tf.RaggedTensor):
        pieces = tf.RaggedTensor.from_tensor(pieces)
    pieces = tf.cast(pieces, tf.int32)
    piece_counts = tf.cast(pieces.row_lengths(), tf.int32)
    # Append an [UNK] to every word, then keep it only for words that had no sub-token.
    unknown_column = tf.RaggedTensor.from_tensor(tf.fill([tf.shape(flat_words)[0], 1], unknown_id))
    with_unknown = tf.concat([pieces, unknown_column], axis=1).flat_values
    # Flat values and per-value counts, not ragged comparisons: those trace shape checks and broadcasting.
    slot = tf.ragged.range(piece_counts + 1).flat_values
    slot_piece_count = tf.repeat(piece_counts, piece_counts + 1)
    keep = (slot < slot_piece_count) | ((slot == 0) & (slot_piece_count == 0))
    counts = tf.maximum(piece_counts, 1)
    word_pieces = tf.RaggedTensor.from_row_lengths(tf.boolean_mask(with_unknown, keep), counts)
    tokens_per_sentence = tf.math.unsorted_segment_sum(counts, words.value_rowids(), words.nrows())
    word_ids = tf.repeat(word_index, counts)
    position = tf.ragged.range(counts).flat_values
    if marker_id is None:
        is_labeled = tf.ones_like(position, tf.bool)
        labeled_position = tf.zeros_like(counts)
    else:  # a bare "▁" / "Ġ" opening a word of several pieces carries no label; the next piece does
        opens_with_marker = (tf.gather(word_pieces.flat_values, word_pieces.row_starts()) == marker_id) & (counts > 1)
        is_labeled = ~((position == 0) & tf.repeat(opens_with_marker, counts))
        labeled_position = tf.cast(opens_with_marker, tf.int32)
    is_first = position == tf.repeat(labeled_position, counts)

    def per_sentence(values):
        return tf.RaggedTensor.from_row_lengths(values, tokens_per_sentence)

    return {"token_ids": per_sentence(word_pieces.flat_values), "word_ids": per_sentence(word_ids),
            "is_first": per_sentence(is_first), "is_labeled": per_sentence(is_labeled)}


def bare_marker_id(tokenizer, marker):
    """The id of the bare word-start piece `marker` (`▁`, `Ġ`), or None when there is none."""
    if marker is None:
        return None
    try:
        marker = tokenizer.token_to_id(marker)
    except (KeyError, ValueError, TypeError):
        return None
    if marker is None or marker == unknown_token_id(tokenizer):
        return None
    return int(marker)


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
