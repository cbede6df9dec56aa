"""Every task on every Keras backend, and model folders that move between backends.

Each backend (TensorFlow, JAX, PyTorch) trains every task in its own process on tiny backbones of
a WordPiece, a SentencePiece and a byte-level BPE decoder family (fit with validation, early
stopping, calibration, gradient accumulation; evaluate; predict; save); every folder is then
loaded on the two other backends and must answer the same: probabilities within 1e-4, identical
labels, tags and entities. Folders saved by kerastl 0.1.0 before the backends work (in `data/`)
load on all three with the predictions they were saved with.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BACKENDS = ("tensorflow", "jax", "torch")
JOB = Path(__file__).with_name("matrix_job.py")
OLD_FOLDERS = Path(__file__).with_name("data") / "kerastl-0.1.0"
TASKS = ("classification", "pairs", "multilabel", "ner", "pos")

pytestmark = pytest.mark.xdist_group("backend-matrix")


def run_job(backend, mode, argument, output):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, str(JOB), mode, argument, str(output)], env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"{backend} {mode}:\n{done.stderr[-4000:]}"
    return json.loads((Path(output) / f"{mode}-results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """`{"trained": {backend: results}, "loaded": {(saved_on, loaded_on): results}}`."""
    from kerastl.testing import make_tiny_backbone

    root = tmp_path_factory.mktemp("backend-matrix")
    backbones = {family: str(make_tiny_backbone(root / family, family=family, num_layers=1))
                 for family in ("bert", "albert", "gpt2")}
    trained = {backend: run_job(backend, "train", json.dumps(backbones), root / backend) for backend in BACKENDS}
    loaded = {}
    for loaded_on in BACKENDS:  # one process per backend loads the folders of the two others
        folder_sets = {saved_on: {task: trained[saved_on][task]["folder"] for task in TASKS}
                       for saved_on in BACKENDS if saved_on != loaded_on}
        output = root / f"loaded-on-{loaded_on}"
        output.mkdir()
        results = run_job(loaded_on, "load", json.dumps(folder_sets), output)
        for saved_on in folder_sets:
            loaded[saved_on, loaded_on] = {**results[saved_on], "backend": results["backend"]}
    return {"trained": trained, "loaded": loaded}


def assert_same_answers(expected, actual, where):
    assert len(expected) == len(actual), where
    for one, other in zip(expected, actual):
        assert one.keys() == other.keys(), where
        if "probabilities" in one:
            assert one["label"] == other["label"], where
            assert one["probabilities"].keys() == other["probabilities"].keys(), where
            np.testing.assert_allclose([one["probabilities"][k] for k in sorted(one["probabilities"])],
                                       [other["probabilities"][k] for k in sorted(one["probabilities"])],
                                       atol=1e-4, err_msg=where)
        else:
            assert one["tags"] == other["tags"], where
            if "entities" in one:
                assert [e[:3] for e in one["entities"]] == [e[:3] for e in other["entities"]], where
                np.testing.assert_allclose([e[3] for e in one["entities"]], [e[3] for e in other["entities"]],
                                           atol=1e-4, err_msg=where)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("task", TASKS)
def test_every_task_trains_evaluates_and_saves_on_every_backend(matrix, backend, task):
    result = matrix["trained"][backend][task]
    assert matrix["trained"][backend]["backend"] == backend
    assert all(np.isfinite(result["loss"])), result["loss"]
    assert result["val_loss"] is not None and all(np.isfinite(result["val_loss"])), "validation loss each epoch"
    assert result["metrics"], "evaluate gave no metrics"
    assert len(result["answers"]) > 0
    if task in ("classification", "pairs", "multilabel", "ner"):
        assert result["calibration"], "calibration learned nothing on the validation outputs"


@pytest.mark.parametrize("saved_on, loaded_on", [(saved, loaded) for saved in BACKENDS for loaded in BACKENDS
                                                 if saved != loaded])
@pytest.mark.parametrize("task", TASKS)
def test_a_folder_saved_on_one_backend_answers_the_same_on_another(matrix, saved_on, loaded_on, task):
    loaded = matrix["loaded"][saved_on, loaded_on]
    assert loaded["backend"] == loaded_on
    assert_same_answers(matrix["trained"][saved_on][task]["answers"], loaded[task]["answers"],
                        f"{task}: saved on {saved_on}, loaded on {loaded_on}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_folders_of_the_previous_release_load_on_every_backend(backend, tmp_path):
    script = f"""
import json, kerastl
expected = json.load(open({str(OLD_FOLDERS / 'expected.json')!r}))
classification = kerastl.load({str(OLD_FOLDERS / 'classification')!r})
ner = kerastl.load({str(OLD_FOLDERS / 'ner')!r})
print(json.dumps({{
    "classification": [p.probabilities for p in classification.predict(["a wonderful film", "boring and slow"])],
    "ner": [[[e.type, e.start_char, e.end_char, e.score] for e in p.entities]
            for p in ner.predict(["Angela Merkel met John in Paris"])],
    "expected": expected}}))
"""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    expected = result["expected"]
    for got, want in zip(result["classification"], expected["classification"]):
        assert got.keys() == want.keys()
        np.testing.assert_allclose([got[k] for k in sorted(got)], [want[k] for k in sorted(want)], atol=1e-4)
    assert [[e[:3] for e in sentence] for sentence in result["ner"]] == \
        [[e[:3] for e in sentence] for sentence in expected["ner"]]
