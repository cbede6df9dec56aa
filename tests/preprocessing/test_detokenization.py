import random

import pytest
import tensorflow as tf

from kerastl.preprocessing.detokenization import detokenize, detokenize_in_graph

TRICKY = {
    "Ein T - Shirt , das Fahr ##rad ( rot ) .": "Ein T-Shirt, das Fahrrad (rot).",
    "a - b - c - d - e / f": "a-b-c-d-e/f",
    "don ' t stop , he ' ll go ; we ' re here ' d": "don't stop, he'll go; we're here'd",
    "it ' s ' s ' s ' s": "it's's's's",
    "don ' tä": "don ' tä",
    "Männer - Straße ' s 電影 - 電影 😀 - 😀": "Männer-Straße's 電影-電影 😀 - 😀",
    "3 % ! ? : ; ] } [ x ] { y }": "3%!?:;]} [x] {y}",
    "##start ##more": "##startmore",
    "a ## ##b": "ab",
    "é - x\u0301 - y": "é-x\u0301 - y",
    "e ' m . f ' d": "e'm. f'd",
    "_ - _ ' t": "_-_'t",
}


@pytest.mark.parametrize("tokens, text", TRICKY.items())
def test_python_and_graph_detokenization_agree_on_tricky_cases(tokens, text):
    tokens = tokens.split(" ")
    assert detokenize(tokens) == text
    assert detokenize_in_graph(tf.ragged.constant([tokens])).numpy()[0].decode() == text


def test_python_and_graph_detokenization_agree_on_random_token_sequences():
    rng = random.Random(0)
    pieces = ["a", "s", "t", "re", "ll", "d", "x", "ä", "電", "1", "_", "'", "-", "/", ".", ",", "(", ")", "[",
              "!", "##s", "##a", "##'", "##-", "😀", "%", "é", "\u0301"]
    sequences = [[rng.choice(pieces) for _ in range(rng.randint(0, 12))] for _ in range(2000)]
    graph = detokenize_in_graph(tf.ragged.constant(sequences, dtype=tf.string, ragged_rank=1)).numpy()
    assert [text.decode() for text in graph] == [detokenize(tokens) for tokens in sequences]
