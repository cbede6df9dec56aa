"""Every task on every keras-hub text family kerastl supports, end to end.

For each family (a tiny random preset with the family's real tokenizer kind) and each task:
fit, evaluate, predict, save, `kerastl.load`, the same predictions, a user's own seed call after
that (and a second `fit`), export, and the SavedModel served in a fresh process that imports only
tensorflow + tensorflow_text, equal to `predict`; the sentiment and NER models also exported as ONNX
and served by their runtime where importing TensorFlow fails, equal to `predict`. NER's character
offsets are checked exact on text with Korean, emoji and double spaces.
"""

import functools
import json
import subprocess
import sys

import keras
import numpy as np
import pytest

import kerastl
from kerastl.export import export_task
from kerastl.export.onnx import export_onnx
from kerastl.tasks import NerTask, SentimentTask, TranslationTask
from kerastl.testing import ENCODER_FAMILIES, TOY_REVIEWS, assert_predictions_close, make_tiny_backbone, run_task_test
from onnx_serving import assert_same_answers, serve

INPUTS = ["Angela  Merkel met 김민수 in Paris 🎬 !", "이 영화 정말 재미있어요", "the best movie", "a"]

NER_TRAIN = [
    (["Angela", "Merkel", "met", "김민수", "in", "Paris", "🎬"], ["B-PER", "I-PER", "O", "B-PER", "O", "B-LOC", "O"]),
    (["John", "Smith", "loved", "서울"], ["B-PER", "I-PER", "O", "B-LOC"]),
    (["berlin", "and", "london"], ["B-LOC", "O", "B-LOC"]),
    (["이순신", "장군은", "영웅이다"], ["B-PER", "O", "O"]),
]
TRANSLATION_TRAIN = [
    ("a good movie", "좋은 영화"), ("a bad movie", "나쁜 영화"), ("the city", "도시"), ("a big dog", "큰 개"),
    ("the man rides a bike", "남자가 자전거를 탄다"), ("i love cats", "나는 고양이를 좋아한다"),
]
TASKS = {
    "sentiment": (SentimentTask, TOY_REVIEWS + [("이 영화 정말 재미있어요", "positive"), ("최악의 영화였다", "negative")],
                  {}),
    "ner": (NerTask, NER_TRAIN, {"scheme": "iob2"}),
    "translation": (TranslationTask, TRANSLATION_TRAIN,
                    {"target_vocabulary_size": 200, "max_target_length": 12, "decoder_layers": 1}),
}

#: The tasks of `TASKS` the ONNX export covers.
ONNX_TASKS = ("sentiment", "ner")

SERVE_WITHOUT_KERASTL = """
import json, sys
import tensorflow as tf
import tensorflow_text  # the ops of tf-text tokenizers
results = []
for folder, texts in json.loads(sys.stdin.read()):
    outputs = tf.saved_model.load(folder).signatures["serving_default"](texts=tf.constant(texts))
    plain = lambda v: [plain(x) for x in v] if isinstance(v, list) else (v.decode() if isinstance(v, bytes) else v)
    results.append({name: plain(value.numpy().tolist()) for name, value in outputs.items()})
print(json.dumps({"results": results, "kerastl_imported": any(m.startswith("kerastl") for m in sys.modules)}))
"""


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """A function `(family) -> {task: outcome}` that runs every task on a family once, cached."""
    root = tmp_path_factory.mktemp("family-matrix")

    @functools.lru_cache(maxsize=None)
    def run_family(family):
        backbone = make_tiny_backbone(root / family / "backbone", family=family, num_layers=1)
        outcomes, exports = {}, []
        for task_name, (task_class, train, options) in TASKS.items():
            try:
                outcomes[task_name] = _run_task(task_class, backbone, train, options, root / family / task_name)
                exports.append((task_name, str(root / family / task_name / "export")))
            except Exception as error:  # reported by that task's own test
                outcomes[task_name] = error
        served = _serve([(folder, INPUTS) for _, folder in exports])
        for (task_name, _), outputs in zip(exports, served):
            outcomes[task_name]["served"] = outputs
        onnx_folders = {name: str(root / family / name / "onnx") for name in ONNX_TASKS
                        if not isinstance(outcomes.get(name), Exception)}
        onnx_served = serve({folder: INPUTS for folder in onnx_folders.values()}) if onnx_folders else {}
        for task_name, folder in onnx_folders.items():
            outcomes[task_name]["onnx_served"] = onnx_served[folder]
        return outcomes

    return run_family


def _run_task(task_class, backbone, train, options, folder):
    task, metrics, predictions = run_task_test(task_class, backbone, train=train, inputs=INPUTS, tmp_path=folder,
                                               task_options={"max_length": 24, **options}, epochs=2)
    loaded = kerastl.load(folder / f"{task_class.__name__}-saved")
    keras.utils.set_random_seed(1)  # a user's own seed call after `load` must not break the tokenizer
    assert_predictions_close(predictions, loaded.predict(INPUTS))
    if task_class is SentimentTask:  # a second `fit` (it seeds again), once per family
        assert np.all(np.isfinite(task.fit(train, epochs=1, batch_size=4, verbose=0).history["loss"]))
    export_task(loaded, folder / "export")
    if folder.name in ONNX_TASKS:  # the folder is named after the task's key in TASKS
        export_onnx(loaded, folder / "onnx")
    return {"task": loaded, "metrics": metrics, "predictions": predictions}


def _serve(jobs):
    if not jobs:
        return []
    completed = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT_KERASTL], input=json.dumps(jobs), capture_output=True, text=True,
        timeout=600, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    assert answer["kerastl_imported"] is False
    return answer["results"]


#: One `xdist_group` per family: its three tests share one run of `matrix`, so one worker runs them.
FAMILIES = [pytest.param(family, marks=pytest.mark.xdist_group(f"family-matrix-{family}"))
            for family in ENCODER_FAMILIES]


def _outcome(matrix, family, task_name):
    outcome = matrix(family)[task_name]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@pytest.mark.parametrize("family", FAMILIES)
def test_sentiment(matrix, family):
    outcome = _outcome(matrix, family, "sentiment")
    assert set(outcome["metrics"]) >= {"accuracy", "macro_f1"}
    served, predictions = outcome["served"], outcome["predictions"]
    assert served["label"] == [p.label for p in predictions]
    names = list(predictions[0].probabilities)
    expected = [[p.probabilities[name] for name in names] for p in predictions]
    assert np.allclose(served["probabilities"], expected, atol=1e-5)
    assert_same_answers([p.to_dict() for p in predictions], outcome["onnx_served"])


@pytest.mark.parametrize("family", FAMILIES)
def test_ner(matrix, family):
    outcome = _outcome(matrix, family, "ner")
    assert {"precision", "recall", "f1"} <= set(outcome["metrics"])
    served, predictions = outcome["served"], outcome["predictions"]
    assert sum(len(p.entities) for p in predictions) > 0, "nothing to compare: no entity was predicted"
    for row, (text, prediction) in enumerate(zip(INPUTS, predictions)):
        for entity in prediction.entities:
            assert text[entity.start_char : entity.end_char] == entity.text
        count = served["entity_count"][row]
        found = [tuple(served[name][row][i] for name in ("entity_type", "entity_text", "entity_start", "entity_end"))
                 for i in range(count)]
        assert found == [(e.type, e.text, e.start_char, e.end_char) for e in prediction.entities]
    assert_same_answers([p.to_dict() for p in predictions], outcome["onnx_served"])


@pytest.mark.parametrize("family", FAMILIES)
def test_translation(matrix, family):
    outcome = _outcome(matrix, family, "translation")
    assert {"bleu", "chrf"} <= set(outcome["metrics"])
    assert outcome["served"]["translation"] == [p.translation for p in outcome["predictions"]]
