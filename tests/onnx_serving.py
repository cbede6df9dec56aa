"""What the ONNX tests share: serve export folders with their own runtime in a process where
importing TensorFlow, Keras, keras-hub or kerastl fails, and compare the answers with `predict`'s."""

import json
import subprocess
import sys

import numpy as np

# Serves each export folder given with its own kerastl_onnx.py, after making the heavy stacks unimportable.
SERVE_WITHOUT_TENSORFLOW = """
import json, sys
for name in ("tensorflow", "keras", "keras_hub", "kerastl", "tensorflow_text", "jax", "torch"):
    sys.modules[name] = None  # importing any of them now fails
request = json.loads(sys.argv[1])
answers = {}
for folder, texts in request.items():
    sys.path.insert(0, folder)
    sys.modules.pop("kerastl_onnx", None)
    import kerastl_onnx
    texts = [tuple(text) if isinstance(text, list) else text for text in texts]
    answers[folder] = kerastl_onnx.load(folder).predict(texts)
    sys.path.remove(folder)
print(json.dumps(answers))
"""


def serve(requests):
    """`{folder: texts}` -> `{folder: answers}`, from a process without TensorFlow or kerastl."""
    completed = subprocess.run([sys.executable, "-c", SERVE_WITHOUT_TENSORFLOW, json.dumps(requests)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def assert_same_answers(predicted, served):
    assert len(predicted) == len(served)
    for expected, actual in zip(predicted, served):
        if "entities" in expected:
            assert actual["words"] == expected["words"]
            assert actual["tags"] == expected["tags"]
            spans = ("type", "text", "start_word", "end_word", "start_char", "end_char")
            assert [[e[k] for k in spans] for e in actual["entities"]] == \
                   [[e[k] for k in spans] for e in expected["entities"]]
            np.testing.assert_allclose([e["score"] for e in actual["entities"]],
                                       [e["score"] for e in expected["entities"]], atol=1e-4)
            continue
        scores = "probabilities" if "probabilities" in expected else "scores"
        assert actual[scores].keys() == {str(name) for name in expected[scores]}
        np.testing.assert_allclose([actual[scores][str(name)] for name in expected[scores]],
                                   list(expected[scores].values()), atol=1e-5)
        if "label" in expected:
            assert actual["label"] == str(expected["label"])
            assert actual.get("text_pair") == expected.get("text_pair")
        else:
            assert actual["labels"] == [str(name) for name in expected["labels"]]
