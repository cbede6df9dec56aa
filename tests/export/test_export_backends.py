"""Export from a model trained on JAX or PyTorch: the string-in SavedModel, served by TensorFlow and
TF Text alone, and the ONNX folder, served by its runtime without TensorFlow, answer as that backend's
`predict` does.

Each backend runs in a process of its own (Keras picks its backend once, at import): it trains a
sentiment and an NER model on a tiny backbone, predicts, and exports the first with
`kerastl.export.export_task` and `kerastl.export.onnx.export_onnx`, the second with `kerastl --backend
NAME export` (SavedModel and `--format onnx`): each hands the export to a TensorFlow process. A third
process, which imports TensorFlow and TF Text only, serves both SavedModels; a fourth, where importing
TensorFlow fails, serves both ONNX folders.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

# Trains, predicts and exports on the backend of KERAS_BACKEND; prints the predictions and exports.
TRAIN_AND_EXPORT = """
import json, logging, sys
from pathlib import Path

import keras
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.export import export_task
from kerastl.export.onnx import export_onnx
from kerastl.tasks import NerTask, SentimentTask
from kerastl.testing import TOY_REVIEWS, make_tiny_backbone

root, texts = Path(sys.argv[1]), json.loads(sys.argv[2])
NER_TRAIN = [
    (["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
     ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O"]),
    (["John", "Smith", "was", "in", "Berlin"], ["B-PER", "I-PER", "O", "O", "B-LOC"]),
]
logged = []
handler = logging.Handler()
handler.emit = lambda record: logged.append(record.getMessage())
logging.getLogger("kerastl").addHandler(handler)
logging.getLogger("kerastl").setLevel(logging.INFO)

backbone = make_tiny_backbone(root / "backbone")
sentiment = SentimentTask(str(backbone), max_length=32)
sentiment.fit(TOY_REVIEWS, epochs=1, batch_size=4, verbose=0)
ner = NerTask(str(backbone), scheme="iob2", max_length=16)
ner.fit(NER_TRAIN, epochs=1, batch_size=2, verbose=0)

results = {"backend": keras.backend.backend()}
results["sentiment"] = {"predictions": [p.to_dict() for p in sentiment.predict(texts)],
                        "export": export_task(sentiment, root / "sentiment-serving")}
export_onnx(sentiment, root / "sentiment-onnx")
ner.save(root / "ner")
for output, options in (("ner-serving", []), ("ner-onnx", ["--format", "onnx"])):
    command = CliRunner().invoke(cli, ["--backend", results["backend"], "export", str(root / "ner"),
                                       "--output", str(root / output), *options])
    assert command.exit_code == 0, command.output
results["ner"] = {"predictions": [p.to_dict() for p in ner.predict(texts)],
                  "export": json.loads((root / "ner-serving/assets.extra/kerastl_export.json").read_text())}
results["logged"] = logged
print(json.dumps(results))
"""

# Serves each SavedModel given in a process that imports TensorFlow and TF Text, never kerastl.
SERVE = """
import json, sys
import tensorflow as tf
import tensorflow_text  # registers the WordPiece and regex-split ops

def plain(value):
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value.decode("utf-8") if isinstance(value, bytes) else value

texts = tf.constant(json.loads(sys.argv[1]))
served = {}
for folder in sys.argv[2:]:
    outputs = tf.saved_model.load(folder).signatures["serving_default"](texts=texts)
    served[folder] = {name: plain(value.numpy().tolist()) for name, value in outputs.items()}
served["kerastl_imported"] = any(name.startswith("kerastl") for name in sys.modules)
print(json.dumps(served))
"""

#: Plain, empty, emoji and CJK, a text NER reads in several windows, upper case.
TEXTS = [
    "Angela Merkel met Emmanuel Macron in Paris.",
    "",
    "dull plot 😀 電影 and bad music",
    "john smith met angela merkel in paris . " * 20,
    "THE BEST MOVIE",
]


def _run(arguments, environment, timeout=300):
    completed = subprocess.run([sys.executable, "-c", *arguments], capture_output=True, text=True, env=environment,
                               timeout=timeout)
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_a_model_trained_on_the_backend_exports_and_serves_like_its_predict(backend, tmp_path):
    pytest.importorskip(backend)
    environment = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    trained = _run([TRAIN_AND_EXPORT, str(tmp_path), json.dumps(TEXTS)], environment)
    assert trained["backend"] == backend
    assert f"kerastl: Keras backend {backend}; the export runs in a TensorFlow process" in trained["logged"]

    sentiment_folder, ner_folder = str(tmp_path / "sentiment-serving"), str(tmp_path / "ner-serving")
    plain_tensorflow = {"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"}
    served = _run([SERVE, json.dumps(TEXTS), sentiment_folder, ner_folder], plain_tensorflow)
    assert served.pop("kerastl_imported") is False

    labels = trained["sentiment"]["export"]["labels"]
    expected = trained["sentiment"]["predictions"]
    assert served[sentiment_folder]["label"] == [p["label"] for p in expected]
    assert np.allclose(served[sentiment_folder]["probabilities"],
                       [[p["probabilities"][label] for label in labels] for p in expected], atol=1e-4, rtol=0)
    assert np.allclose(served[sentiment_folder]["score"], [p["score"] for p in expected], atol=1e-4, rtol=0)

    entities = served[ner_folder]
    found_any = False
    for row, prediction in enumerate(trained["ner"]["predictions"]):
        count = entities["entity_count"][row]
        found = [tuple(entities[name][row][i] for name in ("entity_type", "entity_text", "entity_start", "entity_end"))
                 for i in range(count)]
        assert found == [(e["type"], e["text"], e["start_char"], e["end_char"]) for e in prediction["entities"]]
        assert np.allclose(entities["entity_score"][row][:count], [e["score"] for e in prediction["entities"]],
                           atol=1e-4, rtol=0)
        found_any = found_any or count > 0
    assert found_any, "the comparison needs entities: the tiny model found none"

    from onnx_serving import assert_same_answers, serve

    onnx_folders = {str(tmp_path / "sentiment-onnx"): "sentiment", str(tmp_path / "ner-onnx"): "ner"}
    served = serve({folder: TEXTS for folder in onnx_folders})
    for folder, task in onnx_folders.items():
        assert_same_answers(trained[task]["predictions"], served[folder])


def test_the_tensorflow_process_raises_the_error_of_an_export_in_this_process(tmp_path):
    import kerastl
    from kerastl.errors import ModelLoadError
    from kerastl.export.tensorflow_process import export_folder_in_tensorflow

    with pytest.raises(ModelLoadError) as in_this_process:
        kerastl.load(tmp_path / "nothing")
    with pytest.raises(ModelLoadError) as in_a_child:
        export_folder_in_tensorflow(tmp_path / "nothing", tmp_path / "serving", kerastl.Task)
    assert str(in_a_child.value) == str(in_this_process.value)
    assert not (tmp_path / "serving").exists()
