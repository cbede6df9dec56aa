"""Split raw text into words and punctuation, keeping each word's character offsets."""

import re

WORD_PATTERN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)

# `WORD_PATTERN` in RE2 syntax, for TensorFlow's regex ops. RE2's `\w` and `\s` are ASCII only,
# so the classes are spelled out; they match what Python's `\w` and `\s` match on every
# character Python's Unicode database assigns (tests/preprocessing checks all code points).
WORD_CHARACTER_RE2 = r"[\p{L}\p{N}_]"
SPACE_CHARACTERS_RE2 = r"\s\p{Z}\x0b\x1c-\x1f\x85"
WORD_PATTERN_RE2 = (
    WORD_CHARACTER_RE2 + r"+(?:['’]" + WORD_CHARACTER_RE2 + r"+)*|[^\p{L}\p{N}_" + SPACE_CHARACTERS_RE2 + "]"
)


def split_words(text):
    """Split `text` on whitespace and around punctuation, as CoNLL-style data is split.

    Letters and digits (with inner apostrophes, as in "don't") form words; every other visible
    character is a word of its own.

    Args:
        text: a string.

    Returns:
        `(words, offsets)`: the words, and for each its `(start, end)` character offsets into
        `text` (`text[start:end] == word`).

    Example:

    >>> from kerastl.preprocessing.word_splitting import split_words
    >>> split_words("Merkel met Macron in Paris.")[0]
    ['Merkel', 'met', 'Macron', 'in', 'Paris', '.']
    """
    matches = list(WORD_PATTERN.finditer(text))
    return [m.group() for m in matches], [(m.start(), m.end()) for m in matches]


def split_words_in_graph(texts):
    """`split_words` for a `tf.string` batch, with TensorFlow (Text) ops only, for exports.

    Args:
        texts: a `tf.string` tensor of shape `(batch,)`, UTF-8.

    Returns:
        A dict of `tf.RaggedTensor`s of shape `(batch, None)`: `words` (strings), `starts` and
        `ends` (int32 character offsets, as `split_words` gives them) and `byte_starts` and
        `byte_ends` (int32 byte offsets into the UTF-8 text).

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.preprocessing.word_splitting import split_words_in_graph
    >>> split_words_in_graph(tf.constant(["Merkel met Macron."]))["ends"].to_list()
    [[6, 10, 17, 18]]
    """
    import tensorflow as tf
    import tensorflow_text

    delimiters = WORD_PATTERN_RE2 + "|[" + SPACE_CHARACTERS_RE2 + "]+"
    words, byte_starts, byte_ends = tensorflow_text.regex_split_with_offsets(texts, delimiters, WORD_PATTERN_RE2)
    # A character's index is the number of characters that start before its first byte.
    _, character_starts = tf.strings.unicode_decode_with_offsets(texts, "UTF-8")
    character_starts = character_starts.to_tensor(default_value=tf.int64.max)

    def characters_before(byte_offsets):
        indices = tf.searchsorted(character_starts, byte_offsets.to_tensor(), out_type=tf.int32)
        return tf.RaggedTensor.from_tensor(indices, lengths=byte_offsets.row_lengths())

    return {
        "words": words,
        "starts": characters_before(byte_starts),
        "ends": characters_before(byte_ends),
        "byte_starts": tf.cast(byte_starts, tf.int32),
        "byte_ends": tf.cast(byte_ends, tf.int32),
    }
