"""Real tokenizers of every kind, trained in a second on a small built-in corpus.

Each function learns a vocabulary of one kind from `TINY_CORPUS` (English, Korean, emoji), so
tests run the same tokenizer code paths that real checkpoints use: a WordPiece vocabulary, a
byte-level BPE vocabulary with its merges (learned with the `tokenizers` library keras-hub
depends on), and a SentencePiece model proto (learned with `sentencepiece`).
"""

import functools
import io
import json

#: Words of the tiny English vocabulary, enough to tokenize the test sentences of kerastl's
#: own tests (anything else becomes sub-words or unknown, which still exercises the code paths).
TINY_WORDS = (
    "the a an and or but not is was were be it this that of to in on for with at by from as "
    "good great fine bad awful dull movie film plot actor actors music story ending boring "
    "loved hated love hate wonderful terrible best worst really very quite so too i you we they "
    "he she his her their paris berlin london angela merkel met emmanuel macron john smith "
    "city man woman dog cat car bike riding red blue green house big small new old one two three "
    "sports politics science game team won lost vote election research study"
).split()

#: Korean sentences (reviews, names, places) mixed into the corpus, so SentencePiece and BPE
#: vocabularies know Hangul as real multilingual ones do.
KOREAN_LINES = (
    "이 영화 정말 재미있어요", "배우들의 연기가 훌륭하다", "최악의 영화였다 지루하다", "음악이 아름답고 이야기가 좋다",
    "김민수 씨는 서울에서 일한다", "이순신 장군은 한국의 영웅이다", "부산과 서울은 큰 도시이다",
    "나는 고양이와 개를 좋아한다", "삼성전자는 수원에 있다", "남자가 자전거를 탄다",
)

#: Emoji and punctuation that tokenizers must not lose track of.
SYMBOL_LINES = ("a great film 🎬 !", "the worst movie 😡 ...", "paris ❤ london", "vote - 2024 : won")


@functools.lru_cache(maxsize=1)
def tiny_corpus():
    """A few hundred deterministic lines: English word sequences, Korean sentences and emoji."""
    words = TINY_WORDS
    lines = []
    for i in range(240):
        length = 3 + i % 7
        sentence = " ".join(words[(i * 7 + j * 13) % len(words)] for j in range(length))
        lines.append(sentence.capitalize() + ("." if i % 3 else "!"))
    lines += [" ".join(words[i : i + 8]) for i in range(0, len(words), 8)]
    lines += list(KOREAN_LINES) * 6 + list(SYMBOL_LINES) * 4
    return tuple(lines)


def word_piece_vocabulary(special_tokens=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
    """A WordPiece vocabulary (list of tokens) with every tiny word, characters and `##` suffixes."""
    characters = sorted({c for line in tiny_corpus() for c in line.lower() if not c.isspace()}
                        | set("abcdefghijklmnopqrstuvwxyz0123456789"))
    vocabulary = list(special_tokens) + sorted(set(TINY_WORDS)) + characters + [f"##{c}" for c in characters]
    return list(dict.fromkeys(vocabulary))


def byte_pair_vocabulary(special_tokens, vocabulary_size=400):
    """Learn a byte-level BPE vocabulary and merges (the GPT-2 / RoBERTa / BART kind).

    Args:
        special_tokens: tokens given the first ids, in order (e.g. `["<s>", "<pad>", "</s>"]`).
        vocabulary_size: the size to learn, special tokens and the 256 byte symbols included.

    Returns:
        `(vocabulary, merges)`: a dict token -> id and a list of `"left right"` merge rules, as
        keras-hub's `BytePairTokenizer` and Hugging Face's `vocab.json` / `merges.txt` hold them.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocabulary_size, special_tokens=list(special_tokens),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(tiny_corpus(), trainer=trainer)
    model = json.loads(tokenizer.to_str())["model"]
    merges = [merge if isinstance(merge, str) else " ".join(merge) for merge in model["merges"]]
    return dict(model["vocab"]), merges


def sentence_piece_proto(vocabulary_size=300, pad="<pad>", unknown="<unk>", start="<s>", end="</s>",
                         pad_id=-1, unknown_id=0, start_id=1, end_id=2, extra_tokens=()):
    """Learn a SentencePiece unigram model (the DeBERTa-v3 / XLM-R / ALBERT / Gemma / T5 kind).

    Args:
        vocabulary_size: the number of pieces, special ones included.
        pad, unknown, start, end: the special pieces' names; `pad_id=-1` (or any id -1) leaves
            that piece out, as XLM-R's proto does.
        pad_id, unknown_id, start_id, end_id: their ids in the proto.
        extra_tokens: more pieces the model must hold whole (e.g. `"[MASK]"`).

    Returns:
        The serialized model proto (`bytes`).
    """
    import sentencepiece

    proto = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(tiny_corpus()), model_writer=proto, vocab_size=vocabulary_size,
        model_type="unigram", character_coverage=1.0, pad_id=pad_id, unk_id=unknown_id, bos_id=start_id,
        eos_id=end_id, pad_piece=pad, unk_piece=unknown, bos_piece=start, eos_piece=end,
        user_defined_symbols=list(extra_tokens), hard_vocab_limit=False, minloglevel=2, num_threads=1,
    )
    return proto.getvalue()
