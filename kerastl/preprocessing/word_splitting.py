"""Split raw text into words and punctuation, keeping each word's character offsets."""

import re

WORD_PATTERN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)


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
