"""`kerastl lr-find TASK` and `kerastl train --learning-rate auto`."""

import json

import pytest
import yaml
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.errors import KerastlError

WORDS = ["good", "bad", "fine", "awful", "great", "dull", "nice", "poor"]


@pytest.fixture()
def train_file(tmp_path):
    """40 labeled sentences, with the text in the second column (as --text-column must say)."""
    rows = [f"{i}\ta {WORDS[i % 8]} film\t{'positive' if i % 2 == 0 else 'negative'}" for i in range(40)]
    path = tmp_path / "train.tsv"
    path.write_text("id\tsentence\tlabel\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def test_lr_find_writes_the_plot_and_the_sweep_and_prints_the_rate(tmp_path, train_file, tiny_backbone):
    output = tmp_path / "sweep"
    args = ["lr-find", "sentiment", "--train", train_file, "--backbone", tiny_backbone, "--batch-size", 4,
            "--steps", 10, "--max-length", 16, "--text-column", "sentence", "--output", output]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    facts = json.loads((output / "lr_find.json").read_text())
    assert (output / "lr_find.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in output.iterdir()) == ["lr_find.json", "lr_find.png"]
    assert facts["task"] == "sentiment" and facts["steps"] == len(facts["rates"]) == 10
    assert float(result.stdout.strip()) == pytest.approx(facts["suggested"], rel=1e-2)  # the rate alone
    assert facts["rates"][0] <= facts["suggested"] <= facts["rates"][-1]
    again = invoke(*args)
    assert again.exit_code == 1 and "--overwrite" in again.output and "Traceback" not in again.output


def test_lr_find_never_writes_into_a_folder_of_other_files(tmp_path, train_file):
    output = tmp_path / "mine"
    output.mkdir()
    (output / "notes.txt").write_text("keep")
    result = invoke("lr-find", "sentiment", "--train", train_file, "--output", output)
    assert result.exit_code == 1 and "folder of other files" in result.output
    assert [p.name for p in output.iterdir()] == ["notes.txt"]


def test_lr_find_on_data_too_small_is_one_line_and_writes_nothing(tmp_path, train_file, tiny_backbone):
    result = invoke("lr-find", "sentiment", "--train", train_file, "--backbone", tiny_backbone,
                    "--text-column", "sentence", "--output", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert f"{train_file}: 40 training examples make 2 batches of 32" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("rates", [("1e-2", "1e-3"), ("-1", "1")])
def test_lr_find_refuses_bad_rates(tmp_path, train_file, rates):
    result = invoke("lr-find", "sentiment", "--train", train_file, "--min-rate", rates[0], "--max-rate", rates[1],
                    "--output", tmp_path / "out")
    assert result.exit_code == 1 and "min_rate must be" in result.output and not (tmp_path / "out").exists()


def test_train_with_auto_learning_rate_trains_with_the_suggestion(tmp_path, train_file, tiny_backbone):
    output = tmp_path / "model"
    result = invoke("train", "sentiment", "--train", train_file, "--validation", train_file, "--text-column",
                    "sentence", "--backbone", tiny_backbone, "--max-length", 16, "--batch-size", 1, "--epochs", 1,
                    "--learning-rate", "auto", "--output", output)
    assert result.exit_code == 0, result.output
    found = json.loads((output / "metrics.json").read_text())["learning_rate"]
    assert found["auto"] is True and found["used"] == found["suggested"]
    assert found["min_rate"] <= found["suggested"] <= found["max_rate"] and found["planned_steps"] == 40
    assert 30 <= found["steps"] <= 40  # it stops once the loss diverges
    assert found["inconclusive_because"] is None
    assert (output / "lr_find.png").read_bytes().startswith(b"\x89PNG")
    config = yaml.safe_load((output / "config.yaml").read_text())
    assert config["task_options"]["learning_rate"] == found["used"]  # running it again needs no sweep
    assert f"Learning rate {found['used']:.3g}" in result.output


def test_auto_learning_rate_refuses_a_sweep_too_short_to_tell(tmp_path, train_file, tiny_backbone):
    """40 examples in batches of 4 sweep 10 steps over seven decades: no rate can be read from that."""
    result = invoke("train", "sentiment", "--train", train_file, "--text-column", "sentence", "--backbone",
                    tiny_backbone, "--max-length", 16, "--batch-size", 4, "--epochs", 1, "--learning-rate", "auto",
                    "--output", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "the learning-rate sweep cannot tell a rate: it took 10 steps" in result.output
    assert "--learning-rate 5e-5" in result.output


def test_lr_find_warns_when_its_sweep_cannot_tell(tmp_path, train_file, tiny_backbone):
    result = invoke("lr-find", "sentiment", "--train", train_file, "--backbone", tiny_backbone, "--batch-size", 4,
                    "--steps", 10, "--max-length", 16, "--text-column", "sentence", "--output", tmp_path / "sweep")
    assert result.exit_code == 0 and "Warning: the sweep cannot tell a rate" in result.stderr


@pytest.mark.parametrize("value", ["abc", "-1", "0", "nan"])
def test_a_bad_learning_rate_is_refused(tmp_path, train_file, value):
    result = invoke("train", "sentiment", "--train", train_file, "--output", tmp_path / "out", "--learning-rate", value)
    assert result.exit_code == 2 and "the learning rate must be a positive number or 'auto'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_a_config_with_a_negative_learning_rate_names_the_file(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("task: sentiment\ntrain: t.tsv\noutput: out\ntask_options:\n  learning_rate: -0.001\n")
    result = invoke("train", "--config", config)
    assert result.exit_code == 1 and f"{config}: the learning rate must be a positive number" in result.output


def test_auto_learning_rate_is_refused_with_a_strategy(tmp_path, train_file):
    from kerastl.runs.train import run_training

    with pytest.raises(KerastlError, match="kerastl lr-find"):
        run_training("sentiment", train_file, tmp_path / "out", learning_rate="auto", distribution="mirrored")
    assert not (tmp_path / "out").exists()
