"""Pair packing equals what each family's keras-hub preprocessor gives (or kerastl's documented form)."""

import keras_hub
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_text as tf_text

from kerastl.preprocessing import SpecialTokens, tokenize_text_pairs
from kerastl.preprocessing.pair_packing import round_robin_lengths
from kerastl.testing import FAMILIES

#: The families of the matrix whose keras-hub version has a text classifier preprocessor.
KERAS_HUB_PREPROCESSORS = {
    "bert": "BertTextClassifierPreprocessor",
    "distil_bert": "DistilBertTextClassifierPreprocessor",
    "albert": "AlbertTextClassifierPreprocessor",
    "deberta_v3": "DebertaV3TextClassifierPreprocessor",
    "roberta": "RobertaTextClassifierPreprocessor",
    "xlm_roberta": "XLMRobertaTextClassifierPreprocessor",
}
#: kerastl's documented form for the others: `start a end b end` (ELECTRA packs as BERT does).
DOCUMENTED_FORM = ("electra", "gpt2", "gemma")
MATRIX = tuple(KERAS_HUB_PREPROCESSORS) + DOCUMENTED_FORM

SHORT_PAIR = ("the best movie", "a wonderful film")
LONG_FIRST = ("a wonderful film with great music and a fine ending and great actors", "the worst film")
BOTH_LONG = ("really good story and a fine ending with great music",
             "dull plot and terrible music and bad actors and a boring ending")
#: At the packed length of 12 the first fits whole, the second loses tokens of its first text only, the third of both.
PAIRS = [("a", "a film"), LONG_FIRST, BOTH_LONG, SHORT_PAIR]


def _reference(family, tokenizer, sequence_length):
    """keras-hub's own packing of pairs for `family`: `(texts, text_pairs) -> (token_ids, segment_ids or None)`."""
    if family in KERAS_HUB_PREPROCESSORS:
        preprocessor = getattr(keras_hub.models, KERAS_HUB_PREPROCESSORS[family])(
            tokenizer, sequence_length=sequence_length)

        def pack(texts, text_pairs):
            features = preprocessor(x=(tf.constant(texts), tf.constant(text_pairs)))  # a bare tuple is (x, y)
            return np.asarray(features["token_ids"]), features.get("segment_ids")

        return pack
    packer = keras_hub.layers.MultiSegmentPacker(
        sequence_length=sequence_length, start_value=tokenizer.start_token_id, end_value=tokenizer.end_token_id,
        pad_value=SpecialTokens.of(tokenizer).pad, truncate="round_robin")

    def pack(texts, text_pairs):
        token_ids, segment_ids = packer((tokenizer(tf.constant(texts)), tokenizer(tf.constant(text_pairs))))
        return np.asarray(token_ids), segment_ids

    return pack


@pytest.fixture(scope="module")
def tokenizers():
    return {family: FAMILIES[family].tokenizer() for family in MATRIX}


@pytest.mark.parametrize("family", MATRIX)
def test_packed_pairs_equal_keras_hub(tokenizers, family):
    tokenizer, sequence_length = tokenizers[family], 12
    texts, text_pairs = [a for a, _ in PAIRS], [b for _, b in PAIRS]
    expected_ids, expected_segments = _reference(family, tokenizer, sequence_length)(texts, text_pairs)
    features = tokenize_text_pairs(tokenizer, texts, text_pairs, sequence_length)
    pad = SpecialTokens.of(tokenizer).pad
    packed = features["token_ids"].to_tensor(default_value=pad, shape=[len(PAIRS), sequence_length]).numpy()
    np.testing.assert_array_equal(packed, expected_ids)
    lengths = features["token_ids"].row_lengths().numpy()
    assert lengths.max() == sequence_length and lengths.min() < sequence_length, "truncated and whole pairs both"
    np.testing.assert_array_equal(features["segment_ids"].row_lengths(), features["token_ids"].row_lengths())
    if expected_segments is not None:
        segments = features["segment_ids"].to_tensor(shape=[len(PAIRS), sequence_length]).numpy()
        np.testing.assert_array_equal(segments, np.asarray(expected_segments))


def test_a_short_pair_fits_whole_and_a_long_one_is_cut_to_max_length(tokenizers):
    tokenizer = tokenizers["bert"]
    features = tokenize_text_pairs(tokenizer, [LONG_FIRST[0], SHORT_PAIR[0]], [LONG_FIRST[1], SHORT_PAIR[1]], 12)
    lengths = features["token_ids"].row_lengths().numpy()
    whole = len(tokenizer(SHORT_PAIR[0])) + len(tokenizer(SHORT_PAIR[1])) + 3
    assert lengths.tolist() == [12, whole]
    second_text = [int(i) for i in tokenizer(LONG_FIRST[1])]
    row = features["token_ids"][0].numpy().tolist()
    assert row[-len(second_text) - 1 : -1] == second_text, "the shorter second text must be kept whole"


def test_round_robin_lengths_equal_tf_text_trimmer():
    rng = np.random.default_rng(0)
    first, second = rng.integers(0, 30, 200), rng.integers(0, 30, 200)
    for budget in (0, 1, 7, 20, 64):
        segments = [tf.RaggedTensor.from_row_lengths(tf.zeros(int(n.sum())), n) for n in (first, second)]
        expected = [s.row_lengths().numpy() for s in tf_text.RoundRobinTrimmer(budget).trim(segments)]
        kept = round_robin_lengths(tf.constant(first), tf.constant(second), budget)
        assert [k.numpy().tolist() for k in kept] == [e.tolist() for e in expected]


def test_texts_and_pairs_of_other_lengths_are_refused(tokenizers):
    with pytest.raises(ValueError, match="same length"):
        tokenize_text_pairs(tokenizers["bert"], ["a", "b"], ["c"], 16)
