"""Translation on every Keras backend: a folder trained and saved on one backend translates the
same (greedy and beam search, warm-started and seq2seq) when loaded on the other two.

Each backend runs in its own process (`KERAS_BACKEND` is read once, at Keras' import): one
trains and saves both models, the two others load and translate them side by side.
"""

import json
import os
import subprocess
import sys

import pytest

BACKENDS = ("tensorflow", "jax", "torch")
#: The backend that trains: PyTorch's first step has nothing to compile, the quickest fit here.
TRAINING_BACKEND = "torch"
BEAMS = (1, 3)

SCRIPT = r'''
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import kerastl
from kerastl.tasks import TranslationTask

mode, folder, results = sys.argv[1], sys.argv[2], sys.argv[3]
backbones = json.loads(sys.argv[4])
pairs = [("a man rides a bike", "ein Mann fährt Rad"), ("a dog runs", "ein Hund rennt"),
         ("the red car", "das rote Auto"), ("a woman sings", "eine Frau singt")]
sources = [source for source, _ in pairs] + ["a red dog rides", "the woman"]
translations = {"backend": keras.backend.backend()}
for name, (backbone, learning_rate) in backbones.items():
    path = os.path.join(folder, name)
    try:
        if mode == "train":
            task = TranslationTask(backbone, max_length=16, max_target_length=10, decoder_layers=1,
                                   decoder_heads=2, target_vocabulary_size=100, learning_rate=learning_rate,
                                   warmup_ratio=0.0)
            task.fit(pairs * 2, epochs=1, batch_size=4, verbose=0)
            task.save(path)
        else:
            task = kerastl.load(path)
        translations[name] = {}
        for beams in (1, 3):
            task.num_beams = beams
            translations[name][beams] = [[p.translation, p.tokens] for p in task.predict(sources)]
    except Exception as error:  # reported per model, so one model's failure does not hide the other's result
        translations[name] = f"{type(error).__name__}: {error}"[:2000]
with open(results, "w") as file:
    json.dump(translations, file)
'''


def _start(script, backend, mode, folder, results, backbones):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.Popen([sys.executable, str(script), mode, str(folder), str(results), json.dumps(backbones)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(process, results):
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-4000:]
    return json.loads(results.read_text())


@pytest.fixture(scope="module")
def translations(tiny_backbone, tiny_family_backbone, tmp_path_factory):
    """`{backend: {"backend": its name, model: {beams: [[translation, tokens], ...]} or an error}}`:
    both models trained and saved on `TRAINING_BACKEND`, loaded on the others."""
    root = tmp_path_factory.mktemp("backends")
    script = root / "translate.py"
    script.write_text(SCRIPT)
    # Learning rates at which one epoch leaves each tiny model writing tokens (not at once its end).
    backbones = {"warm-started": [str(tiny_backbone), 1e-2], "bart": [str(tiny_family_backbone("bart")), 3e-4]}
    folder = root / "models"
    results = {TRAINING_BACKEND: _finish(_start(script, TRAINING_BACKEND, "train", folder, root / "trained.json",
                                                backbones), root / "trained.json")}
    processes = {backend: _start(script, backend, "load", folder, root / f"{backend}.json", backbones)
                 for backend in BACKENDS if backend != TRAINING_BACKEND}
    results.update({backend: _finish(process, root / f"{backend}.json") for backend, process in processes.items()})
    return results


def test_each_process_runs_the_backend_it_was_given(translations):
    assert {backend: result["backend"] for backend, result in translations.items()} == {b: b for b in BACKENDS}


def _same_on_every_backend(translations, model):
    trained = translations[TRAINING_BACKEND][model]
    assert isinstance(trained, dict), trained
    assert sorted(trained) == [str(beams) for beams in BEAMS]
    for backend, result in translations.items():
        assert result[model] == trained, f"{model} saved on {TRAINING_BACKEND}, loaded on {backend}"
    return trained


def test_a_warm_started_translator_saved_on_one_backend_translates_the_same_on_the_others(translations):
    trained = _same_on_every_backend(translations, "warm-started")
    assert any(tokens for _, tokens in trained["1"])


def test_a_seq2seq_translator_saved_on_one_backend_translates_the_same_on_the_others(translations):
    trained = _same_on_every_backend(translations, "bart")
    assert any(tokens for _, tokens in trained["1"])
