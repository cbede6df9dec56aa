import keras
import numpy as np
import pytest

from kerastl.backbones.families import architecture_of
from kerastl.backbones import load_backbone
from kerastl.layers import BackboneEncoder, ClassificationHead
from kerastl.testing import ENCODER_FAMILIES

TOKEN_IDS = np.array([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]], "int32")
PADDING_MASK = TOKEN_IDS != 0


def encoder_model(tiny_backbone, **options):
    backbone, _ = load_backbone(str(tiny_backbone))
    inputs = {"token_ids": keras.Input((None,), dtype="int32", name="token_ids"),
              "padding_mask": keras.Input((None,), dtype="bool", name="padding_mask")}
    encoded = BackboneEncoder(backbone, **options)(inputs)
    logits = ClassificationHead(3, name="head")(encoded["pooled_output"])
    return keras.Model(inputs, {"logits": logits, "tokens": encoded["sequence_output"]})


def run(model):
    return model({"token_ids": TOKEN_IDS, "padding_mask": PADDING_MASK}, training=False)


@pytest.mark.parametrize("pooling", ["cls", "mean", "max", "last"])
def test_pooling_ignores_padding(tiny_backbone, pooling):
    backbone, _ = load_backbone(str(tiny_backbone))
    encoder = BackboneEncoder(backbone, pooling=pooling)
    short = encoder({"token_ids": TOKEN_IDS[1:, :3], "padding_mask": PADDING_MASK[1:, :3]})
    padded = encoder({"token_ids": TOKEN_IDS[1:], "padding_mask": PADDING_MASK[1:]})
    assert padded["pooled_output"].shape == (1, 16)
    np.testing.assert_allclose(short["pooled_output"], padded["pooled_output"], atol=1e-5)


def test_mean_pooling_is_the_mean_of_real_tokens(tiny_backbone):
    backbone, _ = load_backbone(str(tiny_backbone))
    outputs = BackboneEncoder(backbone, pooling="mean")({"token_ids": TOKEN_IDS, "padding_mask": PADDING_MASK})
    expected = np.asarray(outputs["sequence_output"])[1, :3].mean(axis=0)
    np.testing.assert_allclose(outputs["pooled_output"][1], expected, atol=1e-5)


def test_keras_file_round_trip(tiny_backbone, tmp_path):
    model = encoder_model(tiny_backbone, pooling="max", freeze=1)
    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(run(model)["logits"], run(reloaded)["logits"], atol=1e-5)
    encoder = next(layer for layer in reloaded.layers if isinstance(layer, BackboneEncoder))
    assert (encoder.pooling, encoder.freeze, encoder.lora_rank) == ("max", 1, None)


def count_trainable(layer):
    return sum(int(np.prod(w.shape)) for w in layer.trainable_weights)


def test_freezing_all_none_and_bottom_layers(tiny_backbone):
    def encoder(freeze):
        backbone, _ = load_backbone(str(tiny_backbone))
        return BackboneEncoder(backbone, freeze=freeze)

    none, bottom, everything = encoder("none"), encoder(1), encoder("all")
    assert count_trainable(everything) == 0
    assert 0 < count_trainable(bottom) < count_trainable(none)
    frozen = [layer.name for layer in bottom.backbone.layers if not layer.trainable and layer.weights]
    assert "transformer_layer_0" in frozen and "token_embedding" in frozen
    assert "transformer_layer_1" not in frozen


def test_lora_trains_only_the_adapters_and_survives_saving(tiny_backbone, tmp_path):
    model = encoder_model(tiny_backbone, lora_rank=2)
    encoder = next(layer for layer in model.layers if isinstance(layer, BackboneEncoder))
    names = [w.path for w in encoder.trainable_weights]
    # Keras' LoRA freezes the kernels and keeps the adapted layers' biases trainable.
    assert any("lora_kernel_a" in name for name in names)
    assert all("lora" in name or name.endswith(("query/bias", "value/bias")) for name in names)
    # Make the adapters non-zero so the round trip is checked on real values.
    for weight in encoder.trainable_weights:
        weight.assign(np.full(weight.shape, 0.05, "float32"))
    model.save(tmp_path / "lora.keras")
    reloaded = keras.saving.load_model(tmp_path / "lora.keras")
    np.testing.assert_allclose(run(model)["logits"], run(reloaded)["logits"], atol=1e-5)


@pytest.mark.parametrize("options, message", [
    ({"pooling": "sum"}, "pooling"),
    ({"freeze": "some"}, "freeze"),
    ({"freeze": 9}, "has 2"),
    ({"lora_rank": 0}, "lora_rank"),
])
def test_bad_arguments_are_named(tiny_backbone, options, message):
    backbone, _ = load_backbone(str(tiny_backbone))
    with pytest.raises(ValueError, match=message):
        BackboneEncoder(backbone, **options)


def test_classification_head_works_per_token_and_per_vector():
    head = ClassificationHead(4, hidden_dim=8)
    assert head(np.zeros((2, 6), "float32")).shape == (2, 4)
    assert head(np.zeros((2, 5, 6), "float32")).shape == (2, 5, 4)
    with pytest.raises(ValueError, match="num_classes"):
        ClassificationHead(0)


@pytest.mark.parametrize("family", ENCODER_FAMILIES)
def test_auto_pooling_and_lora_on_every_family(tiny_family_backbone, family):
    backbone, _ = load_backbone(str(tiny_family_backbone(family)))
    causal = architecture_of(backbone) == "decoder"
    encoder = BackboneEncoder(backbone, lora_rank=2)
    assert encoder.pooling == ("last" if causal else "mean")
    token_ids = np.array([[5, 6, 7, 8], [5, 6, 0, 0]], "int32")
    padding_mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], bool)
    outputs = encoder({"token_ids": token_ids, "padding_mask": padding_mask})
    sequence = np.asarray(outputs["sequence_output"])
    pooled = np.asarray(outputs["pooled_output"])
    if causal:  # the last real token of each row, wherever the padding starts
        np.testing.assert_allclose(pooled, sequence[[0, 1], [3, 1]], atol=1e-5)
    else:
        np.testing.assert_allclose(pooled[1], sequence[1, :2].mean(axis=0), atol=1e-5)
    trainable = [w.path for w in encoder.trainable_weights]
    # Only the adapters train (and, as Keras' LoRA keeps them, the adapted layers' biases).
    assert any("lora_kernel_a" in path for path in trainable), trainable
    assert all("lora" in path or path.endswith("bias") for path in trainable), trainable
    if causal:
        with pytest.raises(ValueError, match="causal decoder"):
            BackboneEncoder(backbone, pooling="cls")


@pytest.mark.parametrize("family", ["bart", "t5"])
def test_freezing_bottom_layers_of_an_encoder_decoder_freezes_its_encoder(tiny_family_backbone, family):
    backbone, _ = load_backbone(str(tiny_family_backbone(family)))
    BackboneEncoder(backbone, freeze=1)
    assert not backbone.encoder_transformer_layers[0].trainable
    assert all(layer.trainable for layer in backbone.decoder_transformer_layers)
    with pytest.raises(ValueError, match="has 1"):
        BackboneEncoder(load_backbone(str(tiny_family_backbone(family)))[0], freeze=2)
