import json

import pytest
from click.testing import CliRunner

from kerastl.cli.main import BUILT_IN_COMMANDS, cli


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", sorted(BUILT_IN_COMMANDS))
def test_every_command_has_help(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and command in result.output


def test_tasks_lists_sentiment(runner):
    result = runner.invoke(cli, ["tasks"])
    assert result.exit_code == 0 and "sentiment" in result.output.split()


def test_unknown_task_is_one_line_without_traceback(runner, tmp_path):
    data = tmp_path / "train.tsv"
    data.write_text("sentence\tlabel\ngood\tpositive\n", encoding="utf-8")
    result = runner.invoke(cli, ["train", "no-such-task", "--train", str(data), "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Unknown task 'no-such-task'" in result.output and "sentiment" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_bad_data_names_file_and_line_and_writes_nothing(runner, tmp_path, tiny_backbone):
    data = tmp_path / "train.tsv"
    data.write_text("sentence\tlabel\ngood film\tpositive\nbad film\n", encoding="utf-8")
    result = runner.invoke(cli, ["train", "sentiment", "--train", str(data), "--backbone", str(tiny_backbone),
                                 "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{data}:3" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_train_evaluate_predict(runner, tmp_path, tiny_backbone):
    rows = ["good film\tpositive", "great movie\tpositive", "bad film\tnegative", "awful movie\tnegative"]
    data = tmp_path / "train.tsv"
    data.write_text("sentence\tlabel\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    trained = runner.invoke(cli, ["train", "sentiment", "--train", str(data), "--validation", str(data),
                                  "--backbone", str(tiny_backbone), "--epochs", "1", "--output", str(out)])
    assert trained.exit_code == 0, trained.output
    assert (out / "kerastl.json").is_file() and (out / "metrics.json").is_file()
    evaluated = runner.invoke(cli, ["evaluate", str(out), "--data", str(data)])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output)["examples"] == 4
    predicted = runner.invoke(cli, ["predict", str(out), "--json"], input="good film\n\nbad film\n")
    assert predicted.exit_code == 0, predicted.output
    lines = [json.loads(line) for line in predicted.output.strip().splitlines()]
    assert [line["text"] for line in lines] == ["good film", "bad film"]


def test_predict_on_a_missing_model_folder(runner, tmp_path):
    result = runner.invoke(cli, ["predict", str(tmp_path / "none"), "hello"])
    assert result.exit_code == 1 and "No model folder" in result.output and "Traceback" not in result.output


def test_backbones_lists_the_bundled_one(runner):
    result = runner.invoke(cli, ["backbones"])
    assert result.exit_code == 0 and "minilm-l6" in result.output
