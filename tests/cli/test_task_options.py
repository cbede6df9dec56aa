"""`kerastl train TASK`: each task's own flags, `--set` overrides, shared column and freeze types."""

import json

import click
import pytest
from click.testing import CliRunner

import kerastl.runs.train
from kerastl.cli.main import cli
from kerastl.options import COLUMN, TaskOption
from kerastl.tasks import ClassificationTask, register_task


@register_task("options_probe")
class OptionsProbeTask(ClassificationTask):
    """A task defined outside kerastl's own folders, with a flag of its own."""

    cli_options = (TaskOption("--probe-width", "probe_width", type=click.IntRange(min=1), help="Probe width."),
                   TaskOption("--probe-column", "probe_column", applies_to="read", type=COLUMN, help="Probe column."))


@pytest.fixture()
def captured(monkeypatch):
    """Replace the training run by a recorder of what the command passes it."""
    calls = []

    def fake_run_training(task_name, train, output, **options):
        calls.append(dict(options, task_name=task_name, train=train, output=output))
        return {"task": task_name, "train_examples": 1, "epochs": options["epochs"], "train_seconds": 0.0}

    monkeypatch.setattr(kerastl.runs.train, "run_training", fake_run_training)
    return calls


def help_of(*args):
    result = CliRunner().invoke(cli, ["train", *args, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_task_lists_its_own_flags_in_its_help():
    ner, sentiment, translation = help_of("ner"), help_of("sentiment"), help_of("translation")
    for flag in ("--scheme", "--token-column", "--tag-column", "--decoding", "--word-pooling"):
        assert flag in ner and flag not in sentiment
    assert "--text-column" in sentiment and "--text-column" not in ner
    for flag in ("--source", "--target", "--source-column", "--num-beams"):
        assert flag in translation and flag not in sentiment
    assert "--set" in ner and "--freeze" in ner  # the shared ones stay
    assert "kerastl train TASK --help" in help_of()


def test_a_task_registered_outside_kerastl_adds_its_flags(captured):
    assert "--probe-width" in help_of("options_probe")
    result = CliRunner().invoke(cli, ["train", "options_probe", "--train", "t.tsv", "--output", "out",
                                      "--probe-width", "3", "--probe-column", "-1"])
    assert result.exit_code == 0, result.output
    assert captured[0]["task_options"]["probe_width"] == 3
    assert captured[0]["read_options"] == {"probe_column": -1}


def test_task_flags_go_to_the_constructor_or_the_reader(captured):
    result = CliRunner().invoke(cli, ["train", "ner", "--train", "t.conll", "--output", "out", "--scheme", "bioes",
                                      "--decoding", "argmax", "--tag-column", "2", "--freeze", "2"])
    assert result.exit_code == 0, result.output
    assert captured[0]["read_options"] == {"scheme": "bioes", "tag_column": 2}
    assert captured[0]["task_options"]["decoding"] == "argmax" and captured[0]["task_options"]["freeze"] == 2


def test_set_reaches_any_task_or_reader_option_with_its_type(captured):
    result = CliRunner().invoke(cli, ["train", "sentiment", "--train", "t.tsv", "--output", "out", "--text-column",
                                      "review", "--set", "task.dropout=0.25", "--set", "task.labels=[neg, pos]",
                                      "--set", "read.label_column=-1", "--set", "task.freeze=all"])
    assert result.exit_code == 0, result.output
    options = captured[0]["task_options"]
    assert options["dropout"] == 0.25 and options["labels"] == ["neg", "pos"] and options["freeze"] == "all"
    assert captured[0]["read_options"] == {"text_column": "review", "label_column": -1}


@pytest.mark.parametrize("setting", ["dropout=0.2", "model.dropout=0.2", "task.=1", "task.dropout"])
def test_a_malformed_set_is_a_usage_error(captured, setting):
    result = CliRunner().invoke(cli, ["train", "sentiment", "--train", "t.tsv", "--output", "out", "--set", setting])
    assert result.exit_code == 2 and "task.NAME=VALUE" in result.output and not captured


def test_another_tasks_flag_is_refused(captured):
    result = CliRunner().invoke(cli, ["train", "sentiment", "--train", "t.tsv", "--output", "out", "--scheme", "iob1"])
    assert result.exit_code == 2 and "No such option" in result.output and not captured


def test_the_task_of_a_config_file_gives_its_flags(tmp_path, captured):
    from kerastl.runs.run_config import write_run_config

    config = write_run_config(tmp_path / "config.yaml", {"task": "ner", "train": "/data/t.conll", "output": "/runs/a"})
    result = CliRunner().invoke(cli, ["train", "--config", str(config), "--scheme", "iob2"])
    assert result.exit_code == 0, result.output
    assert captured[0]["task_name"] == "ner" and captured[0]["read_options"] == {"scheme": "iob2"}


@pytest.mark.parametrize("value, expected", [("3", 3), ("-1", -1), ("review", "review"), ("0", 0)])
def test_columns_parse_the_same_in_every_command(value, expected):
    assert COLUMN.convert(value, None, None) == expected


def test_freeze_takes_none_all_or_a_count(captured):
    bad = CliRunner().invoke(cli, ["train", "sentiment", "--train", "t.tsv", "--output", "out", "--freeze", "half"])
    assert bad.exit_code == 2 and "use 'none', 'all' or a number of layers" in bad.output
    json.dumps(captured)  # nothing unserializable was recorded
    assert not captured


def test_training_flags_reach_the_run_and_its_config(captured, tmp_path):
    from kerastl.runs.run_config import write_run_config

    result = CliRunner().invoke(cli, ["train", "sentiment", "--train", "t.tsv", "--output", "out",
                                      "--early-stopping-patience", "2", "--accumulate-steps", "4"])
    assert result.exit_code == 0, result.output
    assert captured[0]["early_stopping_patience"] == 2 and captured[0]["accumulate_steps"] == 4
    assert captured[0]["restore_best"] is None  # the default: keep the best epoch with early stopping
    config = write_run_config(tmp_path / "config.yaml", {"task": "ner", "train": "/t", "output": "/o",
                                                          "early_stopping_patience": 3, "restore_best": True})
    again = CliRunner().invoke(cli, ["train", "--config", str(config)])
    assert again.exit_code == 0, again.output
    assert captured[1]["early_stopping_patience"] == 3 and captured[1]["restore_best"] is True
    assert captured[1]["accumulate_steps"] == 1
