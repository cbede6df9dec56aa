"""SimCSE and masked LM + SimCSE, the head warm-up, and the default recipe of `pretrain --from`."""

import shutil

import keras
import numpy as np
import pytest
from click.testing import CliRunner

from kerastl.backbones import load_backbone
from kerastl.backbones.families import DECODER, ENCODER
from kerastl.cli.main import cli
from kerastl.errors import KerastlError
from kerastl.pretrain import ContrastiveSentenceModel, MaskedAndContrastiveModel, MaskedLanguageModel, pretrain
from kerastl.pretrain.contrastive import DropoutPair, PairedSimilarity
from kerastl.pretrain.pretrainer import _warm_up_head
from kerastl.pretrain.recipes import RECIPES, default_recipe, is_sentence_embedding_model
from kerastl.testing import FAMILIES, TOY_REVIEWS

DOMAIN_TEXT = [f"{text} The {word} scene was {adjective}." for text, _ in TOY_REVIEWS
               for word, adjective in (("opening", "slow"), ("final", "moving"), ("chase", "loud"))]
TINY_RUN = {"sequence_length": 16, "batch_size": 4, "steps": 2, "log_every": 0, "held_out_fraction": 0.2}
ENCODERS = [name for name, family in FAMILIES.items() if family.architecture == ENCODER]


def _weights(layer):
    return {weight.path: np.array(keras.ops.convert_to_numpy(weight)) for weight in layer.weights}


def _batch(tokenizer, texts, length=16):
    rows = [list(np.asarray(keras.ops.convert_to_numpy(tokenizer(text)), "int32"))[:length] for text in texts]
    token_ids = np.array([row + [0] * (length - len(row)) for row in rows], "int32")
    return token_ids, np.array([len(row) for row in rows], "int32")


@pytest.mark.parametrize("family", ENCODERS)
def test_simcse_continues_every_encoder_family(family, tiny_family_backbone, tmp_path):
    source = str(tiny_family_backbone(family))
    metrics = pretrain(DOMAIN_TEXT, tmp_path / "adapted", from_backbone=source, objective="simcse",
                       learning_rate=1e-2, **TINY_RUN)
    assert metrics["objective"] == "simcse" and metrics["complete"] and metrics["options"]["warmup_head_steps"] == 0
    assert set(metrics["held_out"]) == {"contrastive_accuracy", "contrastive_loss"} == set(metrics["held_out_before"])
    before, after = _weights(load_backbone(source)[0]), _weights(load_backbone(str(tmp_path / "adapted"))[0])
    assert any(not np.allclose(before[key], after[key]) for key in before)


def test_each_window_must_find_its_own_second_encoding_among_the_batch(tiny_backbone):
    backbone, tokenizer = load_backbone(str(tiny_backbone))
    objective = ContrastiveSentenceModel(backbone, tokenizer, sequence_length=16, temperature=0.1)
    windows, lengths = _batch(tokenizer, [text for text, _ in TOY_REVIEWS[:4]])
    inputs, targets, weights = objective.batch_to_inputs(windows, lengths)
    inputs = {name: np.asarray(value) for name, value in inputs.items()}
    np.testing.assert_array_equal(np.asarray(targets)[:, 0], np.arange(4))
    np.testing.assert_array_equal(np.asarray(weights), np.ones((4, 1)))
    logits = np.asarray(keras.ops.convert_to_numpy(objective.model(inputs, training=False)))
    assert logits.shape == (4, 1, 4)
    # Dropout stays on, also outside training: the two encodings of a window differ, so a
    # window's similarity to itself is below the largest possible, 1 / temperature.
    assert np.all(np.diagonal(logits[:, 0, :]) < 1 / 0.1 - 1e-4)
    first, second = DropoutPair(objective.model.get_layer("encoder").encoder)(
        {name: inputs[name] for name in ("token_ids", "padding_mask")}, training=False)
    assert not np.allclose(keras.ops.convert_to_numpy(first["pooled_output"]),
                           keras.ops.convert_to_numpy(second["pooled_output"]))


def test_paired_similarity_is_the_cosine_over_the_temperature():
    rng = np.random.default_rng(0)
    first, second = rng.normal(size=(3, 5)).astype("float32"), rng.normal(size=(3, 5)).astype("float32")
    logits = np.asarray(keras.ops.convert_to_numpy(PairedSimilarity(0.05)(first, second)))
    unit = lambda rows: rows / np.linalg.norm(rows, axis=1, keepdims=True)  # noqa: E731
    np.testing.assert_allclose(logits[:, 0, :], unit(first) @ unit(second).T / 0.05, rtol=1e-5, atol=1e-5)


def test_masked_lm_and_simcse_share_one_weighted_loss(tiny_backbone, tmp_path):
    backbone, tokenizer = load_backbone(str(tiny_backbone))
    objective = MaskedAndContrastiveModel(backbone, tokenizer, sequence_length=16)
    windows, lengths = _batch(tokenizer, [text for text, _ in TOY_REVIEWS[:4]])
    inputs, targets, weights = objective.batch_to_inputs(windows, lengths)
    inputs, targets, weights = {name: np.asarray(value) for name, value in inputs.items()}, np.asarray(targets), \
        np.asarray(weights)
    masks = objective.mask_generator.mask_selection_length
    assert targets.shape == weights.shape == (4, masks + 1)
    np.testing.assert_array_equal(targets[:, -1], np.arange(4))
    # The contrastive target of a window weighs as much as its masked tokens together.
    np.testing.assert_allclose(weights[:, -1], weights[:, :-1].sum(axis=1))
    logits = np.asarray(keras.ops.convert_to_numpy(objective.model(inputs)))
    assert logits.shape == (4, masks + 1, tokenizer.vocabulary_size())
    assert np.all(logits[:, -1, 4:] < -1e8)  # past the batch: no candidate
    metrics = pretrain(DOMAIN_TEXT, tmp_path / "adapted", from_backbone=str(tiny_backbone), objective="mlm+simcse",
                       warmup_head_steps=1, **TINY_RUN)
    assert metrics["objective"] == "mlm+simcse" and set(metrics["held_out"]) == {"combined_loss", "combined_accuracy"}


def test_the_head_warm_up_trains_the_head_alone_and_leaves_the_backbone_as_it_was(tiny_backbone, tmp_path):
    backbone, tokenizer = load_backbone(str(tiny_backbone))
    objective = MaskedLanguageModel(backbone, tokenizer, sequence_length=16)
    before_backbone = _weights(backbone)
    head = objective.model.get_layer("masked_lm_head")
    own_head_weights = [weight.path for weight in head.weights if weight.path not in before_backbone]
    before_head = _weights(head)
    pooler = backbone.get_layer("pooled_dense")
    pooler_trainable = objective.model.get_layer("encoder").backbone.get_layer("pooled_dense").trainable

    class Feed:
        def __call__(self, part):
            return lambda: iter(DOMAIN_TEXT)

    run = {"warmup_head_steps": 3, "from": str(tiny_backbone), "batch_size": 4, "seed": 0, "shuffle_buffer": 16}
    _warm_up_head(objective, run, Feed(), tokenizer, None, lambda line: None)

    after_backbone, after_head = _weights(backbone), _weights(head)
    assert all(np.array_equal(before_backbone[key], after_backbone[key]) for key in before_backbone)
    assert any(not np.allclose(before_head[key], after_head[key]) for key in own_head_weights)
    assert backbone.trainable and pooler.trainable == pooler_trainable  # the flags are put back


def test_a_warmed_up_run_reports_the_score_after_the_warm_up_and_resumes_without_repeating_it(tiny_backbone,
                                                                                              tmp_path):
    output, lines = tmp_path / "adapted", []
    options = {**TINY_RUN, "steps": 3, "checkpoint_every": 1}
    first = pretrain(DOMAIN_TEXT, output, from_backbone=str(tiny_backbone), warmup_head_steps=2, max_steps=1,
                     log=lines.append, **options)
    assert first["options"]["warmup_head_steps"] == 2 and first["held_out_after_head_warmup"] is not None
    assert sum("Warming up the new mlm head for 2 steps" in line for line in lines) == 1
    lines.clear()
    second = pretrain(DOMAIN_TEXT, output, from_backbone=str(tiny_backbone), warmup_head_steps=2,
                      log=lines.append, **options)
    assert second["complete"] and not any("Warming up" in line for line in lines)
    assert second["held_out_after_head_warmup"] == first["held_out_after_head_warmup"]


def test_the_default_recipe_follows_the_kind_of_backbone(tiny_family_backbone, tiny_hugging_face_folder, tmp_path):
    plain = str(tiny_family_backbone("bert"))
    sentence = tmp_path / "sentence-bert"
    shutil.copytree(tiny_hugging_face_folder, sentence)
    (sentence / "config_sentence_transformers.json").write_text("{}", encoding="utf-8")
    bundled_like = tmp_path / "bundled-like"
    shutil.copytree(plain, bundled_like)
    (bundled_like / "huggingface").mkdir()
    (bundled_like / "huggingface" / "modules.json").write_text("[]", encoding="utf-8")

    assert default_recipe(plain, ENCODER) == RECIPES["encoder"] and RECIPES["encoder"].objective == "mlm"
    assert default_recipe(str(sentence), ENCODER) == RECIPES["sentence-embedding encoder"]
    assert default_recipe(str(bundled_like), ENCODER) == RECIPES["sentence-embedding encoder"]
    assert default_recipe(str(tiny_family_backbone("gpt2")), DECODER) == RECIPES["decoder"]
    assert not is_sentence_embedding_model(str(tiny_hugging_face_folder))

    metrics = pretrain(DOMAIN_TEXT, tmp_path / "from-sentence", from_backbone=str(sentence), **TINY_RUN)
    recipe = RECIPES["sentence-embedding encoder"]
    assert (metrics["objective"], metrics["options"]["learning_rate"]) == (recipe.objective, recipe.learning_rate)
    # What SimCSE wrote is a sentence-embedding backbone again: continuing it keeps the recipe.
    assert is_sentence_embedding_model(str(tmp_path / "from-sentence"))
    metrics = pretrain(DOMAIN_TEXT, tmp_path / "from-plain", from_backbone=plain, **{**TINY_RUN, "steps": 1})
    assert metrics["objective"] == "mlm" and metrics["options"]["warmup_head_steps"] == RECIPES["encoder"].warmup_head_steps


def test_objectives_and_warm_ups_that_cannot_apply_are_refused(tiny_family_backbone, tmp_path):
    bert, gpt2 = str(tiny_family_backbone("bert")), str(tiny_family_backbone("gpt2"))
    with pytest.raises(KerastlError, match="a new backbone has none to keep. Fix: pass --from BACKBONE"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", objective="simcse", **TINY_RUN)
    with pytest.raises(KerastlError, match="--warmup-head-steps trains a new head on a pretrained backbone"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", warmup_head_steps=5, **TINY_RUN)
    with pytest.raises(KerastlError, match="--objective simcse trains no new head"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", from_backbone=bert, objective="simcse", warmup_head_steps=5,
                 **TINY_RUN)
    with pytest.raises(KerastlError, match=r"a causal decoder \(GPT2Backbone\): it continues with clm, not simcse"):
        pretrain(DOMAIN_TEXT, tmp_path / "x", from_backbone=gpt2, objective="simcse", **TINY_RUN)
    assert not (tmp_path / "x").exists()
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(DOMAIN_TEXT), encoding="utf-8")
    result = CliRunner().invoke(cli, ["pretrain", "--corpus", str(corpus), "--output", str(tmp_path / "y"),
                                      "--from", bert, "--objective", "simcse", "--warmup-head-steps", "5"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and "nothing to warm up" in result.output
