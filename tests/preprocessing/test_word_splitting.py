import re
import sys
import unicodedata

import numpy as np
import tensorflow as tf

from kerastl.preprocessing.word_splitting import (
    SPACE_CHARACTERS_RE2, WORD_CHARACTER_RE2, split_words, split_words_in_graph)

TRICKY = [
    "Merkel met Macron in Paris.", "", "   ", "don't  stop’n go's''", "dull plot 😀 電影 and bad music",
    " a\u00a0b\u3000c\u2028d\x1ce\x0bf\x85g é x\u0301y\n", "ÄÖÜ-straße 3.5% _under_score", "👍🏽 ١٢٣ Ⅻ ½",
]


def test_graph_split_gives_the_words_and_character_offsets_of_split_words():
    split = split_words_in_graph(tf.constant(TRICKY))
    for row, text in enumerate(TRICKY):
        words, offsets = split_words(text)
        assert [word.decode() for word in split["words"][row].numpy()] == words
        assert list(zip(split["starts"][row].numpy().tolist(), split["ends"][row].numpy().tolist())) == offsets
        assert [text.encode()[s:e].decode() for s, e in zip(split["byte_starts"][row].numpy(),
                                                             split["byte_ends"][row].numpy())] == words


def test_re2_classes_match_pythons_on_every_assigned_character():
    characters = [chr(c) for c in range(sys.maxunicode + 1)
                  if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"]
    batch = tf.constant(characters)
    word = tf.strings.regex_full_match(batch, WORD_CHARACTER_RE2).numpy()
    space = tf.strings.regex_full_match(batch, f"[{SPACE_CHARACTERS_RE2}]").numpy()
    np.testing.assert_array_equal(word, [re.fullmatch(r"\w", c) is not None for c in characters])
    np.testing.assert_array_equal(space, [c.isspace() for c in characters])
