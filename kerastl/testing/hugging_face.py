"""Tiny random models in the Hugging Face folder layout, to test that path without a model hub."""

import json
from pathlib import Path

import numpy as np

from kerastl.testing.tiny_tokenizers import TINY_WORDS


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
