import pytest

from kerastl.backbones import load_backbone
from kerastl.preprocessing.tokenizer_kind import WORD_START_MARKERS, tokenizer_kind
from kerastl.preprocessing.word_alignment import align_words, unknown_token_id
from kerastl.preprocessing.word_splitting import split_words
from kerastl.testing import FAMILIES


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


FAMILY_WORDS = ["Angela", "Merkel", "met", "김민수", "in", "Paris", "🎬", "!"]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_words_pieces_detokenize_to_the_word_for_every_family(tiny_family_backbone, family):
    tokenizer = load_backbone(str(tiny_family_backbone(family)))[1]
    aligned = align_words(tokenizer, [FAMILY_WORDS])
    token_ids = aligned["token_ids"].to_list()[0]
    word_ids = aligned["word_ids"].to_list()[0]
    first = aligned["is_first"].to_list()[0]
    labeled = aligned["is_labeled"].to_list()[0]
    kind = tokenizer_kind(tokenizer)
    for index, word in enumerate(FAMILY_WORDS):
        pieces = [token for token, word_id in zip(token_ids, word_ids) if word_id == index]
        text = tokenizer.detokenize([pieces])
        text = (text[0] if isinstance(text, list) else text.numpy()[0])
        text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        expected = word.lower() if getattr(tokenizer, "lowercase", False) else word
        assert text.strip() == expected, (family, word, [tokenizer.id_to_token(i) for i in pieces])
        tokens = [tokenizer.id_to_token(i) for i in pieces]
        if kind == "bpe":  # as in running text: every word but the first follows a space
            assert tokens[0].startswith("\u0120") == (index > 0), tokens
        flags = [(f, lab) for f, lab, w in zip(first, labeled, word_ids) if w == index]
        assert sum(f for f, _ in flags) == 1, (word, tokens, flags)  # exactly one piece takes the label
        labeled_token = tokens[[f for f, _ in flags].index(True)]
        assert labeled_token not in WORD_START_MARKERS.values() or len(tokens) == 1, (word, tokens)
        for token, (_, is_labeled) in zip(tokens, flags):
            assert is_labeled == (not (token in WORD_START_MARKERS.values() and len(tokens) > 1))
