import json
import math

import keras
import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.errors import KerastlError
from kerastl.pretrain import learn_vocabulary, pretrain, read_corpus, word_piece_tokenizer
from kerastl.tasks import SentimentTask

TEXTS = [
    "아 더빙 진짜 짜증나네요 목소리",
    "흠 포스터보고 초딩영화줄 오버연기조차 가볍지 않구나",
    "너무 재밌었다 그래서 보는 것을 추천한다",
    "Die Straße in München ist schön",
    "The Cat sat on the mat",
    "교도소 이야기구먼 솔직히 재미는 없다",
] * 12
TINY = {"size": "tiny", "vocabulary_size": 400, "sequence_length": 16, "batch_size": 4, "log_every": 0}


def test_vocabulary_keeps_korean_case_and_accents():
    vocabulary = learn_vocabulary(TEXTS, 400)
    assert vocabulary[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert {"진짜", "Straße", "München", "Cat"} <= set(vocabulary)
    tokenizer = word_piece_tokenizer(vocabulary)
    ids = keras.ops.convert_to_numpy(tokenizer("진짜 Straße"))
    assert [tokenizer.id_to_token(int(i)) for i in ids] == ["진짜", "Straße"]


def test_read_corpus_reads_tables_and_char_per_line_files(tmp_path):
    table = tmp_path / "ratings.txt"
    table.write_text("id\tdocument\tlabel\n1\t아 더빙\t0\n2\t재밌다\t1\n", encoding="utf-8")
    chars = tmp_path / "ner.tsv"
    chars.write_text("## 1\t특히 <강릉:LC>\n특\tO\n히\tO\n \tO\n강\tB-LC\n릉\tI-LC\n\n가\tO\n나\tO\n\n", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("first line\n\nsecond line\n", encoding="utf-8")
    assert read_corpus([table], text_column="document") == ["아 더빙", "재밌다"]
    assert read_corpus(chars) == ["특히 강릉", "가나"]
    assert read_corpus(plain) == ["first line", "second line"]


def _fits_a_sentiment_task(backbone):
    task = SentimentTask(str(backbone), max_length=16)
    task.fit([(text, ("neg", "pos")[i % 2]) for i, text in enumerate(TEXTS[:12])], epochs=1, batch_size=4, verbose=0)
    assert task.predict(["진짜 재밌다"])[0].label in ("neg", "pos")


def test_masked_lm_pretraining_writes_a_backbone_a_task_fits_on(tmp_path):
    output = tmp_path / "mlm"
    metrics = pretrain(TEXTS, output, objective="mlm", epochs=1, **TINY)
    assert metrics["steps"] == metrics["total_steps"] > 0 and metrics["complete"]
    accuracy = metrics["masked_token_accuracy"]
    assert accuracy == metrics["held_out"]["masked_token_accuracy"] and 0.0 <= accuracy <= 1.0
    assert metrics["tokens_per_second"] > 0
    assert json.loads((output / "pretrain_metrics.json").read_text(encoding="utf-8"))["objective"] == "mlm"
    _fits_a_sentiment_task(output)


def test_causal_lm_pretraining_from_the_command_line(tmp_path):
    corpus = tmp_path / "ratings.txt"
    corpus.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{text}\t0\n" for i, text in enumerate(TEXTS)),
                      encoding="utf-8")
    output = tmp_path / "clm"
    result = CliRunner().invoke(cli, [
        "pretrain", "--objective", "clm", "--corpus", str(corpus), "--text-column", "document",
        "--output", str(output), "--size", "tiny", "--vocabulary-size", "400", "--sequence-length", "16",
        "--batch-size", "4", "--epochs", "1",
    ])
    assert result.exit_code == 0, result.output
    assert "perplexity on the held-out text" in result.output
    metrics = json.loads((output / "pretrain_metrics.json").read_text(encoding="utf-8"))
    assert metrics["objective"] == "clm" and math.isfinite(metrics["perplexity"]) and metrics["perplexity"] > 1
    _fits_a_sentiment_task(output)


def test_pretrain_explains_bad_options(tmp_path):
    with pytest.raises(KerastlError, match="Unknown backbone size 'huge'"):
        pretrain(TEXTS, tmp_path / "x", size="huge")
    with pytest.raises(KerastlError, match="Unknown objective"):
        pretrain(TEXTS, tmp_path / "x", objective="mask")
