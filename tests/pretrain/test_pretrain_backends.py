"""`pretrain` on JAX and PyTorch, and its presets loaded across backends (issue 29).

Keras' backend is chosen once per process, so each backend runs `pretrain_on_backend.py` in its
own: masked LM from scratch (WordPiece) stopped at a step and resumed from its checkpoint, causal
LM from scratch (SentencePiece), masked LM continued from a tiny backbone written by this process.
This process (TensorFlow unless told otherwise) then loads the three presets (the same backbone
outputs as on the backend that wrote them) and fine-tunes a sentiment task on one. The two tests
share nothing, so `pytest -n 2` runs them side by side.
"""

import json
import os
import random
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(find_spec("jax") is None or find_spec("torch") is None,
                                reason="needs jax and torch (pip install kerastl[jax,torch])")

SCRIPT = Path(__file__).with_name("pretrain_on_backend.py")
PRESETS = ("mlm", "clm", "from", "simcse")
#: Largest difference between backbone outputs of one preset on two backends.
TOLERANCE = 1e-4


def _write_corpus(path, lines=300):
    rng = random.Random(0)
    words = "the a quiet loud film movie scene cat dog was is good slow moving long short story actor music".split()
    path.write_text("".join(" ".join(rng.choice(words) for _ in range(rng.randint(5, 14))) + f" number {i}\n"
                            for i in range(lines)), encoding="utf-8")
    return path


def _run(backend, job, folder):
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if backend == "jax":
        # The resumed run compiles the same steps again: let it find them on disk. A test's tiny
        # steps need no optimized machine code: XLA compiles them a quarter faster without.
        environment.update(JAX_COMPILATION_CACHE_DIR=str(folder / "jax-cache"),
                           JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                           XLA_FLAGS="--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true")
    job_file, results_file = folder / f"{backend}-job.json", folder / f"{backend}-results.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    finished = subprocess.run([sys.executable, str(SCRIPT), str(job_file), str(results_file)], env=environment,
                              capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-5000:]
    results = json.loads(results_file.read_text(encoding="utf-8"))
    assert results["backend"] == backend
    return results


#: The preset each backend's test fine-tunes a task on here: an encoder and a decoder between them.
FINE_TUNED = {"jax": "mlm", "torch": "clm"}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_pretraining_runs_and_resumes_there_and_its_presets_load_here(backend, tiny_backbone, tmp_path):
    corpus = _write_corpus(tmp_path / "corpus.txt")
    results = _run(backend, {"work": str(tmp_path / backend), "corpus": str(corpus), "source": str(tiny_backbone)},
                   tmp_path)

    stopped, resumed = results["mlm"]["first"], results["mlm"]["second"]
    assert stopped["steps"] == 3 and stopped["stopped_by"] == "max_steps" and not stopped["complete"]
    assert results["mlm"]["resumed"] and "at step 3" in results["mlm"]["resumed"][0]
    assert resumed["steps"] == resumed["total_steps"] == 6 and resumed["complete"]
    assert 0 <= resumed["masked_token_accuracy"] <= 1 and resumed["vocabulary"] == "wordpiece"

    clm = results["clm"]
    assert clm["objective"] == "clm" and clm["vocabulary"] == "sentencepiece" and clm["complete"]
    assert clm["backbone_class"] == "GPT2Backbone" and 1 < clm["perplexity"] < float("inf")

    continued = results["from"]
    assert continued["objective"] == "mlm" and continued["complete"] and continued["steps"] == 4
    assert set(continued["held_out_before"]) == set(continued["held_out"]) == {"masked_token_accuracy",
                                                                               "masked_token_loss"}
    assert continued["held_out"]["masked_token_loss"] != continued["held_out_before"]["masked_token_loss"]
    assert continued["held_out_after_head_warmup"]["masked_token_loss"] != \
        continued["held_out_before"]["masked_token_loss"]  # the warm-up trained the head there
    simcse = results["simcse"]
    assert simcse["objective"] == "simcse" and simcse["complete"]
    # Two dropout passes differ on this backend too: the held-out loss is above its floor and moves.
    assert simcse["held_out"]["contrastive_loss"] != simcse["held_out_before"]["contrastive_loss"]
    assert results["mlm+simcse"]["complete"] and "combined_loss" in results["mlm+simcse"]["held_out"]
    assert "tensorflow" in results["distribution_error"] and "--strategy" in results["distribution_error"]

    # The presets on this process's backend: the same outputs, and a task fine-tunes on one.
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from pretrain_on_backend import OUTPUTS_FILE, backbone_outputs
    finally:
        sys.path.remove(str(SCRIPT.parent))
    from kerastl.tasks import SentimentTask

    for name in PRESETS:
        preset = tmp_path / backend / name
        expected = np.load(preset / OUTPUTS_FILE)["sequence_output"]
        assert np.max(np.abs(backbone_outputs(preset) - expected)) < TOLERANCE, name
    task = SentimentTask(str(tmp_path / backend / FINE_TUNED[backend]), max_length=16)
    task.fit([(f"the film was {word} {i}", label) for i in range(4) for word, label in (("good", "pos"),
                                                                                      ("slow", "neg"))],
             epochs=1, batch_size=4, verbose=0)
    assert task.predict(["the film was good"])[0].label in ("neg", "pos")
