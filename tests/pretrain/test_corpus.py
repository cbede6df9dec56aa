"""The streaming corpus: files, folders, globs and compressed files; the hash split; the packing."""

import bz2
import gzip

import numpy as np
import pytest
import tensorflow as tf

from kerastl.errors import DataError
from kerastl.pretrain import Corpus, find_corpus_files, word_piece_tokenizer
from kerastl.pretrain.token_windows import count_tokens, token_windows

REVIEWS = [f"review {i}: the film was {('good', 'bad', 'long')[i % 3]} and actor {i % 11} was fine" for i in range(300)]


def _write(path, texts, opener=open):
    path.parent.mkdir(parents=True, exist_ok=True)
    with opener(path, "wt", encoding="utf-8") as file:
        file.write("\n".join(texts) + "\n")
    return path


def test_folders_globs_and_compressed_files_read_the_same_documents(tmp_path):
    _write(tmp_path / "plain" / "a.txt", REVIEWS[:100])
    _write(tmp_path / "plain" / "deeper" / "b.txt", REVIEWS[100:])
    _write(tmp_path / "plain" / ".hidden.txt", ["never read"])
    _write(tmp_path / "packed" / "a.txt.gz", REVIEWS[:100], gzip.open)
    _write(tmp_path / "packed" / "b.txt.bz2", REVIEWS[100:], bz2.open)

    folder = Corpus(tmp_path / "plain", held_out_fraction=0)
    assert [path.name for path in folder.files] == ["a.txt", "b.txt"]
    assert list(folder.documents()) == REVIEWS
    compressed = Corpus(str(tmp_path / "packed" / "*.txt.*"), held_out_fraction=0)
    assert list(compressed.documents()) == REVIEWS
    # A file named twice (a folder and a glob over it) is read once.
    assert len(find_corpus_files([tmp_path / "plain", str(tmp_path / "plain" / "*.txt")])) == 2


def test_tables_stream_their_text_column(tmp_path):
    rows = [f"{i}\t{text}\t{i % 2}" for i, text in enumerate(REVIEWS[:20])]
    _write(tmp_path / "ratings.tsv.gz", ["id\tdocument\tlabel", *rows], gzip.open)
    assert list(Corpus(tmp_path / "ratings.tsv.gz", text_column="document", held_out_fraction=0).documents()) \
        == REVIEWS[:20]


def test_documents_are_read_lazily_and_a_bad_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "corpus.txt"
    good = "".join(text + "\n" for text in REVIEWS).encode()
    path.write_bytes(good * 20 + b"caf\xe9 latin-1 here\n" + good)
    corpus = Corpus(path, held_out_fraction=0)  # the start of the file is fine
    documents = corpus.documents()
    assert [next(documents) for _ in range(3)] == REVIEWS[:3]  # read before the bad line is reached
    with pytest.raises(DataError, match=rf"corpus.txt:{20 * len(REVIEWS) + 1}: .*not valid UTF-8"):
        list(documents)


@pytest.mark.parametrize("content, message", [
    (b"", "holds no text"),
    (b"\n  \n\n", "holds no text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"\x1f\x8b\x08 gzip bytes in a .txt file", "byte 0x8b at column 2 is not valid UTF-8"),
])
def test_empty_and_binary_files_are_refused_before_training(tmp_path, content, message):
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as raised:
        Corpus(path)
    assert "corpus.txt" in str(raised.value)


def test_a_truncated_gzip_file_is_named(tmp_path):
    path = _write(tmp_path / "corpus.txt.gz", REVIEWS * 50, gzip.open)
    path.write_bytes(path.read_bytes()[:-200])
    corpus = Corpus(path, held_out_fraction=0)
    with pytest.raises(DataError, match=r"corpus.txt.gz.*cannot decompress the .gz file"):
        list(corpus.documents())


def test_patterns_and_folders_that_find_nothing_say_so(tmp_path):
    with pytest.raises(DataError, match="the pattern matches no file"):
        Corpus(str(tmp_path / "*.txt"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="the folder holds no corpus file"):
        Corpus(tmp_path / "empty")
    with pytest.raises(DataError, match="file not found"):
        Corpus(tmp_path / "missing.txt")


def test_the_held_out_part_is_chosen_by_document_hash(tmp_path):
    texts = [f"document number {i} about topic {i % 17}" for i in range(3000)]
    corpus = Corpus.from_texts(texts, held_out_fraction=0.1)
    held_out = set(corpus.documents("held_out"))
    train = list(corpus.documents("train"))
    assert held_out.isdisjoint(train) and len(held_out) + len(train) == len(texts)
    assert 0.08 < len(held_out) / len(texts) < 0.12
    # The same document is held out whatever else the corpus holds, and in whatever order.
    other = Corpus.from_texts(list(reversed(texts[:1000])) + ["something new"] * 5, held_out_fraction=0.1)
    assert set(other.documents("held_out")) == held_out & set(texts[:1000]) | (
        {"something new"} if other.is_held_out("something new") else set())


def test_the_vocabulary_sample_is_bounded_and_reaches_the_end_of_the_corpus():
    texts = [f"text {i}" for i in range(5000)]
    corpus = Corpus.from_texts(texts, held_out_fraction=0)
    sample = corpus.sample(100, seed=3)
    assert len(sample) == 100 == len(set(sample)) and set(sample) <= set(texts)
    assert max(int(text.split()[1]) for text in sample) > 2500  # not just the first 100
    assert corpus.sample(100, seed=3) == sample and corpus.sample(100, seed=4) != sample


def _tokenizer():
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted({word for text in REVIEWS for word in
                                                                       text.replace(":", " ").split()})]
    return word_piece_tokenizer(vocabulary)


def test_windows_pack_documents_end_to_end_and_pad_only_the_last():
    tokenizer = _tokenizer()
    texts = REVIEWS[:37]
    expected = np.concatenate([[2, *np.asarray(tokenizer(text)), 3] for text in texts])
    windows = list(token_windows(lambda: iter(texts), tokenizer, 16).as_numpy_iterator())
    lengths = [length for _, length in windows]
    assert lengths[:-1] == [16] * (len(windows) - 1) and 0 < lengths[-1] <= 16
    packed = np.concatenate([window[:length] for window, length in windows])
    np.testing.assert_array_equal(packed, expected)
    assert (windows[-1][0][lengths[-1]:] == 0).all()  # [PAD]
    assert count_tokens(lambda: iter(texts), tokenizer) == len(expected)


def test_a_repeated_stream_carries_its_tokens_into_the_next_pass():
    tokenizer = _tokenizer()
    texts = REVIEWS[:5]
    one_pass = np.concatenate([[2, *np.asarray(tokenizer(text)), 3] for text in texts])
    windows = token_windows(lambda: iter(texts), tokenizer, 7, repeat=True).take(3 * len(one_pass) // 7)
    packed = np.concatenate([window for window, length in windows.as_numpy_iterator()])
    np.testing.assert_array_equal(packed, np.tile(one_pass, 3)[: len(packed)])


def test_the_stream_holds_a_bounded_number_of_documents(tmp_path):
    """A generator that counts how far the pipeline has read ahead: never the whole corpus."""
    tokenizer = _tokenizer()
    texts = REVIEWS * 40  # 12,000 documents
    read = []

    def documents():
        for text in texts:
            read.append(text)
            yield text

    iterator = iter(token_windows(documents, tokenizer, 16))
    next(iterator)
    assert len(read) < len(texts) / 4, "the pipeline read most of the corpus for its first window"
    assert tf.is_tensor(next(iterator)[0])
