"""Translation with a whole keras-hub encoder-decoder (BART, T5): its own tokenizer and decoder."""

import keras
import numpy as np
import pytest
from click.testing import CliRunner

import kerastl
from kerastl.layers import BackboneEncoder, Seq2SeqTranslator, TranslationDecoder
from kerastl.tasks import TranslationTask
from kerastl.tasks.translation.translators import PresetTranslator
from kerastl.testing import make_tiny_backbone

# Copying is a translation a tiny random model can start to learn in a few steps.
PAIRS = [(text, text) for text in (
    "a man is riding a bike", "a dog and a cat", "the red car", "a woman in the city",
    "the big house", "two men and a woman", "the best movie", "great music",
)]
SOURCES = [source for source, _ in PAIRS]
TINY = {"max_target_length": 12, "max_length": 16}
FAMILIES = ("bart", "t5")


@pytest.fixture(scope="module", params=FAMILIES)
def family_backbone(request, tmp_path_factory):
    """`(family, folder)`: a tiny random preset of each keras-hub encoder-decoder family."""
    return request.param, make_tiny_backbone(tmp_path_factory.mktemp("seq2seq") / f"tiny-{request.param}",
                                             family=request.param)


@pytest.fixture(scope="module")
def trained(family_backbone):
    _, folder = family_backbone
    task = TranslationTask(str(folder), learning_rate=1e-2, warmup_ratio=0.0, **TINY)
    task.fit(PAIRS, epochs=10, batch_size=4, verbose=0)
    return task


def test_a_seq2seq_backbone_is_fine_tuned_whole_with_its_own_tokenizer(trained):
    assert trained.seq2seq and isinstance(trained.translator, PresetTranslator)
    layer_types = {type(layer) for layer in trained.model.layers}
    assert Seq2SeqTranslator in layer_types and not layer_types & {TranslationDecoder, BackboneEncoder}
    assert trained.target_tokenizer is None
    translator = next(layer for layer in trained.model.layers if isinstance(layer, Seq2SeqTranslator))
    assert trained.model.output.shape[-1] == trained.tokenizer.vocabulary_size()
    assert len(trained.model.trainable_weights) == len(translator.backbone.trainable_weights)
    losses = trained.history.history["loss"]
    assert losses[-1] < 0.95 * losses[0], losses


def test_sequences_are_packed_as_keras_hub_packs_the_family(trained):
    translator = next(layer for layer in trained.model.layers if isinstance(layer, Seq2SeqTranslator))
    preprocessor = translator.language_model.preprocessor_cls(
        tokenizer=trained.tokenizer, encoder_sequence_length=TINY["max_length"],
        decoder_sequence_length=TINY["max_target_length"],
    )
    x, y, weights = keras.tree.map_structure(  # backend tensors -> numpy
        keras.ops.convert_to_numpy, preprocessor({"encoder_text": SOURCES[:3], "decoder_text": SOURCES[:3]}))
    features, labels = trained.encode(trained.read(PAIRS[:3]), with_targets=True)
    for row in range(3):
        source_length = int(np.sum(x["encoder_padding_mask"][row]))
        target_length = int(np.sum(weights[row]))
        assert features["token_ids"][row].numpy().tolist() == np.asarray(x["encoder_token_ids"][row][:source_length]).tolist()
        assert features["decoder_token_ids"][row].numpy().tolist() == np.asarray(
            x["decoder_token_ids"][row][:target_length]).tolist()
        assert labels[row].numpy().tolist() == np.asarray(y[row][:target_length]).tolist()


def test_evaluate_predict_save_and_load(trained, tmp_path):
    metrics = trained.evaluate(PAIRS)
    assert 0.0 <= metrics["bleu"] <= 100.0 and 0.0 <= metrics["chrf"] <= 100.0 and metrics["examples"] == len(PAIRS)
    predictions = trained.predict(SOURCES)
    assert all(isinstance(p.translation, str) and p.source == s for p, s in zip(predictions, SOURCES))
    trained.save(tmp_path / "model")
    assert [path.parent.name for path in (tmp_path / "model").rglob("tokenizer.json")] == ["tokenizer"]
    loaded = kerastl.load(tmp_path / "model")
    assert loaded.seq2seq and loaded.target_tokenizer is None
    assert [p.to_dict() for p in loaded.predict(SOURCES)] == [p.to_dict() for p in predictions]


def test_translations_are_the_backbone_tokenizers_detokenized_ids(trained):
    records = trained.read(SOURCES[:4])
    outputs = trained.predict_outputs(records)
    predictions = trained.decode(outputs, records)
    end = trained.tokenizer.end_token_id
    for ids, prediction in zip(outputs, predictions):
        ids = [int(i) for i in ids]
        ids = ids[: ids.index(end)] if end in ids else ids
        ids = [i for i in ids if i not in (trained.tokenizer.pad_token_id, trained.tokenizer.start_token_id)]
        assert prediction.translation == trained.tokenizer.detokenize([ids])[0].strip()
        assert prediction.tokens == [trained.tokenizer.id_to_token(i) for i in ids]


def test_byte_pieces_that_end_inside_a_character_become_the_replacement_character(trained, family_backbone):
    if family_backbone[0] != "bart":
        pytest.skip("only byte-level BPE (BART) has pieces that hold part of a character")
    lone_byte = trained.tokenizer.token_to_id("\u00a1")  # the piece of byte 0xA1, a UTF-8 continuation byte
    ids = np.full(TINY["max_target_length"] - 2, trained.tokenizer.pad_token_id)
    ids[:3] = [trained.tokenizer.token_to_id("a"), lone_byte, trained.tokenizer.end_token_id]
    (prediction,) = trained.decode([ids], trained.read(["a"]))
    assert prediction.translation == "a\ufffd"


@pytest.mark.parametrize("num_beams", [1, 3])
def test_cached_and_uncached_decoding_agree(trained, family_backbone, num_beams):
    records = trained.read(SOURCES)
    cached = trained.predict_outputs(records, num_beams=num_beams, use_cache=True, batch_size=4)
    uncached = trained.predict_outputs(records, num_beams=num_beams, use_cache=False, batch_size=4)
    prompt_length = {"bart": 2, "t5": 1}[family_backbone[0]]  # BART starts from `</s> <s>`, T5 from `<pad>`
    for a, b in zip(cached, uncached):
        np.testing.assert_array_equal(a, b)
        assert len(a) == TINY["max_target_length"] - prompt_length


def test_lora_adapts_the_attention_of_both_families_and_survives_save_and_load(family_backbone, tmp_path):
    task = TranslationTask(str(family_backbone[1]), lora_rank=2, **TINY)
    task.prepare(task.read(PAIRS))
    trainable = {weight.path for weight in task.model.trainable_weights}
    assert trainable and len(trainable) < len(task.model.weights)
    assert any("lora" in path for path in trainable)
    assert all("lora" in path or path.endswith("/bias") for path in trainable)  # Keras keeps LoRA layers' biases
    task.save(tmp_path / "model")
    loaded = kerastl.load(tmp_path / "model")
    assert {weight.path for weight in loaded.model.trainable_weights} == trainable


def test_cli_trains_a_bart_preset_whole_and_predicts(tmp_path):
    from kerastl.cli.main import cli

    backbone = make_tiny_backbone(tmp_path / "tiny-bart", family="bart")
    (tmp_path / "train.en").write_text("\n".join(SOURCES) + "\n", encoding="utf-8")
    (tmp_path / "train.de").write_text("\n".join(SOURCES) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, [
        "train", "translation", "--train", str(tmp_path / "train"), "--source", "en", "--target", "de",
        "--backbone", str(backbone), "--epochs", "1", "--batch-size", "4", "--output", str(tmp_path / "model"),
    ])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "model" / "target_tokenizer").exists()
    assert kerastl.load(tmp_path / "model").seq2seq
    result = runner.invoke(cli, ["predict", str(tmp_path / "model"), "the red car"])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip("\n").endswith("\tthe red car")


def test_seq2seq_translator_refuses_an_encoder_backbone_and_says_what_to_use(tiny_backbone):
    from kerastl.backbones import load_backbone

    backbone, _ = load_backbone(str(tiny_backbone))
    with pytest.raises(ValueError, match=r"BertBackbone is of the 'encoder' kind\. Fix: use TranslationTask"):
        Seq2SeqTranslator(backbone)
