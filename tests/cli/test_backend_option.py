"""The Keras backend of a command: chosen the Keras way, `kerastl --backend NAME` for one command,
a one-line error when its package is missing, and a log line naming it."""

import importlib.util
import json
import logging
import os
import subprocess
import sys

import keras
import pytest
from click.testing import CliRunner

from kerastl.cli import backend_option
from kerastl.cli.main import cli

# Builds the whole command line (every command's help), then lists what it imported.
HELP_IMPORTS = """
import json, sys
from kerastl.cli.main import main
sys.argv = ["kerastl", "--help"]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in ("keras", "tensorflow", "jax", "torch") if name in sys.modules)))
"""


def test_kerastl_help_imports_neither_keras_nor_a_backend():
    completed = subprocess.run([sys.executable, "-c", HELP_IMPORTS], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "--backend [tensorflow|jax|torch]" in completed.stdout
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == []


def test_backend_sets_keras_backend_for_the_command(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")  # restored after the test
    result = CliRunner().invoke(cli, ["--backend", keras.backend.backend(), "tasks"])
    assert result.exit_code == 0, result.output
    assert os.environ["KERAS_BACKEND"] == keras.backend.backend()


def test_a_backend_whose_package_is_missing_is_one_line_naming_the_extra(monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jax" else find_spec(name, *a))
    monkeypatch.delitem(sys.modules, "jax", raising=False)
    result = CliRunner().invoke(cli, ["--backend", "jax", "tasks"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: The Keras backend 'jax' needs the jax package, which is not installed. "
        "Fix: pip install 'kerastl[jax]', or choose another backend (kerastl --backend NAME)."]


def test_a_backend_other_than_the_imported_keras_one_is_one_line():
    other = "jax" if keras.backend.backend() != "jax" else "torch"
    pytest.importorskip(other)
    result = CliRunner().invoke(cli, ["--backend", other, "tasks"])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert f"imported Keras already, with the {keras.backend.backend()} backend" in result.output


def test_the_configured_backend_follows_keras_rule(monkeypatch, tmp_path):
    monkeypatch.delitem(sys.modules, "keras")  # as before Keras is imported
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert backend_option.configured_backend() == "tensorflow"
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "jax"}))
    assert backend_option.configured_backend() == "jax"
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert backend_option.configured_backend() == "torch"


def test_an_unknown_configured_backend_is_a_clear_error(monkeypatch):
    monkeypatch.delitem(sys.modules, "keras")
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    with pytest.raises(backend_option.KerastlError, match="does not run on the Keras backend 'numpy'"):
        backend_option.require_backend()


@pytest.mark.parametrize("command", [["predict", "MODEL", "a text"], ["evaluate", "MODEL", "--data", "MODEL"],
                                     ["export", "MODEL", "--output", "OUTPUT"]])
def test_commands_log_their_backend_first(command, tmp_path, caplog):
    arguments = [str(tmp_path / part) if part.isupper() else part for part in command]
    with caplog.at_level(logging.INFO, logger="kerastl"):
        result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 1 and "No model folder" in result.output  # after the log line
    assert caplog.messages == [f"kerastl: Keras backend {keras.backend.backend()}"]


def test_kerastl_runs_on_the_backend_given_and_logs_it_on_standard_error(tmp_path):
    pytest.importorskip("torch")
    environment = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    completed = subprocess.run([sys.executable, "-m", "kerastl", "--backend", "torch", "predict",
                                str(tmp_path / "nothing"), "a text"],
                               capture_output=True, text=True, env=environment, timeout=300)
    assert completed.returncode == 1 and completed.stdout == ""
    lines = [line for line in completed.stderr.splitlines() if line.startswith(("kerastl:", "Error:"))]
    assert lines[0] == "kerastl: Keras backend torch" and "No model folder" in lines[1], completed.stderr


def test_the_command_lines_precisions_are_the_trainings():
    from kerastl.options import PRECISIONS
    from kerastl.training.precision import PRECISIONS as TRAINING_PRECISIONS

    assert PRECISIONS == TRAINING_PRECISIONS
