"""Export of translation: raw strings in, the translation `predict` writes, served without kerastl."""

import pytest

import kerastl
from kerastl.tasks import TranslationTask
from kerastl.testing import make_tiny_backbone

PAIRS = [
    ("a man is riding a bike", "Ein Mann fährt Fahrrad."),
    ("a dog and a cat", "Ein Hund und eine Katze, oder?"),
    ("the red car", "Das rote T-Shirt (neu)."),
    ("a woman in the city", "Eine Frau in der Stadt's."),
]
TINY = {"decoder_layers": 1, "decoder_heads": 2, "max_target_length": 12, "target_vocabulary_size": 200,
        "max_length": 16}


@pytest.mark.parametrize("num_beams", [1, 3])
def test_exported_translation_serves_the_translations_of_predict_without_kerastl(
        tiny_backbone, tmp_path, export_and_serve, serving_texts, num_beams):
    # Untrained: random pieces, punctuation and ## continuations, which is what detokenizing needs.
    task = TranslationTask(str(tiny_backbone), num_beams=num_beams, **TINY)
    task.prepare(task.read(PAIRS))
    task.save(tmp_path / "model")
    description, served = export_and_serve(tmp_path / "model", serving_texts)
    assert description["outputs"] == ["translation"] and description["num_beams"] == num_beams
    expected = kerastl.load(tmp_path / "model").predict(serving_texts)
    assert served["translation"] == [p.translation for p in expected]


@pytest.mark.parametrize("family, num_beams", [("bart", 1), ("bart", 3), ("t5", 1)])
def test_exported_seq2seq_translation_serves_the_translations_of_predict_without_kerastl(
        family, num_beams, tmp_path, export_and_serve, serving_texts):
    # Untrained BART/T5: random byte-level BPE or SentencePiece pieces, detokenized in the graph.
    backbone = make_tiny_backbone(tmp_path / f"tiny-{family}", family=family)
    task = TranslationTask(str(backbone), num_beams=num_beams, max_target_length=12, max_length=16)
    task.prepare(task.read(PAIRS))
    task.save(tmp_path / "model")
    description, served = export_and_serve(tmp_path / "model", serving_texts)
    assert description["outputs"] == ["translation"] and description["num_beams"] == num_beams
    expected = kerastl.load(tmp_path / "model").predict(serving_texts)
    assert served["translation"] == [p.translation for p in expected]
    assert any(served["translation"])
