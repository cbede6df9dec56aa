"""`kerastl export MODEL --format keras-hub`: keras-hub loads the fine-tuned backbone, or the whole
classifier where its `TextClassifier` has the model's head, without kerastl."""

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.layers import BackboneEncoder
from kerastl.tasks import SentimentTask

TRAIN = [("a great film", "positive"), ("a dull film", "negative")] * 4

#: Runs without kerastl: keras-hub loads the preset; its outputs for the ids in argv[2] go to argv[3].
LOAD_WITHOUT_KERASTL = """
import sys, numpy as np, keras_hub
backbone = keras_hub.models.Backbone.from_preset(sys.argv[1])
tokenizer = keras_hub.tokenizers.Tokenizer.from_preset(sys.argv[1])
ids = np.load(sys.argv[2])
outputs = backbone({"token_ids": ids, "padding_mask": ids != 0, "segment_ids": np.zeros_like(ids)})
np.save(sys.argv[3], np.asarray(outputs["sequence_output"]))
print(np.asarray(tokenizer(["a great film"])[0]).tolist())
assert not any(name.startswith("kerastl") for name in sys.modules)
"""


def test_keras_hub_loads_the_fine_tuned_backbone_and_tokenizer_without_kerastl(tiny_backbone, tmp_path):
    task = SentimentTask(str(tiny_backbone), max_length=16, learning_rate=1e-2)
    task.fit(TRAIN, epochs=1, batch_size=4, verbose=0)
    task.save(tmp_path / "model")
    refused = CliRunner().invoke(cli, ["export", str(tmp_path / "model"), "--format", "keras-hub",
                                       "--output", str(tmp_path / "preset")])
    assert refused.exit_code == 1 and "it pools with 'mean'" in refused.output
    assert "--set task.pooling=pooler" in refused.output and not (tmp_path / "preset").exists()
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "model"), "--format", "keras-hub", "--backbone-only",
                                      "--output", str(tmp_path / "preset")])
    assert result.exit_code == 0, result.output
    facts = json.loads((tmp_path / "preset" / "kerastl_preset.json").read_text())
    assert facts["labels"] == ["negative", "positive"] and facts["task"] == "classification"
    assert facts["text_classifier"] is None

    encoder = next(layer for layer in kerastl.load(tmp_path / "model").model.layers
                   if isinstance(layer, BackboneEncoder))
    ids = np.array([[2, 5, 6, 7, 3, 0]], dtype="int32")
    expected = np.asarray(encoder.backbone({"token_ids": ids, "padding_mask": ids != 0,
                                            "segment_ids": np.zeros_like(ids)})["sequence_output"])
    np.save(tmp_path / "ids.npy", ids)
    completed = subprocess.run([sys.executable, "-c", LOAD_WITHOUT_KERASTL, str(tmp_path / "preset"),
                                str(tmp_path / "ids.npy"), str(tmp_path / "out.npy")],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert np.allclose(np.load(tmp_path / "out.npy"), expected, atol=1e-5)
    assert completed.stdout.strip().splitlines()[-1] == str(np.asarray(task.tokenizer(["a great film"])[0]).tolist())


def test_a_lora_model_is_one_clear_line_and_writes_nothing(tiny_backbone, tmp_path):
    task = SentimentTask(str(tiny_backbone), max_length=16, lora_rank=2)
    task.prepare(task.read(TRAIN))
    task.save(tmp_path / "model")
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "model"), "--format", "keras-hub",
                                      "--output", str(tmp_path / "preset")])
    assert result.exit_code == 1 and "trained with LoRA adapters" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "preset").exists()


#: Runs without kerastl: keras-hub's TextClassifier.from_preset answers the texts of argv[2] (logits, as JSON).
CLASSIFY_WITHOUT_KERASTL = """
import json, sys
sys.modules["kerastl"] = None
import numpy as np, keras_hub
classifier = keras_hub.models.TextClassifier.from_preset(sys.argv[1])
print(json.dumps({"class": type(classifier).__name__,
                  "logits": np.asarray(classifier.predict(json.loads(sys.argv[2]), verbose=0)).tolist()}))
"""


@pytest.mark.parametrize("family", ["bert", "albert"])
def test_a_pooler_classifier_is_a_whole_keras_hub_text_classifier(family, tiny_family_backbone, tmp_path):
    task = SentimentTask(str(tiny_family_backbone(family)), max_length=16, pooling="pooler", learning_rate=1e-2)
    task.fit(TRAIN, epochs=2, batch_size=4, verbose=0)
    task.temperature = 1.7
    task.save(tmp_path / "model")
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "model"), "--format", "keras-hub",
                                      "--output", str(tmp_path / "preset")])
    assert result.exit_code == 0, result.output
    facts = json.loads((tmp_path / "preset" / "kerastl_preset.json").read_text())
    assert facts["text_classifier"] == f"{type(task.tokenizer).__name__.replace('Tokenizer', '')}TextClassifier"
    texts = ["a great film", "a dull film", "dull plot 😀 電影 and bad music " * 5]
    completed = subprocess.run([sys.executable, "-c", CLASSIFY_WITHOUT_KERASTL, str(tmp_path / "preset"),
                                json.dumps(texts)], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    served = json.loads(completed.stdout.strip().splitlines()[-1])
    assert served["class"] == facts["text_classifier"]
    logits = np.asarray(served["logits"]) / facts["temperature"]
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    expected = [[p.probabilities[name] for name in facts["labels"]] for p in task.predict(texts)]
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)
    assert len({round(p[0], 6) for p in expected}) > 1  # the texts get different answers to compare


def test_a_head_keras_hub_cannot_express_names_what_to_do(tiny_family_backbone, tmp_path):
    from kerastl.errors import KerastlError
    from kerastl.export.keras_hub_preset import export_keras_hub_preset

    task = SentimentTask(str(tiny_family_backbone("roberta")), max_length=16, pooling="cls")
    task.prepare(task.read(TRAIN))
    with pytest.raises(KerastlError, match="no training option for keras-hub's RobertaBackbone classifier head"):
        export_keras_hub_preset(task, tmp_path / "preset")
    assert not (tmp_path / "preset").exists()
    facts = export_keras_hub_preset(task, tmp_path / "preset", backbone_only=True)
    assert facts["text_classifier"] is None and (tmp_path / "preset" / "config.json").is_file()
    with pytest.raises(ValueError, match="RobertaBackbone does not have"):
        SentimentTask(str(tiny_family_backbone("roberta")), pooling="pooler").prepare(task.read(TRAIN))
