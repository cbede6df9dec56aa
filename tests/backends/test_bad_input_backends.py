"""Hostile model folders and input are one line on every Keras backend, through the real console script."""

import os
import shutil
import subprocess
import sys

import pytest

from model_folders import edit_json

BACKENDS = ["jax", "torch"]  # TensorFlow runs the whole corpus in-process (tests/test_bad_input.py, test_bounded_input.py)


@pytest.fixture()
def saved(tiny_sentiment_folder):
    return tiny_sentiment_folder


def _fifo_weights(folder):
    (folder / "model.weights.h5").unlink()
    os.mkfifo(folder / "model.weights.h5")


def _model_json_to_dev_zero(folder):
    (folder / "model.json").unlink()
    (folder / "model.json").symlink_to("/dev/zero")


def _huge_lora_rank(folder):
    edit_json(folder / "kerastl.json", lambda description: description["config"].update(lora_rank=100_000_000))


CASES = {
    "weights-a-named-pipe": (_fifo_weights, "model.weights.h5 is a named pipe (FIFO)"),
    "model-json-linked-to-dev-zero": (_model_json_to_dev_zero, "model.json is a symbolic link"),
    "lora-rank-100000000": (_huge_lora_rank, "`lora_rank` must be an integer at least 1 and at most 4096"),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_model_folder_is_one_line_on_the_backend(backend, case, saved, tmp_path):
    pytest.importorskip(backend)
    damage, expected = CASES[case]
    folder = tmp_path / "model"
    shutil.copytree(saved, folder)
    damage(folder)
    completed = subprocess.run([sys.executable, "-m", "kerastl", "--backend", backend, "predict", str(folder),
                                "a film"], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stderr[-2000:]
    lines = completed.stderr.strip().splitlines()
    assert "Traceback" not in completed.stderr and lines[-1].startswith("Error: ") and expected in lines[-1]
    assert f"kerastl: Keras backend {backend}" in lines[:-1], completed.stderr
    assert not any(line[:1] in "IWE" and line[1:5].isdigit() for line in lines), completed.stderr  # no native lines


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_endless_line_on_standard_input_is_one_line_on_the_backend(backend, saved):
    pytest.importorskip(backend)
    with open("/dev/zero", "rb") as zeros:
        completed = subprocess.run([sys.executable, "-m", "kerastl", "--backend", backend, "predict", str(saved)],
                                   stdin=zeros, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1 and "<standard input>:1: the line is longer" in completed.stderr
