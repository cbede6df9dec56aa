"""Continued (domain-adaptive) pretraining: `pretrain(from_backbone=...)` of every family kerastl loads."""

import json
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from kerastl.backbones import load_backbone
from kerastl.cli.main import cli
from kerastl.errors import DataError, KerastlError
from kerastl.pretrain import CausalLanguageModel, Corpus, pretrain
from kerastl.pretrain.token_windows import token_windows
from kerastl.testing import FAMILIES, TOY_REVIEWS
from loopback_cluster import run_workers

DOMAIN_TEXT = [f"{text} The {word} scene was {adjective}." for text, _ in TOY_REVIEWS
               for word, adjective in (("opening", "slow"), ("final", "moving"), ("chase", "loud"))]
TINY_RUN = {"sequence_length": 16, "batch_size": 2, "steps": 3, "log_every": 0, "held_out_fraction": 0.2}
PRETRAINED_FAMILIES = [name for name, family in FAMILIES.items() if family.architecture != "seq2seq"]


def _weights(folder):
    backbone, _ = load_backbone(str(folder))
    return {weight.path: np.array(weight) for weight in backbone.weights}


@pytest.mark.parametrize("family", PRETRAINED_FAMILIES)
def test_every_family_continues_its_own_objective(family, tiny_family_backbone, tmp_path):
    source = tiny_family_backbone(family)
    output = tmp_path / "adapted"
    decoder = FAMILIES[family].architecture == "decoder"
    # An encoder's masked LM first warms up its new head (one step here; the recipe's default is longer).
    metrics = pretrain(DOMAIN_TEXT, output, from_backbone=str(source), learning_rate=1e-2,
                       warmup_head_steps=None if decoder else 1, **TINY_RUN)

    expected = "clm" if decoder else "mlm"
    assert metrics["objective"] == expected and metrics["steps"] == 3 and metrics["complete"]
    assert (metrics["held_out_after_head_warmup"] is None) == decoder
    headline = "perplexity" if expected == "clm" else "masked_token_accuracy"
    assert set(metrics["held_out_before"]) == set(metrics["held_out"]) and headline in metrics["held_out"]
    assert not metrics["held_out_is_training_data"]
    # The output is the same architecture and tokenizer, with trained weights.
    before, after = _weights(source), _weights(output)
    assert before.keys() == after.keys()
    assert any(not np.allclose(before[key], after[key]) for key in before)
    original, adapted = load_backbone(str(source))[1], load_backbone(str(output))[1]
    assert type(adapted) is type(original) and adapted.vocabulary_size() == original.vocabulary_size()


def test_a_continued_run_resumes_and_keeps_the_score_from_before(tiny_family_backbone, tmp_path):
    output = tmp_path / "adapted"
    source = str(tiny_family_backbone("bert"))
    first = pretrain(DOMAIN_TEXT, output, from_backbone=source, max_steps=2, checkpoint_every=1, warmup_head_steps=0,
                     **TINY_RUN)
    assert first["stopped_by"] == "max_steps"
    lines = []
    second = pretrain(DOMAIN_TEXT, output, from_backbone=source, checkpoint_every=1, warmup_head_steps=0,
                      log=lines.append, **TINY_RUN)
    assert second["complete"] and second["held_out_before"] == first["held_out_before"]
    assert not any("before training" in line for line in lines)  # scored once, on the first run
    assert not (output / "checkpoint" / "vocabulary.txt").exists()  # the backbone brings its tokenizer


def test_a_resumed_stream_goes_on_with_the_batches_it_would_have_seen(tiny_family_backbone):
    backbone, tokenizer = load_backbone(str(tiny_family_backbone("gpt2")))
    objective = CausalLanguageModel(backbone, tokenizer, sequence_length=8)
    corpus = Corpus.from_texts(DOMAIN_TEXT, held_out_fraction=0)

    def batches(skip):
        windows = token_windows(lambda: corpus.documents("train"), tokenizer, objective.window_length, repeat=True)
        dataset = objective.batches(windows, 4, seed=5, skip_steps=skip, shuffle_buffer=50)
        return [inputs["token_ids"].numpy() for inputs, _, _ in dataset.take(3)]

    uninterrupted = batches(0) + batches(3)
    np.testing.assert_array_equal(np.stack(batches(2)), np.stack(uninterrupted[2:5]))


def test_options_a_continued_backbone_cannot_take_are_refused(tiny_family_backbone, tmp_path):
    bert, bart = str(tiny_family_backbone("bert")), str(tiny_family_backbone("bart"))
    with pytest.raises(KerastlError, match=r"keeps that backbone's own tokenizer and size, so --vocabulary-size, "
                                           r"--lowercase cannot apply"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", from_backbone=bert, vocabulary_size=500, lowercase=True)
    with pytest.raises(KerastlError, match="it continues with mlm or simcse or mlm\\+simcse, not clm"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", from_backbone=bert, objective="clm", **TINY_RUN)
    with pytest.raises(KerastlError, match="BartBackbone, an encoder-decoder"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", from_backbone=bart, **TINY_RUN)
    with pytest.raises(KerastlError, match="reads at most"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", from_backbone=bert, **{**TINY_RUN, "sequence_length": 4096})
    assert not (tmp_path / "x" / "config.json").exists()


def test_the_cli_explains_bad_corpus_and_option_errors_in_one_line(tiny_family_backbone, tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "empty.txt").write_text("\n\n")
    (tmp_path / "corpus.txt").write_text("\n".join(DOMAIN_TEXT))
    cases = [
        (["--corpus", str(tmp_path / "image.txt")], "binary file"),
        (["--corpus", str(tmp_path / "empty.txt")], "holds no text"),
        (["--corpus", str(tmp_path / "nothing-*.txt")], "the pattern matches no file"),
        (["--corpus", str(tmp_path / "corpus.txt"), "--from", str(tiny_family_backbone("t5"))], "an encoder-decoder"),
        (["--corpus", str(tmp_path / "corpus.txt"), "--from", str(tiny_family_backbone("bert")), "--vocabulary",
          "sentencepiece"], "--vocabulary cannot apply"),
    ]
    for arguments, message in cases:
        result = CliRunner().invoke(cli, ["pretrain", "--output", str(tmp_path / "out"), *arguments])
        assert result.exit_code != 0 and message in result.output, result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 2, result.output


@pytest.mark.large
@pytest.mark.slow
def test_continued_minilm_feeds_a_sentiment_task_through_the_cli(real_backbone, tmp_path):
    corpus = tmp_path / "reviews.txt.gz"
    import gzip

    with gzip.open(corpus, "wt", encoding="utf-8") as file:
        file.write("\n".join(DOMAIN_TEXT) + "\n")
    adapted = tmp_path / "minilm-reviews"
    runner = CliRunner()
    result = runner.invoke(cli, ["pretrain", "--from", "minilm-l6", "--corpus", str(corpus), "--output", str(adapted),
                                 "--steps", "2", "--sequence-length", "32", "--batch-size", "2", "--held-out", "0.2"])
    assert result.exit_code == 0, result.output
    assert "(before: " in result.output
    metrics = json.loads((adapted / "pretrain_metrics.json").read_text())
    assert metrics["from"] == "minilm-l6" and metrics["backbone_class"] == "BertBackbone"
    assert metrics["parameters"] == 22_713_216  # the same backbone, continued

    train = tmp_path / "train.tsv"
    train.write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in TOY_REVIEWS))
    model = tmp_path / "sentiment"
    result = runner.invoke(cli, ["train", "sentiment", "--train", str(train), "--backbone", str(adapted),
                                 "--output", str(model), "--epochs", "1", "--batch-size", "4", "--max-length", "32",
                                 "--no-calibrate"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["predict", str(model), "a wonderful film"])
    assert result.exit_code == 0 and ("pos" in result.output or "neg" in result.output), result.output


@pytest.mark.slow
def test_two_workers_pretrain_in_sync_and_only_the_chief_writes(tiny_family_backbone, tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(DOMAIN_TEXT * 3) + "\n")
    outputs = [tmp_path / "worker0", tmp_path / "worker1"]
    command = [sys.executable, "-m", "kerastl", "pretrain", "--corpus", str(corpus), "--from",
               str(tiny_family_backbone("bert")), "--steps", "4", "--sequence-length", "16", "--batch-size", "4",
               "--strategy", "multiworker", "--checkpoint-every", "2", "--warmup-head-steps", "2"]
    results = run_workers([command + ["--output", str(output)] for output in outputs], tmp_path)
    for index, (code, log) in enumerate(results):
        assert code == 0, f"worker {index} failed:\n{log[-4000:]}"
    metrics = json.loads((outputs[0] / "pretrain_metrics.json").read_text())
    assert metrics["steps"] == 4 and metrics["complete"]
    assert not outputs[1].exists()
    assert "Not saved: the chief worker writes the backbone." in results[1][1]
    # Both scored the same model on the same held-out text.
    headline = [line for line in results[0][1].splitlines() if line.startswith("masked_token_accuracy on")][0]
    assert headline.split(". ")[0] in results[1][1]


def test_a_bad_line_deep_in_the_corpus_stops_the_stream_with_its_file_and_line(tiny_family_backbone, tmp_path):
    corpus = tmp_path / "corpus.txt"
    good = "".join(text + "\n" for text in DOMAIN_TEXT).encode()
    corpus.write_bytes(good * 4 + b"caf\xe9\n" + good)  # valid at the start: the check before training passes
    bad_line = 4 * len(DOMAIN_TEXT) + 1
    with pytest.raises(DataError, match=rf"corpus.txt:{bad_line}: byte 0xe9 at column 4 is not valid UTF-8"):
        pretrain(Corpus(corpus, held_out_fraction=0.2), tmp_path / "out", from_backbone=str(tiny_family_backbone("bert")),
                 **{**TINY_RUN, "held_out_fraction": 0.2, "steps": 200})
    assert not (tmp_path / "out" / "config.json").exists()
