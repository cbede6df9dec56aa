import pytest

from kerastl.backbones import load_backbone
from kerastl.preprocessing.word_alignment import align_words, unknown_token_id
from kerastl.preprocessing.word_splitting import split_words


@pytest.fixture(scope="module")
def tokenizer(tiny_backbone):
    return load_backbone(str(tiny_backbone))[1]


def test_every_word_gets_sub_tokens_and_word_ids(tokenizer):
    sentences = [["Angela", "Merkel", "met", "Macron"], [], ["Paris", "!"]]
    aligned = align_words(tokenizer, sentences)
    word_ids = aligned["word_ids"].to_list()
    first = aligned["is_first"].to_list()
    assert aligned["token_ids"].row_lengths().numpy().tolist() == [len(w) for w in word_ids]
    for words, ids, flags in zip(sentences, word_ids, first):
        assert sorted(set(ids)) == list(range(len(words)))  # no word dropped
        assert ids == sorted(ids)
        assert sum(flags) == len(words)  # one first sub-token per word
    # "macron" is not split further by the tiny vocabulary, "merkel" is one token too
    assert word_ids[0][:2] == [0, 1]


def test_words_the_tokenizer_drops_become_unknown(tokenizer):
    unknown = unknown_token_id(tokenizer)
    assert tokenizer.id_to_token(unknown) == "[UNK]"
    aligned = align_words(tokenizer, [["paris", "\x07", "\u0301", "", "london"]])
    assert aligned["word_ids"].to_list() == [[0, 1, 2, 3, 4]]
    ids = aligned["token_ids"].to_list()[0]
    assert ids[1] == ids[2] == ids[3] == unknown
    assert ids[0] != unknown and ids[4] != unknown


def test_words_never_merge(tokenizer):
    # Joined, "new" "york" could tokenize differently; word by word each keeps its own ids.
    aligned = align_words(tokenizer, [["new", "york"]])
    assert aligned["word_ids"].to_list()[0][0] == 0 and aligned["word_ids"].to_list()[0][-1] == 1


def test_many_sentences_are_aligned_in_chunks(tokenizer):
    sentences = [["the", "dog", str(i)] for i in range(7)]
    aligned = align_words(tokenizer, sentences, chunk_size=3)
    assert aligned["word_ids"].nrows().numpy() == 7


def test_split_words_keeps_character_offsets():
    text = "Angela Merkel met Emmanuel Macron in Paris, didn't she?"
    words, offsets = split_words(text)
    assert words == ["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", ",", "didn't", "she", "?"]
    assert all(text[start:end] == word for word, (start, end) in zip(words, offsets))
