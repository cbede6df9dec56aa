"""Export for serving: a SavedModel that serves raw strings with TensorFlow alone."""

import numpy as np
import pytest
import tensorflow as tf
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.errors import KerastlError
from kerastl.export import export_task
from kerastl.tasks import SentimentTask, Task

TRAIN = [
    ("a wonderful film with great music", "positive"),
    ("the best movie i loved it", "positive"),
    ("an awful boring movie", "negative"),
    ("the worst film i hated it", "negative"),
]


@pytest.fixture(scope="module")
def saved_sentiment(tiny_backbone, tmp_path_factory):
    task = SentimentTask(str(tiny_backbone), max_length=32)
    task.fit(TRAIN, epochs=1, batch_size=2, verbose=0)
    folder = tmp_path_factory.mktemp("export") / "model"
    task.save(folder)
    return folder


def test_exported_sentiment_serves_like_predict_without_kerastl(saved_sentiment, export_and_serve, serving_texts):
    description, served = export_and_serve(saved_sentiment, serving_texts)
    assert description["inputs"] == {"texts": "string"} and description["labels"] == ["negative", "positive"]
    expected = kerastl.load(saved_sentiment).predict(serving_texts)
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
