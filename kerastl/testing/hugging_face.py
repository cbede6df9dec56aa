"""Tiny random models in the Hugging Face folder layout, to test that path without a model hub.

`make_tiny_hugging_face_folder` writes what `save_pretrained` writes for a text model of one
family: `config.json`, `model.safetensors` with the tensor names and shapes of the Hub's
checkpoints, and the family's tokenizer files (`vocab.txt`; `vocab.json` + `merges.txt`; or a
SentencePiece model), with `tokenizer_config.json` and `special_tokens_map.json`. The
vocabularies are learned by `kerastl.testing.tiny_tokenizers`, as for `make_tiny_backbone`.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kerastl.testing import tiny_tokenizers
from kerastl.testing.tiny_backbones import FAMILIES

_BERT_TOKENS = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                "mask_token": "[MASK]"}
_ROBERTA_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                   "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
_ALBERT_TOKENS = {"bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": "<unk>", "sep_token": "[SEP]",
                  "pad_token": "<pad>", "cls_token": "[CLS]", "mask_token": "[MASK]"}
_GPT2_TOKENS = {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}
_GEMMA_TOKENS = {"bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"}


@dataclass(frozen=True)
class HuggingFaceFamily:
    """How Transformers names one family on disk.

    Args:
        name: the family's name in kerastl (a key of `kerastl.testing.FAMILIES`).
        model_type: `config.json`'s `model_type` (`"xlm-roberta"`).
        architecture: `config.json`'s `architectures[0]` (`"XLMRobertaForMaskedLM"`).
        tokenizer_class: `tokenizer_config.json`'s `tokenizer_class`.
        special_tokens: `special_tokens_map.json`.
        sentence_piece_file: the SentencePiece model's file name, for SentencePiece families.
        tokenizer_options: more `tokenizer_config.json` entries (`do_lower_case`, ...).
    """

    name: str
    model_type: str
    architecture: str
    tokenizer_class: str
    special_tokens: dict
    sentence_piece_file: str = ""
    tokenizer_options: tuple = ()


#: The families whose Hugging Face folders keras-hub converts, as `make_tiny_hugging_face_folder` writes them.
HUGGING_FACE_FAMILIES = {
    family.name: family
    for family in (
        HuggingFaceFamily("bert", "bert", "BertModel", "BertTokenizer", _BERT_TOKENS,
                          tokenizer_options=(("do_lower_case", True),)),
        HuggingFaceFamily("distil_bert", "distilbert", "DistilBertForMaskedLM", "DistilBertTokenizer", _BERT_TOKENS,
                          tokenizer_options=(("do_lower_case", True),)),
        HuggingFaceFamily("roberta", "roberta", "RobertaForMaskedLM", "RobertaTokenizer", _ROBERTA_TOKENS,
                          tokenizer_options=(("add_prefix_space", False), ("errors", "replace"))),
        HuggingFaceFamily("xlm_roberta", "xlm-roberta", "XLMRobertaForMaskedLM", "XLMRobertaTokenizer",
                          _ROBERTA_TOKENS, sentence_piece_file="sentencepiece.bpe.model"),
        HuggingFaceFamily("albert", "albert", "AlbertForMaskedLM", "AlbertTokenizer", _ALBERT_TOKENS,
                          sentence_piece_file="spiece.model",
                          tokenizer_options=(("do_lower_case", True), ("keep_accents", False),
                                             ("remove_space", True))),
        HuggingFaceFamily("gpt2", "gpt2", "GPT2LMHeadModel", "GPT2Tokenizer", _GPT2_TOKENS,
                          tokenizer_options=(("add_prefix_space", False),)),
        HuggingFaceFamily("gemma", "gemma", "GemmaForCausalLM", "GemmaTokenizer", _GEMMA_TOKENS,
                          sentence_piece_file="tokenizer.model",
                          tokenizer_options=(("add_bos_token", True), ("add_eos_token", False))),
        HuggingFaceFamily("bart", "bart", "BartModel", "BartTokenizer", _ROBERTA_TOKENS,
                          tokenizer_options=(("add_prefix_space", False), ("errors", "replace"))),
    )
}


@dataclass(frozen=True)
class _Sizes:
    vocabulary: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    positions: int


class _Tensors(dict):
    """Tensor name -> array, filled the way a freshly initialized Transformers model is."""

    def __init__(self, seed):
        super().__init__()
        self._rng = np.random.default_rng(seed)

    def normal(self, name, *shape):
        self[name] = (self._rng.standard_normal(shape) * 0.02).astype("float32")

    def linear(self, name, rows, columns, bias=True):
        self.normal(f"{name}.weight", rows, columns)
        if bias:
            self[f"{name}.bias"] = np.zeros(rows, "float32")

    def layer_norm(self, name, dim, bias=True):
        self[f"{name}.weight"] = np.ones(dim, "float32")
        if bias:
            self[f"{name}.bias"] = np.zeros(dim, "float32")


def make_tiny_hugging_face_folder(folder, family, hidden_dim=8, num_layers=1, num_heads=2, intermediate_dim=16,
                                  max_positions=64, seed=0):
    """Write a tiny random text model of `family` in the Hugging Face folder layout.

    The folder holds `config.json` (the family's `model_type`, `architectures` and sizes),
    `model.safetensors` (the tensors keras-hub's converter reads, named as on the Hub) and the
    family's tokenizer files as Transformers writes them, with a vocabulary learned from
    English, Korean and emoji: `vocab.txt` (BERT, DistilBERT), `vocab.json` + `merges.txt`
    (RoBERTa, GPT-2, BART), `sentencepiece.bpe.model` (XLM-RoBERTa), `spiece.model` (ALBERT) or
    `tokenizer.model` (Gemma), plus `tokenizer_config.json` and `special_tokens_map.json`.

    Args:
        folder: where the model goes (created).
        family: a key of `HUGGING_FACE_FAMILIES`.
        hidden_dim, num_layers, num_heads, intermediate_dim: the size (GPT-2 uses 4 x
            `hidden_dim` as its feed-forward width, as Transformers does by default).
        max_positions: the longest sequence the position embeddings cover.
        seed: the initialization seed.

    Returns:
        The folder's `Path`; pass it as `backbone=` to a task (BART, an encoder-decoder, suits
        `TranslationTask` only).

    Raises:
        ValueError: for a family this function cannot write.

    Example:

    >>> from kerastl.testing.hugging_face import make_tiny_hugging_face_folder
    >>> folder = make_tiny_hugging_face_folder(tmp_path / "tiny-gpt2", "gpt2")  # doctest: +SKIP
    """
    from safetensors.numpy import save_file

    if family not in HUGGING_FACE_FAMILIES:
        raise ValueError(f"`family` must be one of {sorted(HUGGING_FACE_FAMILIES)}. Received: family={family!r}")
    spec = HUGGING_FACE_FAMILIES[family]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocabulary_size = _write_tokenizer(folder, spec)
    sizes = _Sizes(vocabulary_size, hidden_dim, num_layers, num_heads, intermediate_dim, max_positions)
    tensors = _Tensors(seed)
    config = _LAYOUTS[family](sizes, tensors)
    config = {"architectures": [spec.architecture], "model_type": spec.model_type, **config,
              "vocab_size": vocabulary_size, "torch_dtype": "float32"}
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    save_file(dict(tensors), str(folder / "model.safetensors"), metadata={"format": "pt"})
    return folder


def make_tiny_hugging_face_bert(folder, hidden_dim=8, num_layers=1, intermediate_dim=16, num_heads=2,
                                max_positions=64, seed=0):
    """Write a tiny random BERT in the Hugging Face layout (`config.json`, `model.safetensors`,
    `vocab.txt`), to test the Hugging Face folder path without a model hub.

    Returns:
        The folder's `Path` (see `make_tiny_hugging_face_folder`).
    """
    return make_tiny_hugging_face_folder(folder, "bert", hidden_dim=hidden_dim, num_layers=num_layers,
                                         num_heads=num_heads, intermediate_dim=intermediate_dim,
                                         max_positions=max_positions, seed=seed)


def _write_tokenizer(folder, spec):
    """Write the family's tokenizer files and return the vocabulary size the model must cover."""
    tiny = FAMILIES[spec.name]
    if tiny.tokenizer_kind == "wordpiece":
        vocabulary = tiny_tokenizers.word_piece_vocabulary(tiny.special_tokens)
        (folder / "vocab.txt").write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
        size = len(vocabulary)
    elif tiny.tokenizer_kind == "bpe":
        vocabulary, merges = tiny_tokenizers.byte_pair_vocabulary(tiny.special_tokens)
        for token in tiny.trailing_special_tokens:
            vocabulary[token] = len(vocabulary)
        (folder / "vocab.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
        (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
        size = len(vocabulary)
    else:
        proto = tiny_tokenizers.sentence_piece_proto(**dict(tiny.proto_options))
        (folder / spec.sentence_piece_file).write_bytes(proto)
        size = _sentence_piece_vocabulary_size(tiny, proto)
    tokenizer_config = {"tokenizer_class": spec.tokenizer_class, "model_max_length": 512,
                        **dict(spec.tokenizer_options), **spec.special_tokens}
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2))
    (folder / "special_tokens_map.json").write_text(json.dumps(spec.special_tokens, indent=2))
    return size


def _sentence_piece_vocabulary_size(tiny, proto):
    """The ids keras-hub's tokenizer gives (XLM-R adds fairseq's `<pad>` and `<mask>` to the proto)."""
    import keras_hub

    return getattr(keras_hub.models, tiny.tokenizer_class)(proto=proto).vocabulary_size()


def _bert_layers(tensors, prefix, sizes):
    """The encoder layers BERT, RoBERTa and XLM-RoBERTa share, under `prefix` (`"roberta.encoder.layer."`)."""
    hidden, intermediate = sizes.hidden, sizes.intermediate
    for i in range(sizes.layers):
        layer = f"{prefix}{i}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            tensors.linear(layer + name, hidden, hidden)
        tensors.layer_norm(layer + "attention.output.LayerNorm", hidden)
        tensors.linear(layer + "intermediate.dense", intermediate, hidden)
        tensors.linear(layer + "output.dense", hidden, intermediate)
        tensors.layer_norm(layer + "output.LayerNorm", hidden)


def _bert_embeddings(tensors, prefix, sizes, positions, token_types):
    tensors.normal(f"{prefix}embeddings.word_embeddings.weight", sizes.vocabulary, sizes.hidden)
    tensors.normal(f"{prefix}embeddings.position_embeddings.weight", positions, sizes.hidden)
    tensors.normal(f"{prefix}embeddings.token_type_embeddings.weight", token_types, sizes.hidden)
    tensors.layer_norm(f"{prefix}embeddings.LayerNorm", sizes.hidden)


def _encoder_config(sizes, positions, token_types):
    return {
        "hidden_size": sizes.hidden, "num_hidden_layers": sizes.layers, "num_attention_heads": sizes.heads,
        "intermediate_size": sizes.intermediate, "max_position_embeddings": positions,
        "type_vocab_size": token_types, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "layer_norm_eps": 1e-12, "initializer_range": 0.02,
    }


def _bert(sizes, tensors):
    _bert_embeddings(tensors, "", sizes, sizes.positions, token_types=2)
    _bert_layers(tensors, "encoder.layer.", sizes)
    tensors.linear("pooler.dense", sizes.hidden, sizes.hidden)
    return {**_encoder_config(sizes, sizes.positions, token_types=2), "pad_token_id": 0}


def _roberta(sizes, tensors):
    """RoBERTa and XLM-RoBERTa: position ids start after the padding id, so two more rows."""
    positions = sizes.positions + 2
    _bert_embeddings(tensors, "roberta.", sizes, positions, token_types=1)
    _bert_layers(tensors, "roberta.encoder.layer.", sizes)
    return {**_encoder_config(sizes, positions, token_types=1), "layer_norm_eps": 1e-5,
            "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2}


def _distil_bert(sizes, tensors):
    hidden = sizes.hidden
    tensors.normal("distilbert.embeddings.word_embeddings.weight", sizes.vocabulary, hidden)
    tensors.normal("distilbert.embeddings.position_embeddings.weight", sizes.positions, hidden)
    tensors.layer_norm("distilbert.embeddings.LayerNorm", hidden)
    for i in range(sizes.layers):
        layer = f"distilbert.transformer.layer.{i}."
        for name in ("q_lin", "k_lin", "v_lin", "out_lin"):
            tensors.linear(f"{layer}attention.{name}", hidden, hidden)
        tensors.layer_norm(layer + "sa_layer_norm", hidden)
        tensors.linear(layer + "ffn.lin1", sizes.intermediate, hidden)
        tensors.linear(layer + "ffn.lin2", hidden, sizes.intermediate)
        tensors.layer_norm(layer + "output_layer_norm", hidden)
    return {
        "dim": hidden, "n_layers": sizes.layers, "n_heads": sizes.heads, "hidden_dim": sizes.intermediate,
        "max_position_embeddings": sizes.positions, "dropout": 0.1, "attention_dropout": 0.1,
        "activation": "gelu", "sinusoidal_pos_embds": False, "pad_token_id": 0, "initializer_range": 0.02,
    }


def _albert(sizes, tensors):
    """ALBERT: a narrower embedding projected to the hidden size; one group of shared layers."""
    hidden, embedding = sizes.hidden, max(4, sizes.hidden // 2)
    tensors.normal("albert.embeddings.word_embeddings.weight", sizes.vocabulary, embedding)
    tensors.normal("albert.embeddings.position_embeddings.weight", sizes.positions, embedding)
    tensors.normal("albert.embeddings.token_type_embeddings.weight", 2, embedding)
    tensors.layer_norm("albert.embeddings.LayerNorm", embedding)
    tensors.linear("albert.encoder.embedding_hidden_mapping_in", hidden, embedding)
    layer = "albert.encoder.albert_layer_groups.0.albert_layers.0."
    for name in ("query", "key", "value", "dense"):
        tensors.linear(f"{layer}attention.{name}", hidden, hidden)
    tensors.layer_norm(layer + "attention.LayerNorm", hidden)
    tensors.linear(layer + "ffn", sizes.intermediate, hidden)
    tensors.linear(layer + "ffn_output", hidden, sizes.intermediate)
    tensors.layer_norm(layer + "full_layer_layer_norm", hidden)
    tensors.linear("albert.pooler", hidden, hidden)
    return {**_encoder_config(sizes, sizes.positions, token_types=2), "embedding_size": embedding,
            "num_hidden_groups": 1, "inner_group_num": 1, "hidden_act": "gelu_new",
            "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
            "pad_token_id": 0, "bos_token_id": 2, "eos_token_id": 3}


def _gpt2(sizes, tensors):
    """GPT-2: Conv1D weights are stored (in, out), query/key/value fused in `c_attn`."""
    hidden = sizes.hidden
    tensors.normal("wte.weight", sizes.vocabulary, hidden)
    tensors.normal("wpe.weight", sizes.positions, hidden)
    for i in range(sizes.layers):
        layer = f"h.{i}."
        tensors.layer_norm(layer + "ln_1", hidden)
        tensors.normal(layer + "attn.c_attn.weight", hidden, 3 * hidden)
        tensors[layer + "attn.c_attn.bias"] = np.zeros(3 * hidden, "float32")
        tensors.normal(layer + "attn.c_proj.weight", hidden, hidden)
        tensors[layer + "attn.c_proj.bias"] = np.zeros(hidden, "float32")
        tensors.layer_norm(layer + "ln_2", hidden)
        tensors.normal(layer + "mlp.c_fc.weight", hidden, 4 * hidden)
        tensors[layer + "mlp.c_fc.bias"] = np.zeros(4 * hidden, "float32")
        tensors.normal(layer + "mlp.c_proj.weight", 4 * hidden, hidden)
        tensors[layer + "mlp.c_proj.bias"] = np.zeros(hidden, "float32")
    tensors.layer_norm("ln_f", hidden)
    end_of_text = sizes.vocabulary - 1
    return {
        "n_embd": hidden, "n_layer": sizes.layers, "n_head": sizes.heads, "n_positions": sizes.positions,
        "n_ctx": sizes.positions, "n_inner": None, "activation_function": "gelu_new", "resid_pdrop": 0.1,
        "embd_pdrop": 0.1, "attn_pdrop": 0.1, "layer_norm_epsilon": 1e-5, "initializer_range": 0.02,
        "bos_token_id": end_of_text, "eos_token_id": end_of_text,
    }


def _gemma(sizes, tensors):
    """Gemma: one key/value head, gated feed-forward, RMS norms stored as offsets from 1 (zeros)."""
    hidden, head_dim = sizes.hidden, sizes.hidden // sizes.heads
    tensors.normal("model.embed_tokens.weight", sizes.vocabulary, hidden)
    for i in range(sizes.layers):
        layer = f"model.layers.{i}."
        for norm in ("input_layernorm", "post_attention_layernorm"):
            tensors[f"{layer}{norm}.weight"] = np.zeros(hidden, "float32")
        tensors.linear(layer + "self_attn.q_proj", sizes.heads * head_dim, hidden, bias=False)
        tensors.linear(layer + "self_attn.k_proj", head_dim, hidden, bias=False)
        tensors.linear(layer + "self_attn.v_proj", head_dim, hidden, bias=False)
        tensors.linear(layer + "self_attn.o_proj", hidden, sizes.heads * head_dim, bias=False)
        tensors.linear(layer + "mlp.gate_proj", sizes.intermediate, hidden, bias=False)
        tensors.linear(layer + "mlp.up_proj", sizes.intermediate, hidden, bias=False)
        tensors.linear(layer + "mlp.down_proj", hidden, sizes.intermediate, bias=False)
    tensors["model.norm.weight"] = np.zeros(hidden, "float32")
    return {
        "hidden_size": hidden, "num_hidden_layers": sizes.layers, "num_attention_heads": sizes.heads,
        "num_key_value_heads": 1, "head_dim": head_dim, "intermediate_size": sizes.intermediate,
        "max_position_embeddings": sizes.positions, "hidden_activation": "gelu_pytorch_tanh",
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "attention_bias": False, "tie_word_embeddings": True,
        "pad_token_id": 0, "eos_token_id": 1, "bos_token_id": 2, "initializer_range": 0.02,
    }


def _bart_attention(tensors, prefix, hidden):
    for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
        tensors.linear(f"{prefix}.{name}", hidden, hidden)
    tensors.layer_norm(f"{prefix}_layer_norm", hidden)


def _bart(sizes, tensors):
    """BART: shared token embeddings, an encoder and a decoder, positions offset by two rows."""
    hidden, intermediate = sizes.hidden, sizes.intermediate
    tensors.normal("shared.weight", sizes.vocabulary, hidden)
    for stack in ("encoder", "decoder"):
        tensors.normal(f"{stack}.embed_positions.weight", sizes.positions + 2, hidden)
        tensors.layer_norm(f"{stack}.layernorm_embedding", hidden)
        for i in range(sizes.layers):
            layer = f"{stack}.layers.{i}."
            _bart_attention(tensors, layer + "self_attn", hidden)
            if stack == "decoder":
                _bart_attention(tensors, layer + "encoder_attn", hidden)
            tensors.linear(layer + "fc1", intermediate, hidden)
            tensors.linear(layer + "fc2", hidden, intermediate)
            tensors.layer_norm(layer + "final_layer_norm", hidden)
    return {
        "d_model": hidden, "num_hidden_layers": sizes.layers, "encoder_layers": sizes.layers,
        "decoder_layers": sizes.layers, "encoder_attention_heads": sizes.heads,
        "decoder_attention_heads": sizes.heads, "encoder_ffn_dim": intermediate, "decoder_ffn_dim": intermediate,
        "max_position_embeddings": sizes.positions, "activation_function": "gelu", "dropout": 0.1,
        "attention_dropout": 0.1, "activation_dropout": 0.1, "scale_embedding": False, "init_std": 0.02,
        "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2,
        "is_encoder_decoder": True,
    }


_LAYOUTS = {"bert": _bert, "distil_bert": _distil_bert, "roberta": _roberta, "xlm_roberta": _roberta,
            "albert": _albert, "gpt2": _gpt2, "gemma": _gemma, "bart": _bart}
