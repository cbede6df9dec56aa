import json

import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.errors import DataError
from kerastl.runs.run_config import data_source_for_config, read_run_config, write_run_config

ROWS = ["a wonderful film with great music\tpositive", "the best movie i loved it\tpositive",
        "really good story and a fine ending\tpositive", "great actors and a wonderful plot\tpositive",
        "an awful boring movie\tnegative", "the worst film i hated it\tnegative",
        "dull plot and terrible music\tnegative", "bad actors and a boring ending\tnegative"]


def test_round_trip_keeps_order_and_values(tmp_path):
    config = {"task": "sentiment", "train": "/data/train.tsv", "epochs": 2, "batch_size": 8, "seed": 3,
              "task_options": {"backbone": "minilm-l6", "labels": [0, 1], "freeze": 2}, "read_options": {}}
    path = write_run_config(tmp_path / "config.yaml", config)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# kerastl training run. Run it again with: kerastl train --config")
    assert text.index("task:") < text.index("train:") < text.index("task_options:")
    assert read_run_config(path) == config


def test_paths_become_absolute_and_tfds_names_stay(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert data_source_for_config("train.tsv") == str(tmp_path.resolve() / "train.tsv")
    assert data_source_for_config("tfds:imdb_reviews:test") == "tfds:imdb_reviews:test"
    assert data_source_for_config([("good", 1)]) is None


@pytest.mark.parametrize("text, message", [
    ("task: [unclosed", "not valid YAML"),
    ("- a list", "must be a mapping"),
    ("task: sentiment\nepoch: 3\n", r"unknown option\(s\) \['epoch'\]"),
    ("epochs: many\n", "epochs must be a positive integer"),
    ("task_options: 3\n", "task_options must be a mapping"),
])
def test_bad_configs_say_what_to_fix(tmp_path, text, message):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_run_config(path)


def test_missing_config_is_a_one_line_cli_error(tmp_path):
    result = CliRunner().invoke(cli, ["train", "--config", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1 and "no run config" in result.output and "Traceback" not in result.output


def test_train_without_task_or_config_says_what_is_missing():
    result = CliRunner().invoke(cli, ["train", "--train", "x.tsv", "--output", "out"])
    assert result.exit_code == 2 and "Missing argument 'TASK'" in result.output


def test_flags_given_override_the_config(tmp_path, monkeypatch):
    import kerastl.runs.train

    calls = []

    def fake_run_training(task_name, train, output, **options):
        calls.append(dict(options, task_name=task_name, train=train, output=output))
        return {"task": task_name, "train_examples": 1, "epochs": options["epochs"], "train_seconds": 0.0}

    monkeypatch.setattr(kerastl.runs.train, "run_training", fake_run_training)
    config = write_run_config(tmp_path / "config.yaml", {
        "task": "sentiment", "train": "/data/train.tsv", "validation": "/data/dev.tsv", "output": "/runs/a",
        "epochs": 4, "batch_size": 8, "seed": 7, "tensorboard": True,
        "task_options": {"backbone": "/models/tiny", "learning_rate": 1e-4, "labels": ["neg", "pos"]},
        "read_options": {"text_column": "review"}})
    result = CliRunner().invoke(cli, ["train", "--config", str(config), "--output", "/runs/b", "--epochs", "1",
                                      "--learning-rate", "0.01", "--label-column", "2"])
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["task_name"] == "sentiment" and call["train"] == "/data/train.tsv" and call["output"] == "/runs/b"
    assert call["validation"] == "/data/dev.tsv" and call["epochs"] == 1 and call["batch_size"] == 8
    assert call["tensorboard"] is True
    assert call["task_options"] == {"backbone": "/models/tiny", "learning_rate": 0.01, "labels": ["neg", "pos"],
                                    "seed": 7}
    assert call["read_options"] == {"text_column": "review", "label_column": 2}


def test_a_run_reproduces_from_its_config(tmp_path, tiny_backbone):
    data = tmp_path / "train.tsv"
    data.write_text("sentence\tlabel\n" + "\n".join(ROWS * 2) + "\n", encoding="utf-8")
    dev = tmp_path / "dev.tsv"
    dev.write_text("sentence\tlabel\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    first, second = tmp_path / "first", tmp_path / "second"
    runner = CliRunner()
    trained = runner.invoke(cli, ["train", "sentiment", "--train", str(data), "--validation", str(dev),
                                  "--backbone", str(tiny_backbone), "--epochs", "1", "--batch-size", "4",
                                  "--learning-rate", "0.001", "--output", str(first)])
    assert trained.exit_code == 0, trained.output
    last_line = trained.output.strip().splitlines()[-1]
    assert last_line.startswith("Trained sentiment on 16 examples in") and "best epoch" in last_line
    for name in ("config.yaml", "metrics.json", "training.png", "confusion_matrix.png", "kerastl.json"):
        assert (first / name).is_file(), name
    config = read_run_config(first / "config.yaml")
    assert config["train"] == str(data.resolve()) and config["epochs"] == 1 and config["batch_size"] == 4
    assert config["task_options"]["learning_rate"] == 0.001

    rerun = runner.invoke(cli, ["train", "--config", str(first / "config.yaml"), "--output", str(second)])
    assert rerun.exit_code == 0, rerun.output
    before = json.loads((first / "metrics.json").read_text(encoding="utf-8"))
    after = json.loads((second / "metrics.json").read_text(encoding="utf-8"))
    assert after["validation"]["accuracy"] == pytest.approx(before["validation"]["accuracy"], abs=1e-6)
    for old, new in zip(before["per_epoch"], after["per_epoch"], strict=True):
        assert new["loss"] == pytest.approx(old["loss"], abs=1e-4)
        assert new["val_loss"] == pytest.approx(old["val_loss"], abs=1e-4)
        assert new["validation"] == pytest.approx(old["validation"], abs=1e-6)
    assert after["best_epoch"]["epoch"] == before["best_epoch"]["epoch"]
    titles = [item["title"] for item in after["report_items"]]
    assert titles[:2] == ["Confusion matrix", "Per-class precision, recall and F1"]
    assert titles == [item["title"] for item in before["report_items"]]
