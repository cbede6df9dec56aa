"""`kerastl backbones --presets`: keras-hub's text presets by family, from offline metadata."""

import keras_hub
import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli


@pytest.fixture(scope="module")
def blocks():
    """The `--presets` output as {family heading: {preset name: its line}}."""
    result = CliRunner().invoke(cli, ["backbones", "--presets"])
    assert result.exit_code == 0, result.output
    found = {}
    for block in result.output.strip().split("\n\n")[1:]:
        heading, *rows = block.splitlines()
        found[heading] = {row.split()[0]: row for row in rows}
    return found


def test_help_mentions_presets():
    result = CliRunner().invoke(cli, ["backbones", "--help"])
    assert result.exit_code == 0 and "--presets" in result.output


def test_presets_are_grouped_under_their_family(blocks):
    assert "bert_base_en_uncased" in blocks["bert (BertBackbone)"]
    assert "xlm_roberta_base_multi" in blocks["xlm_roberta (XLMRobertaBackbone)"]
    assert "xlm_roberta_base_multi" not in blocks["roberta (RobertaBackbone)"]
    assert "gpt2_base_en" in blocks["gpt2 (GPT2Backbone)"]


@pytest.mark.parametrize("heading, name, backbone_class", [
    ("bert (BertBackbone)", "bert_base_en_uncased", keras_hub.models.BertBackbone),
    ("xlm_roberta (XLMRobertaBackbone)", "xlm_roberta_base_multi", keras_hub.models.XLMRobertaBackbone),
])
def test_parameter_counts_come_from_the_preset_metadata(blocks, heading, name, backbone_class):
    parameters = backbone_class.presets[name]["metadata"]["params"]
    row = blocks[heading][name]
    assert f"{parameters:,} parameters" in row and row.endswith("network")


def test_the_bundled_backbone_is_listed_as_offline(blocks):
    assert "offline (bundled" in blocks["bert (BertBackbone)"]["minilm-l6"]
    assert "22,713,216 parameters" in blocks["bert (BertBackbone)"]["minilm-l6"]


def test_only_text_families_are_listed(blocks):
    listed = " ".join(blocks)
    for not_text in ("ViTBackbone", "WhisperBackbone", "CLIPBackbone", "PaliGemmaBackbone", "ResNetBackbone"):
        assert not_text not in listed
    assert len(blocks) >= 10
