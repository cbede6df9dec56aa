"""Hostile model folders and input are one line on every Keras backend, through the real console script."""

import os
import shutil
import json
import subprocess
import sys
from pathlib import Path

import pytest

from model_folders import edit_json

BACKENDS = ["jax", "torch"]  # TensorFlow runs the whole corpus in-process (tests/test_bad_input.py, test_bounded_input.py)

# Runs every case of tests/test_bad_input.py's corpus, with its own checks, on KERAS_BACKEND; prints
# how many ran and the failures (case id -> what went wrong).
CORPUS_ON_THE_BACKEND = """
import json, sys, tempfile, traceback
from pathlib import Path
sys.path[:0] = [sys.argv[1]]
import keras
import test_bad_input as corpus

backbone, model = Path(sys.argv[2]), Path(sys.argv[3])
failures, ran = {}, 0
for case in corpus.CASES:
    with tempfile.TemporaryDirectory() as folder:
        try:
            corpus.check_case(*case.values, Path(folder), backbone, model)
        except Exception:
            failures[case.id] = traceback.format_exc(limit=1)[-600:]
    ran += 1
print(json.dumps({"backend": keras.backend.backend(), "ran": ran, "failures": failures}))
"""


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


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_whole_bad_input_corpus_is_one_clear_line_on_the_backend(backend, tiny_backbone, saved, tmp_path):
    import test_bad_input

    pytest.importorskip(backend)
    model = shutil.copytree(saved, tmp_path / "model")
    completed = subprocess.run([sys.executable, "-c", CORPUS_ON_THE_BACKEND, str(Path(test_bad_input.__file__).parent),
                                str(tiny_backbone), str(model)], capture_output=True, text=True, timeout=1200,
                               env=dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3"))
    assert completed.returncode == 0, completed.stderr[-3000:]
    outcome = json.loads(completed.stdout.strip().splitlines()[-1])
    assert outcome["backend"] == backend and outcome["ran"] == len(test_bad_input.CASES) > 60
    assert outcome["failures"] == {}
