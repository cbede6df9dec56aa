"""Training on the JAX and PyTorch backends, each in its own process (Keras picks its backend once, at import).

One script per backend fits NER with class weights in mixed bfloat16, sweeps the learning rate, checks the
refusals (oneDNN's TensorFlow-only rewrite; PyTorch distribution) and trains `kerastl train`'s way with
validation, early stopping, gradient accumulation and step checkpoints; a second run of that training is
killed with SIGKILL mid-epoch and resumed, and must end like the uninterrupted one (JAX compiles each
training step anew in every process: one script, not one per feature). On JAX, a fit over two
host devices (`keras.distribution.DataParallel`).
"""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from pausing_driver import DRIVER

from kerastl.testing import TOY_REVIEWS

BACKENDS = [pytest.param(name, marks=pytest.mark.skipif(importlib.util.find_spec(name) is None,
                                                        reason=f"{name} is not installed"))
            for name in ("jax", "torch")]

# argv: backbone, data folder, output folder. Prints one JSON line of facts.
FIT_SCRIPT = """
import json, sys
import keras, numpy as np
import kerastl
from kerastl.errors import KerastlError
from kerastl.runs.train import run_training
from kerastl.testing import TOY_REVIEWS
from kerastl.training import find_learning_rate, resolve_distribution

backbone, data, output = sys.argv[1:]
facts = {"backend": keras.backend.backend()}
ner = kerastl.get_task("ner")(backbone, max_length=16, class_weight="balanced", precision="mixed_bfloat16")
records = [{"words": ["john", "lives", "in", "paris"], "tags": ["B-PER", "O", "O", "B-LOC"]},
           {"words": ["mary", "loved", "the", "film"], "tags": ["B-PER", "O", "O", "O"]}] * 6
ner_history = ner.fit(records, validation=records[:2], epochs=1, batch_size=4, verbose=0)
facts["ner"] = {"loss": ner_history.history["loss"][-1], "class_weight": ner.class_weight,
                "compute_dtypes": sorted({layer.compute_dtype for layer in ner.model._flatten_layers()}),
                "entities": [e.type for e in ner.predict([{"words": ["john", "lives", "in", "paris"]}])[0].entities]}

sweep_task = kerastl.get_task("sentiment")(backbone, max_length=16)
sweep = find_learning_rate(sweep_task, TOY_REVIEWS * 3, steps=10, batch_size=2)
facts["sweep"] = {"steps": len(sweep.rates), "suggestion": sweep.suggestion}

refusals = {}
try:
    kerastl.get_task("sentiment")(backbone, max_length=16, precision="onednn_bfloat16").fit(TOY_REVIEWS, epochs=1,
                                                                                           verbose=0)
except KerastlError as error:
    refusals["onednn"] = str(error)
try:
    resolve_distribution("mirrored")
except KerastlError as error:
    refusals["mirrored"] = str(error)
facts["refusals"] = refusals

summary = run_training("sentiment", data + "/train.tsv", output, validation=data + "/dev.tsv",
                       task_options={"backbone": backbone, "max_length": 16}, learning_rate=1e-3, epochs=3,
                       batch_size=4, checkpoint_every=3, early_stopping_patience=1, accumulate_steps=2, verbose=0)
facts["run"] = {"backend": summary["backend"], "kept": summary["kept_epoch"]}
print(json.dumps(facts))
"""


# Two host devices: a sentiment fit with keras.distribution.DataParallel; an odd example count and
# validation set exercise the partial batches cut to a multiple of the devices.
DATA_PARALLEL_SCRIPT = """
import json, sys
import jax, keras, kerastl
from kerastl.testing import TOY_REVIEWS

task = kerastl.get_task("sentiment")(sys.argv[1], max_length=16, learning_rate=1e-3)
history = task.fit(TOY_REVIEWS * 3 + TOY_REVIEWS[:3], validation=TOY_REVIEWS[:5], epochs=2, batch_size=4, verbose=0,
                   distribution="mirrored")
weight = task.model.trainable_variables[0].value
print(json.dumps({"devices": len(jax.devices()), "weight_devices": len(weight.sharding.device_set),
                  "distribution": type(task.trainer.strategy).__name__, "history": history.history,
                  "label": task.predict(["a great film"])[0].label}))
"""


def _environment(backend, **extra):
    return {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "",
            **extra}


def _run(script, backend, *arguments, **environment):
    completed = subprocess.run([sys.executable, "-c", script, *map(str, arguments)], capture_output=True, text=True,
                               env=_environment(backend, **environment), timeout=400)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-5000:]
    return completed


@pytest.fixture()
def data(tmp_path):
    rows = [f"{text}\t{label}" for text, label in TOY_REVIEWS]
    rng = np.random.default_rng(0)
    train = [rows[i] for i in rng.permutation(len(rows))] * 3  # 24 examples: 6 steps an epoch
    (tmp_path / "train.tsv").write_text("sentence\tlabel\n" + "\n".join(train) + "\n", encoding="utf-8")
    (tmp_path / "dev.tsv").write_text("sentence\tlabel\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_sweep_refusals_and_a_killed_run_resumed(backend, data, tiny_backbone):
    whole = data / "whole"
    completed = _run(FIT_SCRIPT, backend, tiny_backbone, data, whole)
    facts = json.loads(completed.stdout.strip().splitlines()[-1])
    assert facts["backend"] == backend

    ner = facts["ner"]
    assert np.isfinite(ner["loss"]) and "bfloat16" in ner["compute_dtypes"]
    assert ner["class_weight"]["B-LOC"] > ner["class_weight"]["B-PER"]  # balanced: the rarer tag weighs more
    assert len(ner["entities"]) <= 4

    assert facts["sweep"]["steps"] == 10 and 1e-7 <= facts["sweep"]["suggestion"] <= 1.0

    onednn = facts["refusals"]["onednn"]
    assert "onednn_bfloat16" in onednn and "mixed_bfloat16" in onednn and backend in onednn and "\n" not in onednn
    if backend == "torch":
        mirrored = facts["refusals"]["mirrored"]
        assert "torch backend" in mirrored and "KERAS_BACKEND=jax" in mirrored and "\n" not in mirrored
    else:
        assert "mirrored" not in facts["refusals"]
    metrics = json.loads((whole / "metrics.json").read_text())
    assert facts["run"]["backend"] == metrics["backend"] == backend and metrics["accumulate_steps"] == 2
    epochs = len(metrics["history"]["loss"])
    kept = metrics["kept_epoch"]
    assert 2 <= epochs <= 3 and kept["metric"] == "accuracy" and kept["last_epoch"] == epochs
    assert kept["stopped_early"] == (epochs < 3) and all(np.isfinite(metrics["history"]["val_loss"]))

    # The same training, killed with SIGKILL at step 8 (after the epoch-end checkpoint of step 6), then resumed.
    resumed = data / "resumed"
    arguments = ["train", "sentiment", "--train", data / "train.tsv", "--validation", data / "dev.tsv",
                 "--backbone", tiny_backbone, "--output", resumed, "--epochs", "3", "--batch-size", "4",
                 "--checkpoint-every", "3", "--learning-rate", "1e-3", "--max-length", "16",
                 "--early-stopping-patience", "1", "--accumulate-steps", "2"]
    _kill_at_step(backend, 8, data / "ready", arguments)
    state = json.loads((resumed / "checkpoint" / "state.json").read_text())
    assert state["step"] == 6 and not (resumed / "metrics.json").exists()
    finished = _run(DRIVER, backend, *arguments)
    assert "Resuming from the checkpoint" in finished.stdout and "at step 6" in finished.stdout
    actual = json.loads((resumed / "metrics.json").read_text())
    assert actual["backend"] == backend
    assert actual["validation"]["accuracy"] == metrics["validation"]["accuracy"]
    assert actual["kept_epoch"] == metrics["kept_epoch"]
    np.testing.assert_allclose(actual["history"]["val_loss"], metrics["history"]["val_loss"], atol=1e-4)
    np.testing.assert_allclose(actual["history"]["loss"], metrics["history"]["loss"], atol=1e-4)
    assert not (resumed / "checkpoint").exists()


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
def test_jax_data_parallel_on_two_host_devices(tiny_backbone):
    completed = _run(DATA_PARALLEL_SCRIPT, "jax", tiny_backbone, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    facts = json.loads(completed.stdout.strip().splitlines()[-1])
    assert facts["devices"] == 2 and facts["weight_devices"] == 2 and facts["distribution"] == "DataParallel"
    assert len(facts["history"]["loss"]) == 2 and all(np.isfinite(facts["history"]["val_loss"]))
    assert facts["label"] in ("positive", "negative")


def _kill_at_step(backend, step, ready, arguments):
    """Run `kerastl train` until it pauses at `step` (it touches `ready`), then kill -9 it."""
    process = subprocess.Popen([sys.executable, "-c", DRIVER, "--pause-at-step", str(step), str(ready),
                                *map(str, arguments)], env=_environment(backend), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ready.exists(), f"the training never reached step {step}:\n{process.communicate(timeout=5)[0][-3000:]}"
    finally:
        process.send_signal(signal.SIGKILL)  # kill -9: no cleanup runs
        process.wait()
