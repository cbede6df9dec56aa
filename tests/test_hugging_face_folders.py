"""Hugging Face model folders of every family keras-hub converts, and a clear error for the rest.

Each family gets a tiny random folder in the layout `save_pretrained` writes
(`kerastl.testing.hugging_face.make_tiny_hugging_face_folder`): it must load as the family's
keras-hub classes with the file's weights, tokenize English, Korean and emoji, and carry a
sentiment task through fit, predict, save and `kerastl.load` (BART, an encoder-decoder, only
loads and tokenizes here).
"""

import json

import numpy as np
import pytest
from safetensors.numpy import load_file

from kerastl import backbones
from kerastl.errors import BackboneNotFoundError
from kerastl.tasks import SentimentTask
from kerastl.testing import ENCODER_FAMILIES, TOY_REVIEWS, run_task_test
from kerastl.testing.hugging_face import HUGGING_FACE_FAMILIES, make_tiny_hugging_face_folder

#: family -> (model_type, backbone class, tokenizer class, the tokenizer file Transformers writes)
EXPECTED = {
    "bert": ("bert", "BertBackbone", "BertTokenizer", "vocab.txt"),
    "distil_bert": ("distilbert", "DistilBertBackbone", "DistilBertTokenizer", "vocab.txt"),
    "roberta": ("roberta", "RobertaBackbone", "RobertaTokenizer", "merges.txt"),
    "xlm_roberta": ("xlm-roberta", "XLMRobertaBackbone", "XLMRobertaTokenizer", "sentencepiece.bpe.model"),
    "albert": ("albert", "AlbertBackbone", "AlbertTokenizer", "spiece.model"),
    "gpt2": ("gpt2", "GPT2Backbone", "GPT2Tokenizer", "vocab.json"),
    "gemma": ("gemma", "GemmaBackbone", "GemmaTokenizer", "tokenizer.model"),
    "bart": ("bart", "BartBackbone", "BartTokenizer", "merges.txt"),
}
MIXED = "A wonderful film 🎬 이 영화 정말 재미있어요 !"


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def folder(request, tmp_path_factory):
    family = request.param
    return family, make_tiny_hugging_face_folder(tmp_path_factory.mktemp("hf") / family, family)


def test_every_family_keras_hub_converts_is_covered():
    assert set(HUGGING_FACE_FAMILIES) == set(EXPECTED)


def test_unknown_family_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"Received: family='t5'"):
        make_tiny_hugging_face_folder(tmp_path, "t5")


def test_the_folder_has_the_hugging_face_layout(folder):
    family, path = folder
    model_type, _, tokenizer_class, tokenizer_file = EXPECTED[family]
    config = json.loads((path / "config.json").read_text())
    assert config["model_type"] == model_type and config["architectures"]
    assert (path / tokenizer_file).is_file() and (path / "model.safetensors").is_file()
    assert json.loads((path / "tokenizer_config.json").read_text())["tokenizer_class"] == tokenizer_class
    assert json.loads((path / "special_tokens_map.json").read_text())
    assert not (path / "metadata.json").exists()  # not a keras-hub preset


def test_loads_as_the_family_classes_with_the_file_weights(folder):
    family, path = folder
    _, backbone_class, tokenizer_class, _ = EXPECTED[family]
    backbone, tokenizer = backbones.load_backbone(str(path))
    assert (type(backbone).__name__, type(tokenizer).__name__) == (backbone_class, tokenizer_class)
    vocabulary_size = json.loads((path / "config.json").read_text())["vocab_size"]
    assert backbone.vocabulary_size == tokenizer.vocabulary_size() == vocabulary_size
    word_embeddings = [t for t in load_file(str(path / "model.safetensors")).values() if t.shape[0] == vocabulary_size]
    assert len(word_embeddings) == 1
    assert any(w.shape == word_embeddings[0].shape and np.allclose(w, word_embeddings[0])
               for w in backbone.get_weights()), "the token embeddings were not read from model.safetensors"


def test_tokenizes_english_korean_and_emoji_within_the_vocabulary(folder):
    _, path = folder
    _, tokenizer = backbones.load_backbone(str(path))
    ids = np.asarray(tokenizer(MIXED))
    assert ids.ndim == 1 and len(ids) >= 5
    assert ids.min() >= 0 and ids.max() < tokenizer.vocabulary_size()
    unknown = tokenizer.token_to_id(json.loads((path / "special_tokens_map.json").read_text())["unk_token"])
    assert any(i != unknown for i in np.asarray(tokenizer("이 영화 정말"))), "Korean became all unknown tokens"


@pytest.mark.parametrize("folder", [family for family in sorted(EXPECTED) if family in ENCODER_FAMILIES],
                         indirect=True)
def test_a_sentiment_task_round_trips(folder, tmp_path):
    _, path = folder
    inputs = [MIXED, "the worst movie"]
    _, _, predictions = run_task_test(SentimentTask, path, train=TOY_REVIEWS, inputs=inputs, tmp_path=tmp_path,
                                      task_options={"max_length": 32}, epochs=1, batch_size=4)
    assert {p.to_dict()["label"] for p in predictions} <= {"positive", "negative"}


#: Hugging Face families keras-hub 0.32 has no converter for, and the keras-hub preset family to use.
UNCONVERTIBLE = {
    "deberta-v2": ("DebertaV2ForMaskedLM", "deberta_v3_"),
    "electra": ("ElectraForPreTraining", "electra_"),
    "t5": ("T5ForConditionalGeneration", "t5_"),
}


def _write_config(folder, model_type, architecture):
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": model_type, "architectures": [architecture],
                                                    "vocab_size": 100, "hidden_size": 8}))
    return folder


@pytest.mark.parametrize("model_type", sorted(UNCONVERTIBLE))
def test_an_unconvertible_family_gets_one_clear_error(tmp_path, model_type):
    architecture, preset_prefix = UNCONVERTIBLE[model_type]
    path = _write_config(tmp_path / model_type, model_type, architecture)
    for call in (backbones.resolve_backbone, backbones.load_backbone):
        with pytest.raises(BackboneNotFoundError) as caught:
            call(str(path))
        message = str(caught.value)
        assert str(path) in message and f"model_type '{model_type}'" in message
        assert f"'{preset_prefix}" in message and "save_to_preset" in message
        assert "kerastl backbones --presets" in message


def test_an_unconvertible_family_without_presets_says_how_to_save_one(tmp_path):
    path = _write_config(tmp_path / "mpnet", "mpnet", "MPNetForMaskedLM")
    with pytest.raises(BackboneNotFoundError, match=r"model_type 'mpnet'.*no preset of this family.*save_to_preset"):
        backbones.load_backbone(str(path))
