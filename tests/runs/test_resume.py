"""Resumable training: a run killed with SIGKILL mid-epoch resumes from its last checkpoint."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from click.testing import CliRunner
from pausing_driver import DRIVER

import kerastl
from kerastl.cli.main import cli

POSITIVE = ["a wonderful film", "great music and a fine story", "the best movie", "i loved the actors",
            "really good ending", "a great plot"]
NEGATIVE = ["an awful film", "boring music and a dull story", "the worst movie", "i hated the actors",
            "really bad ending", "a terrible plot"]


def _arguments(tmp_path, backbone, output):
    return ["train", "sentiment", "--train", str(tmp_path / "train.tsv"), "--validation", str(tmp_path / "dev.tsv"),
            "--backbone", str(backbone), "--output", str(output), "--epochs", "2", "--batch-size", "4",
            "--checkpoint-every", "3", "--learning-rate", "1e-3", "--max-length", "16"]


def _environment():
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


@pytest.fixture()
def data(tmp_path):
    rows = [f"{text}\tpositive" for text in POSITIVE] + [f"{text}\tnegative" for text in NEGATIVE]
    rng = np.random.default_rng(0)
    train = [rows[i] for i in rng.permutation(len(rows))] * 2  # 24 examples: 6 steps an epoch
    (tmp_path / "train.tsv").write_text("sentence\tlabel\n" + "\n".join(train) + "\n", encoding="utf-8")
    (tmp_path / "dev.tsv").write_text("sentence\tlabel\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def test_killed_run_resumes_mid_epoch_and_ends_like_an_uninterrupted_one(data, tiny_backbone):
    tmp_path = data
    whole = CliRunner().invoke(cli, _arguments(tmp_path, tiny_backbone, tmp_path / "whole"))
    assert whole.exit_code == 0, whole.output

    resumed = tmp_path / "resumed"
    ready = tmp_path / "ready"
    command = [sys.executable, "-c", DRIVER]
    _kill_at_step(command, 8, ready, _arguments(tmp_path, tiny_backbone, resumed))
    state = json.loads((resumed / "checkpoint" / "state.json").read_text())
    assert state["step"] == 6 and state["steps_per_epoch"] == 6  # the epoch-end checkpoint; step 8 is mid-epoch 2
    assert not (resumed / "kerastl.json").exists()  # no model was written by the killed run

    # Kill at step 8, checkpoint at 6: pause later to leave a mid-epoch checkpoint (step 9) behind.
    ready.unlink()
    _kill_at_step(command, 11, ready, _arguments(tmp_path, tiny_backbone, resumed))
    assert json.loads((resumed / "checkpoint" / "state.json").read_text())["step"] == 9

    finished = subprocess.run(command + _arguments(tmp_path, tiny_backbone, resumed), env=_environment(),
                              capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert "Resuming from the checkpoint" in finished.stdout and "at step 9" in finished.stdout

    expected = json.loads((tmp_path / "whole" / "metrics.json").read_text())
    actual = json.loads((resumed / "metrics.json").read_text())
    assert actual["validation"]["accuracy"] == expected["validation"]["accuracy"]
    assert np.allclose(actual["history"]["val_loss"], expected["history"]["val_loss"], atol=1e-4)
    assert np.allclose(actual["history"]["loss"][0], expected["history"]["loss"][0], atol=1e-4)
    texts = POSITIVE + NEGATIVE
    whole_probabilities = [p.score for p in kerastl.load(tmp_path / "whole").predict(texts)]
    resumed_probabilities = [p.score for p in kerastl.load(resumed).predict(texts)]
    assert np.allclose(whole_probabilities, resumed_probabilities, atol=1e-4)
    assert not (resumed / "checkpoint").exists()  # the final save replaces the folder, checkpoint included


def test_checkpoint_of_other_settings_is_refused(data, tiny_backbone):
    tmp_path = data
    arguments = _arguments(tmp_path, tiny_backbone, tmp_path / "out")
    checkpoint = tmp_path / "out" / "checkpoint"
    checkpoint.mkdir(parents=True)
    (checkpoint / "state.json").write_text(json.dumps({"step": 3, "run": {"examples": 999}}))
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 1 and "checkpoint of a run with other settings" in result.output
    assert "Traceback" not in result.output


def _kill_at_step(command, step, ready, arguments):
    """Run the training driver until it pauses at `step` (it touches `ready`), then kill -9 it."""
    process = subprocess.Popen(command + ["--pause-at-step", str(step), str(ready)] + arguments,
                               env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240
        while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ready.exists(), f"the training never reached step {step}:\n{process.communicate(timeout=5)[0][-3000:]}"
    finally:
        process.send_signal(signal.SIGKILL)  # kill -9: no cleanup runs
        process.wait(timeout=30)


# === Kill anywhere: SIGKILL at every phase of a run, the folder invariant holds after each ===

# Runs `kerastl train`, killing itself with SIGKILL (no cleanup runs) at the named point.
KILL_DRIVER = """
import os, signal, sys
from pathlib import Path
point, args = sys.argv[1], sys.argv[2:]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def before(owner, name, when=lambda *a, **k: True):
    original = getattr(owner, name)
    def wrapper(*a, **k):
        if when(*a, **k):
            die()
        return original(*a, **k)
    setattr(owner, name, wrapper)

import numpy
import kerastl.atomic_files as files
import kerastl.tasks.model_folder as model_folder
import kerastl.runs.train as run
from kerastl.tasks import SentimentTask
from kerastl.training import StepCheckpoint

if point == "reading":
    before(SentimentTask, "read")
elif point == "tokenizing":
    before(SentimentTask, "encode")
elif point.startswith("step-"):
    original_step = StepCheckpoint.on_train_batch_end
    def at_step(self, batch, logs=None):
        original_step(self, batch, logs)
        if self.step == int(point[5:]):
            die()
    StepCheckpoint.on_train_batch_end = at_step
elif point == "mid-checkpoint":
    original_savez = numpy.savez
    def savez(*a, **k):
        original_savez(*a, **k)
        die()
    numpy.savez = savez
elif point == "mid-final-save":
    before(model_folder, "save_tokenizer")
elif point == "between-the-final-renames":
    before(files.os, "replace", lambda source, target: ".run.tmp-" in str(source) and Path(target).name == "run")
elif point == "before-config":
    before(run, "write_run_config")
elif point == "before-metrics":
    before(files, "atomic_file", lambda path, *a, **k: Path(path).name == "metrics.json")
elif point == "after-metrics":
    before(run.shutil, "rmtree", lambda path, *a, **k: Path(path).name == "checkpoint")
from kerastl.cli.main import cli
cli(args, prog_name="kerastl")
"""

#: Every phase of a run, in the order a run reaches them; each run of the chain resumes the last.
KILL_POINTS = ["reading", "tokenizing", "step-1", "mid-checkpoint", "step-5", "step-9", "mid-final-save",
               "between-the-final-renames", "before-config", "before-metrics", "after-metrics"]


def _check_folder_invariant(output, point):
    """The output is absent, or a kerastl run folder whose files are each whole."""
    from kerastl.atomic_files import check_output_folder

    if not output.exists():
        aside = list(output.parent.glob(f".{output.name}.old-*/{output.name}"))
        assert point in ("reading", "between-the-final-renames"), f"{point}: the output vanished"
        assert point == "reading" or len(aside) == 1, f"{point}: the output vanished without a copy to restore"
        return
    assert check_output_folder(output, "model", overwrite=True) in ("resume", "replace"), point
    for name in ("kerastl.json", "model.json", "metrics.json", "checkpoint/state.json", "checkpoint_epochs.json",
                 "tokenizer/tokenizer.json"):
        if (output / name).exists():
            json.loads((output / name).read_text())  # whole, never half-written
    if (output / "kerastl.json").exists():
        for name in ("model.json", "model.weights.h5", "tokenizer/tokenizer.json"):
            assert (output / name).is_file(), f"{point}: a model without {name}"
    if (output / "checkpoint" / "state.json").exists():
        assert (output / "checkpoint" / "variables.npz").is_file(), f"{point}: a checkpoint without its variables"


@pytest.mark.slow
def test_killed_anywhere_the_folder_stays_whole_and_the_rerun_ends_like_an_uninterrupted_run(data, tiny_backbone):
    import hashlib

    tmp_path = data
    arguments = ["train", "sentiment", "--train", str(tmp_path / "train.tsv"), "--validation",
                 str(tmp_path / "dev.tsv"), "--backbone", str(tiny_backbone), "--epochs", "2", "--batch-size", "4",
                 "--checkpoint-every", "2", "--learning-rate", "1e-3", "--max-length", "16", "--output"]
    whole = CliRunner().invoke(cli, arguments + [str(tmp_path / "whole")])
    assert whole.exit_code == 0, whole.output
    users_files = {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() for name in ("train.tsv", "dev.tsv")}

    output = tmp_path / "run"
    held = []
    for point in KILL_POINTS:
        killed = subprocess.run([sys.executable, "-c", KILL_DRIVER, point, *arguments, str(output)],
                                env=_environment(), capture_output=True, text=True, timeout=300)
        assert killed.returncode == -signal.SIGKILL, f"{point}: not killed\n{killed.stdout[-2000:]}{killed.stderr[-2000:]}"
        _check_folder_invariant(output, point)
        held.append(point)
        if point == "before-metrics":
            assert "Resuming from the checkpoint" in killed.stdout, "the checkpoint did not survive the final save"
    assert held == KILL_POINTS  # the invariant held at every kill point

    expected = json.loads((tmp_path / "whole" / "metrics.json").read_text())
    actual = json.loads((output / "metrics.json").read_text())
    assert [e["epoch"] for e in actual["per_epoch"]] == [1, 2]
    assert actual["best_epoch"] == expected["best_epoch"]
    assert actual["validation"]["accuracy"] == expected["validation"]["accuracy"]
    assert kerastl.load(output).label_set.names == ["negative", "positive"]
    assert {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() for name in users_files} == users_files

    rerun = CliRunner().invoke(cli, arguments + [str(output)])  # finished: a rerun does not replace it silently
    assert rerun.exit_code == 1 and "already holds a kerastl model" in rerun.output
    assert list(tmp_path.glob(".run.tmp-*")) + list(tmp_path.glob(".run.old-*")) + list(output.glob(".*.tmp-*")) == []
