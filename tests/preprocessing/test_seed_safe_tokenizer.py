import keras
import pytest
import tensorflow as tf

from kerastl.preprocessing.seed_safe_tokenizer import seed_safe
from kerastl.testing import FAMILIES

SENTENCEPIECE_FAMILIES = sorted(name for name, family in FAMILIES.items() if family.tokenizer_kind == "sentencepiece")


def traced_after_seeding(tokenizer):
    tokenize = tf.function(lambda texts: tokenizer(texts), input_signature=[tf.TensorSpec([None], tf.string)])
    before = tokenize(tf.constant(["a good movie 이 영화"])).to_list()
    keras.utils.set_random_seed(7)  # clears TensorFlow's eager kernel cache
    return before, tokenize(tf.constant(["a good movie 이 영화"])).to_list()


def test_seeding_deletes_the_model_of_a_plain_sentencepiece_tokenizer():
    # The failure seed_safe exists for: tf-text's SentencePiece model is owned by its kernel.
    tokenizer = FAMILIES["albert"].tokenizer()
    with pytest.raises(tf.errors.NotFoundError, match="SentencepieceOp"):
        traced_after_seeding(tokenizer)


@pytest.mark.parametrize("family", SENTENCEPIECE_FAMILIES)
def test_a_seed_safe_tokenizer_survives_seeding(family):
    tokenizer = seed_safe(FAMILIES[family].tokenizer())
    before, after = traced_after_seeding(tokenizer)
    assert before == after and len(before[0]) > 3
    assert seed_safe(tokenizer) is tokenizer  # idempotent


def test_tokenizers_without_sentencepiece_are_left_alone():
    tokenizer = FAMILIES["bert"].tokenizer()
    assert seed_safe(tokenizer) is tokenizer
    before, after = traced_after_seeding(tokenizer)
    assert before == after
