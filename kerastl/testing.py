"""A public test harness: tiny random backbones and the round trips every task must pass.

Plugin authors test their task the way kerastl tests its own:

>>> from kerastl.testing import make_tiny_backbone, run_task_test
>>> backbone_dir = make_tiny_backbone(tmp_path / "tiny")  # doctest: +SKIP
>>> run_task_test(MyTask, backbone_dir, train=[...], inputs=["some text"], tmp_path=tmp_path)  # doctest: +SKIP
"""

from pathlib import Path

import numpy as np

#: Words of the tiny WordPiece vocabulary, enough to tokenize the test sentences of kerastl's
#: own tests (anything else becomes [UNK], which still exercises the code paths).
TINY_WORDS = (
    "the a an and or but not is was were be it this that of to in on for with at by from as "
    "good great fine bad awful dull movie film plot actor actors music story ending boring "
    "loved hated love hate wonderful terrible best worst really very quite so too i you we they "
    "he she his her their paris berlin london angela merkel met emmanuel macron john smith "
    "city man woman dog cat car bike riding red blue green house big small new old one two three "
    "sports politics science game team won lost vote election research study"
).split()

#: Eight labeled reviews the tiny vocabulary covers, for quick sentiment tests.
TOY_REVIEWS = [
    ("a wonderful film with great music", "positive"),
    ("the best movie i loved it", "positive"),
    ("really good story and a fine ending", "positive"),
    ("great actors and a wonderful plot", "positive"),
    ("an awful boring movie", "negative"),
    ("the worst film i hated it", "negative"),
    ("dull plot and terrible music", "negative"),
    ("bad actors and a boring ending", "negative"),
]


def make_tiny_backbone(folder, hidden_dim=16, num_layers=2, num_heads=2, intermediate_dim=32,
                       max_sequence_length=128, seed=0, lowercase=True):
    """Write a tiny random BERT backbone and its WordPiece tokenizer as a keras-hub preset.

    Args:
        folder: where the preset goes (created).
        hidden_dim, num_layers, num_heads, intermediate_dim, max_sequence_length: the size.
        seed: the initialization seed.
        lowercase: whether the tokenizer lowercases.

    Returns:
        The folder's `Path`; pass it as `backbone=` to any task.
    """
    import keras
    import keras_hub

    keras.utils.set_random_seed(seed)
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocabulary += sorted(set(TINY_WORDS))
    vocabulary += list(".,!?'\"-:;()") + [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz"]
    vocabulary += list("abcdefghijklmnopqrstuvwxyz0123456789")
    vocabulary = list(dict.fromkeys(vocabulary))
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=vocabulary, lowercase=lowercase)
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(vocabulary),
        num_layers=num_layers,
        num_heads=num_heads,
        hidden_dim=hidden_dim,
        intermediate_dim=intermediate_dim,
        max_sequence_length=max_sequence_length,
    )
    folder = Path(folder)
    backbone.save_to_preset(str(folder))
    tokenizer.save_to_preset(str(folder))
    return folder


def run_task_test(task_class, backbone, train, inputs, tmp_path, task_options=None, epochs=1, batch_size=4,
                  evaluate_on=None):
    """Check a task end to end: fit, evaluate, predict, save, load, predict the same.

    Args:
        task_class: the task class under test.
        backbone: a backbone folder (for example from `make_tiny_backbone`).
        train: training examples in any form the task reads.
        inputs: inputs for `predict`.
        tmp_path: a folder the saved model may be written to.
        task_options: extra constructor arguments.
        epochs, batch_size: for `fit`.
        evaluate_on: labeled data for `evaluate` (default: `train`).

    Returns:
        `(task, metrics, predictions)` for further assertions.
    """
    from kerastl import load

    task = task_class(backbone=str(backbone), **(task_options or {}))
    history = task.fit(train, epochs=epochs, batch_size=batch_size, verbose=0)
    losses = history.history["loss"]
    assert all(np.isfinite(losses)), f"training loss is not finite: {losses}"
    metrics = task.evaluate(evaluate_on if evaluate_on is not None else train)
    assert isinstance(metrics, dict) and metrics, "evaluate() must return a non-empty dict of metrics"
    predictions = task.predict(inputs)
    assert len(predictions) == len(inputs), "predict() must return one prediction per input"
    for prediction in predictions:
        assert isinstance(prediction.to_dict(), dict), "predictions need a to_dict() method"
    saved = Path(tmp_path) / f"{task_class.__name__}-saved"
    task.save(saved)
    reloaded = load(saved)
    assert type(reloaded) is type(task), f"load() gave a {type(reloaded).__name__}, not a {type(task).__name__}"
    assert reloaded.get_config() == task.get_config(), "the reloaded task's config differs"
    again = reloaded.predict(inputs)
    assert_predictions_close(predictions, again)
    return task, metrics, predictions


def assert_predictions_close(expected, actual, tolerance=1e-4):
    """Assert two lists of predictions agree: equal values, floats within `tolerance`."""
    assert len(expected) == len(actual)
    for left, right in zip(expected, actual):
        _assert_close(left.to_dict(), right.to_dict(), tolerance, path="prediction")


def _assert_close(left, right, tolerance, path):
    if isinstance(left, dict):
        assert isinstance(right, dict) and left.keys() == right.keys(), f"{path}: keys differ"
        for key in left:
            _assert_close(left[key], right[key], tolerance, f"{path}.{key}")
    elif isinstance(left, (list, tuple)):
        assert len(left) == len(right), f"{path}: lengths differ"
        for i, (a, b) in enumerate(zip(left, right)):
            _assert_close(a, b, tolerance, f"{path}[{i}]")
    elif isinstance(left, float):
        assert abs(left - right) <= tolerance, f"{path}: {left} != {right}"
    else:
        assert left == right, f"{path}: {left!r} != {right!r}"


def make_tiny_hugging_face_bert(folder, hidden_dim=8, num_layers=1, intermediate_dim=16, num_heads=2,
                                max_positions=64, seed=0):
    """Write a tiny random BERT in the Hugging Face layout (`config.json`, `model.safetensors`,
    `vocab.txt`), to test the Hugging Face folder path without a model hub.

    Returns:
        The folder's `Path`.
    """
    from safetensors.numpy import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocabulary = list(dict.fromkeys(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *TINY_WORDS]))
    (folder / "vocab.txt").write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(vocabulary),
        "hidden_size": hidden_dim, "num_hidden_layers": num_layers, "num_attention_heads": num_heads,
        "intermediate_size": intermediate_dim, "max_position_embeddings": max_positions,
        "type_vocab_size": 2, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "layer_norm_eps": 1e-12, "pad_token_id": 0,
    }
    import json

    (folder / "config.json").write_text(json.dumps(config, indent=2))
    tokens = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
              "mask_token": "[MASK]"}
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": True, "tokenizer_class": "BertTokenizer", **tokens}))
    (folder / "special_tokens_map.json").write_text(json.dumps(tokens))
    rng = np.random.default_rng(seed)

    def normal(*shape):
        return (rng.standard_normal(shape) * 0.02).astype("float32")

    tensors = {
        "embeddings.word_embeddings.weight": normal(len(vocabulary), hidden_dim),
        "embeddings.position_embeddings.weight": normal(max_positions, hidden_dim),
        "embeddings.token_type_embeddings.weight": normal(2, hidden_dim),
        "embeddings.LayerNorm.weight": np.ones(hidden_dim, "float32"),
        "embeddings.LayerNorm.bias": np.zeros(hidden_dim, "float32"),
        "pooler.dense.weight": normal(hidden_dim, hidden_dim),
        "pooler.dense.bias": np.zeros(hidden_dim, "float32"),
    }
    linear = {"attention.self.query": (hidden_dim, hidden_dim), "attention.self.key": (hidden_dim, hidden_dim),
              "attention.self.value": (hidden_dim, hidden_dim), "attention.output.dense": (hidden_dim, hidden_dim),
              "intermediate.dense": (intermediate_dim, hidden_dim), "output.dense": (hidden_dim, intermediate_dim)}
    for i in range(num_layers):
        prefix = f"encoder.layer.{i}."
        for name, (rows, columns) in linear.items():
            tensors[f"{prefix}{name}.weight"] = normal(rows, columns)
            tensors[f"{prefix}{name}.bias"] = np.zeros(rows, "float32")
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            tensors[f"{prefix}{norm}.weight"] = np.ones(hidden_dim, "float32")
            tensors[f"{prefix}{norm}.bias"] = np.zeros(hidden_dim, "float32")
    save_file(tensors, str(folder / "model.safetensors"))
    return folder
