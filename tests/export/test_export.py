"""Export for serving: a SavedModel that serves raw strings with TensorFlow alone."""

import json
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.errors import KerastlError
from kerastl.export import EXPORT_DESCRIPTION_FILE, export_task
from kerastl.tasks import SentimentTask, Task

TRAIN = [
    ("a wonderful film with great music", "positive"),
    ("the best movie i loved it", "positive"),
    ("an awful boring movie", "negative"),
    ("the worst film i hated it", "negative"),
]
TEXTS = ["a great film", "", "dull plot 😀 電影 and bad music", "film " * 400, "THE BEST MOVIE"]

# Runs in a fresh interpreter that never imports kerastl: TensorFlow (+ TF Text for WordPiece) only.
SERVE_WITHOUT_KERASTL = """
import json, sys
import tensorflow as tf
import tensorflow_text  # registers the WordPiece ops
serving = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
outputs = serving(texts=tf.constant(json.loads(sys.argv[2])))
result = {name: value.numpy().tolist() for name, value in outputs.items()}
result["label"] = [label.decode("utf-8") for label in result["label"]]
result["kerastl_imported"] = any(name.startswith("kerastl") for name in sys.modules)
print(json.dumps(result))
"""


def _serve_in_fresh_process(folder, texts):
    completed = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT_KERASTL, str(folder), json.dumps(texts)],
        capture_output=True, text=True, timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def saved_sentiment(tiny_backbone, tmp_path_factory):
    task = SentimentTask(str(tiny_backbone), max_length=32)
    task.fit(TRAIN, epochs=1, batch_size=2, verbose=0)
    folder = tmp_path_factory.mktemp("export") / "model"
    task.save(folder)
    return folder


def test_exported_sentiment_serves_like_predict_without_kerastl(saved_sentiment, tmp_path):
    result = CliRunner().invoke(cli, ["export", str(saved_sentiment), "--output", str(tmp_path / "serving")])
    assert result.exit_code == 0, result.output
    description = json.loads((tmp_path / "serving" / EXPORT_DESCRIPTION_FILE).read_text())
    assert description["inputs"] == {"texts": "string"} and description["labels"] == ["negative", "positive"]

    served = _serve_in_fresh_process(tmp_path / "serving", TEXTS)
    assert served["kerastl_imported"] is False
    expected = kerastl.load(saved_sentiment).predict(TEXTS)
    assert served["label"] == [p.label for p in expected]
    for row, prediction in zip(served["probabilities"], expected):
        assert np.allclose(row, [prediction.probabilities[name] for name in description["labels"]], atol=1e-5)
    assert np.allclose(served["score"], [p.score for p in expected], atol=1e-5)


def test_integer_labels_are_served_as_label_strings(tiny_backbone):
    task = SentimentTask(str(tiny_backbone), max_length=16)
    task.prepare(task.read([("great film", 2), ("fine film", 1), ("awful film", 0)]))  # builds, no training
    outputs = task.serving_function()(tf.constant(["great film", "awful"]))
    expected = [str(p.label) for p in task.predict(["great film", "awful"])]
    assert [label.decode() for label in outputs["label"].numpy()] == expected
    assert outputs["probabilities"].shape == (2, 3)
    assert task.serving_function()(tf.constant([], tf.string))["label"].shape == (0,)


def test_task_without_serving_function_is_a_clear_error(tmp_path):
    class NoServingTask(Task):
        name = "no-serving"

    task = NoServingTask()
    task.model = object()  # stands for a trained model: the missing hook is what is tested
    with pytest.raises(KerastlError, match="'no-serving' task does not support export"):
        export_task(task, tmp_path / "serving")
    assert not (tmp_path / "serving").exists()


def test_export_of_an_untrained_task_says_what_to_do(tiny_backbone, tmp_path):
    with pytest.raises(KerastlError, match="no model to export"):
        export_task(SentimentTask(str(tiny_backbone)), tmp_path / "serving")


def test_cli_export_of_a_missing_model_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nothing"), "--output", str(tmp_path / "serving")])
    assert result.exit_code == 1 and "No model folder" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "serving").exists()
