"""`TextPreprocessor`: strings to a `BackboneEncoder`'s inputs as kerastl's tasks pack them; `.keras` files
with kerastl layers load after `import kerastl`."""

import subprocess
import sys

import keras
import numpy as np
import tensorflow as tf

from kerastl.backbones import load_backbone, load_tokenizer
from kerastl.layers import BackboneEncoder, ClassificationHead, TextPreprocessor, text_inputs
from kerastl.tasks import SentimentTask

TEXTS = ["a great film", "a dull, tiresome and far too long film with nothing in it", ""]


def test_the_inputs_are_those_a_task_builds_for_the_same_texts(tiny_backbone):
    preprocessor = TextPreprocessor.from_backbone(str(tiny_backbone), max_length=8)
    inputs = preprocessor(tf.constant(TEXTS))
    task = SentimentTask(str(tiny_backbone), max_length=8)
    task.tokenizer = load_tokenizer(str(tiny_backbone))
    rows = task.encode(task.read([(text, "a") for text in TEXTS]), with_targets=False)[0]["token_ids"]
    expected = rows.to_tensor(default_value=task.pad_id).numpy()
    assert inputs["token_ids"].numpy().tolist() == expected.tolist()
    assert inputs["padding_mask"].numpy().tolist() == (rows.to_tensor(default_value=-1).numpy() != -1).tolist()


def test_it_maps_a_dataset_with_a_prefix_and_a_fixed_length(tiny_backbone):
    preprocessor = TextPreprocessor.from_backbone(str(tiny_backbone), max_length=12, pad_to_max_length=True,
                                                  prefix="first_")
    dataset = tf.data.Dataset.from_tensor_slices((TEXTS, [1, 0, 1])).batch(2).map(lambda x, y: (preprocessor(x), y))
    features, _ = next(iter(dataset))
    assert sorted(features) == ["first_padding_mask", "first_token_ids"]
    assert features["first_token_ids"].shape == (2, 12)
    assert preprocessor.get_config()["max_length"] == 12 and preprocessor.get_config()["prefix"] == "first_"


def test_a_keras_file_with_kerastl_layers_loads_after_import_kerastl(tiny_backbone, tmp_path):
    backbone, tokenizer = load_backbone(str(tiny_backbone))
    inputs = text_inputs()
    logits = ClassificationHead(num_classes=2)(BackboneEncoder(backbone, pooling="mean")(inputs)["pooled_output"])
    model = keras.Model(inputs, logits)
    batch = TextPreprocessor(tokenizer, max_length=8)(tf.constant(TEXTS))
    expected = model.predict(batch, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    np.save(tmp_path / "token_ids.npy", batch["token_ids"].numpy())
    np.save(tmp_path / "padding_mask.npy", batch["padding_mask"].numpy())
    code = ("import sys, keras, numpy as np\nimport kerastl\n"
            "model = keras.saving.load_model(sys.argv[1])\n"
            "batch = {name: np.load(f'{sys.argv[2]}/{name}.npy') for name in ('token_ids', 'padding_mask')}\n"
            "np.save(f'{sys.argv[2]}/reloaded.npy', model.predict(batch, verbose=0))\n")
    completed = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path)], capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert np.allclose(np.load(tmp_path / "reloaded.npy"), expected, atol=1e-5)
