"""`kerastl train`, `lr-find` and `evaluate`: click groups of one command per registered task."""

import json

import click
import pytest
from click.testing import CliRunner

import kerastl.runs.lr_find
from kerastl.cli.main import cli
from kerastl.options import COLUMN, TaskOption
from kerastl.tasks import ClassificationTask, available_tasks, get_task, register_task


@register_task("commands_probe")
class CommandsProbeTask(ClassificationTask):
    """A plugin-like task with a constructor flag and a reader flag of its own."""

    cli_options = (TaskOption("--probe-depth", "probe_depth", type=click.IntRange(min=1), help="Probe depth."),
                   TaskOption("--probe-field", "probe_field", applies_to="read", type=COLUMN, help="Probe field."))


GROUPS = ("train", "lr-find", "evaluate")


def invoke(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_lists_every_registered_task(group):
    result = invoke(group, "--help")
    assert result.exit_code == 0, result.output
    commands = result.output.split("Commands:")[1]
    for name in available_tasks():
        assert f"  {name} " in commands
    assert f"kerastl {group} TASK --help" in " ".join(result.output.split())


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("task", sorted({*available_tasks(), "commands_probe"}))
def test_every_task_command_has_help(group, task):
    result = invoke(group, task, "--help")
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {group} {task}" in result.output and "--set" in result.output
    for option in get_task(task).cli_options:
        if group != "evaluate" or option.applies_to == "read":
            assert option.flag.split("/")[0] in result.output
        else:
            assert option.flag.split("/")[0] not in result.output  # a saved model keeps its constructor options


def test_an_unknown_task_is_kerastls_one_line_error_in_every_group():
    for group in ("train", "lr-find"):
        result = invoke(group, "no-such-task", "--train", "t.tsv")
        assert result.exit_code == 1 and "Unknown task 'no-such-task'" in result.output
        assert "sentiment" in result.output and "Traceback" not in result.output
    result = invoke("evaluate", "no-such-task", "--data", "t.tsv")  # not a task: a model folder, and none is there
    assert result.exit_code == 1 and "No model folder at no-such-task" in result.output


@pytest.fixture()
def swept(monkeypatch):
    calls = []

    class Sweep:
        rates, seconds, minimum_rate, stopped_early, suggestion = [1e-5, 1e-4], 0.0, 1e-4, False, 1e-5
        inconclusive_because = None

    def fake_run_lr_find(task_name, train, output, **options):
        calls.append(dict(options, task_name=task_name, train=train, output=output))
        return Sweep()

    monkeypatch.setattr(kerastl.runs.lr_find, "run_lr_find", fake_run_lr_find)
    return calls


def test_lr_find_takes_a_plugins_flags_and_set(swept):
    result = invoke("lr-find", "commands_probe", "--train", "t.tsv", "--probe-depth", "2", "--probe-field", "-1",
                    "--set", "task.dropout=0.3", "--set", "read.label_column=label")
    assert result.exit_code == 0, result.output
    assert swept[0]["task_name"] == "commands_probe" and swept[0]["output"] == "lr-find-commands_probe"
    assert swept[0]["task_options"] == {"backbone": "minilm-l6", "probe_depth": 2, "dropout": 0.3}
    assert swept[0]["read_options"] == {"probe_field": -1, "label_column": "label"}
    bad = invoke("lr-find", "commands_probe", "--train", "t.tsv", "--set", "dropout=1")
    assert bad.exit_code == 2 and "task.NAME=VALUE" in bad.output and len(swept) == 1


@pytest.fixture()
def evaluated(monkeypatch, tmp_path):
    """A model folder of `commands_probe` (only its kerastl.json) and a recorder of what evaluate reads."""
    calls = []

    class Loaded:
        def evaluate(self, data, batch_size, **read_options):
            calls.append(dict(read_options, data=data, batch_size=batch_size))
            return {"examples": 2}

    def fake_load(cls, path):
        calls.append({"loaded": cls.name, "path": str(path)})
        return Loaded()

    monkeypatch.setattr(CommandsProbeTask, "load", classmethod(fake_load))
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "kerastl.json").write_text(json.dumps({"format_version": 1, "task": "commands_probe", "config": {}}))
    return folder, calls


def test_evaluate_takes_the_reader_flags_of_the_task_the_model_folder_names(evaluated):
    folder, calls = evaluated
    result = invoke("evaluate", folder, "--data", "dev.tsv", "--probe-field", "3", "--set", "read.text_column=x")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"examples": 2}
    assert calls == [{"loaded": "commands_probe", "path": str(folder)},
                     {"probe_field": 3, "text_column": "x", "data": "dev.tsv", "batch_size": 64}]


def test_evaluate_with_the_task_named_first(evaluated):
    folder, calls = evaluated
    result = invoke("evaluate", "commands_probe", folder, "--data", "dev.tsv", "--batch-size", "8")
    assert result.exit_code == 0, result.output
    assert calls[1] == {"data": "dev.tsv", "batch_size": 8}


def test_evaluate_refuses_another_tasks_flags_and_constructor_settings(evaluated):
    folder, calls = evaluated
    other = invoke("evaluate", folder, "--data", "dev.tsv", "--scheme", "iob2")
    assert other.exit_code == 2 and "No such option" in other.output
    constructor = invoke("evaluate", folder, "--data", "dev.tsv", "--set", "task.dropout=0.1")
    assert constructor.exit_code == 2 and "--set read.NAME=VALUE" in constructor.output
    assert not calls


def test_train_with_a_config_and_no_task_takes_the_config_files_task(tmp_path, monkeypatch):
    import kerastl.runs.train
    from kerastl.runs.run_config import write_run_config

    calls = []
    monkeypatch.setattr(kerastl.runs.train, "run_training", lambda task, train, output, **options: calls.append(
        (task, options["task_options"], options["read_options"])) or {"task": task, "train_examples": 1,
                                                                       "epochs": 1, "train_seconds": 0.0})
    config = write_run_config(tmp_path / "config.yaml", {"task": "commands_probe", "train": "t", "output": "o"})
    result = invoke("train", f"--config={config}", "--probe-depth", "4", "--probe-field", "text")
    assert result.exit_code == 0, result.output
    assert calls[0][0] == "commands_probe" and calls[0][1]["probe_depth"] == 4
    assert calls[0][2] == {"probe_field": "text"}


def test_a_task_option_goes_to_the_constructor_or_the_reader_only():
    with pytest.raises(ValueError, match="applies_to"):
        TaskOption("--source", "source", applies_to="data")


def test_translations_source_and_target_are_reader_options(tmp_path, monkeypatch):
    import kerastl.runs.train

    calls = []
    monkeypatch.setattr(kerastl.runs.train, "run_training", lambda task, train, output, **options: calls.append(
        dict(options, train=train)) or {"task": task, "train_examples": 1, "epochs": 1, "train_seconds": 0.0})
    result = invoke("train", "translation", "--train", "data/train", "--validation", "data/val", "--source", "en",
                    "--target", "de", "--output", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert calls[0]["train"] == "data/train" and calls[0]["validation"] == "data/val"
    assert calls[0]["read_options"] == {"source": "en", "target": "de"}
