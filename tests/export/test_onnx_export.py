"""ONNX export: the folder answers raw text as `predict` does, served by onnxruntime, numpy and
`tokenizers` in a process where importing TensorFlow, Keras, keras-hub or kerastl fails.

Every tokenizer kind is served: WordPiece (BERT), byte-level BPE (RoBERTa, GPT-2) and SentencePiece
(XLM-R, whose ids are shifted from its proto's, and DeBERTa-v3), for a classifier (calibrated, and of
text pairs), a multi-label classifier and an NER tagger (texts longer than `max_length`: windows).
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.errors import KerastlError
from kerastl.export.onnx import ONNX_DESCRIPTION_FILE, export_onnx
from kerastl.export.onnx import runtime
from kerastl.tasks import ClassificationTask, MultiLabelTask, NerTask, SentimentTask
from kerastl.testing import TOY_REVIEWS
from onnx_serving import assert_same_answers, serve

TEXTS = [
    "Angela Merkel met Emmanuel Macron in Paris.",
    "",
    "dull plot 😀 電影 and bad music",
    "  two  spaces\tand a tab, then CAPITALS ",
    "김민수 씨는 서울에 살아요",
    "john smith met angela merkel in paris . " * 12,  # past max_length: truncated, or NER's windows
]
PAIRS = [("A man sleeps.", "He rests."), ("a great film", "ok"), ("dull plot " * 20, "bad music 😀")]
NER_TRAIN = [
    (["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
     ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O"]),
    (["John", "Smith", "was", "in", "Berlin"], ["B-PER", "I-PER", "O", "O", "B-LOC"]),
]
MULTILABEL_TRAIN = [("great music", ["positive", "music"]), ("boring", ["negative"]), ("the city", [])]


def export_and_predict(task, folder, inputs):
    export_onnx(task, folder)
    return [prediction.to_dict() for prediction in task.predict(inputs)]


@pytest.mark.parametrize("family", ["bert", "roberta", "xlm_roberta", "deberta_v3", "gpt2"])
def test_served_answers_equal_predict_for_every_tokenizer_kind(family, tiny_family_backbone, tmp_path):
    backbone = str(tiny_family_backbone(family))
    classifier = SentimentTask(backbone, max_length=16)
    classifier.fit(TOY_REVIEWS, epochs=1, batch_size=4, verbose=0)
    classifier.temperature = 2.5  # as calibration sets it: the graph applies it
    ner = NerTask(backbone, scheme="iob2", max_length=12)
    ner.fit(NER_TRAIN, epochs=1, batch_size=2, verbose=0)
    expected = {str(tmp_path / "classifier"): export_and_predict(classifier, tmp_path / "classifier", TEXTS),
                str(tmp_path / "ner"): export_and_predict(ner, tmp_path / "ner", TEXTS)}
    served = serve({folder: TEXTS for folder in expected})
    for folder, predicted in expected.items():
        assert_same_answers(predicted, served[folder])
    assert any(answer["entities"] for answer in served[str(tmp_path / "ner")])  # decoding is exercised
    assert (tmp_path / "ner/kerastl_onnx.py").read_bytes() == Path(runtime.__file__).read_bytes()


@pytest.mark.parametrize("family", ["bert", "roberta"])  # segment ids; RoBERTa's double separator
def test_pair_classifier_and_multilabel_served_answers_equal_predict(family, tiny_family_backbone, tmp_path):
    backbone = str(tiny_family_backbone(family))
    pairs = ClassificationTask(backbone, text_pairs=True, max_length=16)
    pairs.fit([("A man sleeps.", "He rests.", "entailment"), ("A man runs.", "He sleeps.", "contradiction")],
              epochs=1, batch_size=2, verbose=0)
    multilabel = MultiLabelTask(backbone, max_length=16)
    multilabel.fit(MULTILABEL_TRAIN, epochs=1, batch_size=2, verbose=0)
    multilabel.thresholds = [0.0, 1.0, 0.5]  # always, never, by score
    expected = {str(tmp_path / "pairs"): export_and_predict(pairs, tmp_path / "pairs", PAIRS),
                str(tmp_path / "multilabel"): export_and_predict(multilabel, tmp_path / "multilabel", TEXTS)}
    served = serve({str(tmp_path / "pairs"): [list(pair) for pair in PAIRS], str(tmp_path / "multilabel"): TEXTS})
    for folder, predicted in expected.items():
        assert_same_answers(predicted, served[folder])
    description = json.loads((tmp_path / "pairs" / ONNX_DESCRIPTION_FILE).read_text())
    assert ("segment_ids" in description["inputs"]) == (family == "bert")


def test_int8_export_is_quantized_and_serves(tiny_family_backbone, tmp_path):
    import onnx

    classifier = SentimentTask(str(tiny_family_backbone("bert")), max_length=16)
    classifier.fit(TOY_REVIEWS, epochs=1, batch_size=4, verbose=0)
    classifier.save(tmp_path / "model")
    for name, options in (("float32", []), ("int8", ["--quantize", "int8"])):
        result = CliRunner().invoke(cli, ["export", str(tmp_path / "model"), "--format", "onnx", "--output",
                                          str(tmp_path / name), *options])
        assert result.exit_code == 0, result.output
    operators = {node.op_type for node in onnx.load(str(tmp_path / "int8/model.onnx")).graph.node}
    assert "MatMulInteger" in operators or "DynamicQuantizeMatMul" in operators
    assert not list(tmp_path.glob("int8/*.float32.onnx"))  # the float32 step is not left behind
    served = serve({str(tmp_path / "float32"): TEXTS, str(tmp_path / "int8"): TEXTS})
    float32 = np.array([[a["probabilities"][k] for k in sorted(a["probabilities"])]
                        for a in served[str(tmp_path / "float32")]])
    int8 = np.array([[a["probabilities"][k] for k in sorted(a["probabilities"])]
                     for a in served[str(tmp_path / "int8")]])
    np.testing.assert_allclose(int8.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(int8, float32, atol=0.1)
    assert json.loads((tmp_path / "int8" / ONNX_DESCRIPTION_FILE).read_text())["quantized"] == "int8"


def test_shell_runtime_prints_one_json_answer_per_text(tiny_family_backbone, tmp_path):
    classifier = SentimentTask(str(tiny_family_backbone("bert")), max_length=16)
    classifier.fit(TOY_REVIEWS, epochs=1, batch_size=4, verbose=0)
    export_onnx(classifier, tmp_path / "onnx")
    completed = subprocess.run([sys.executable, str(tmp_path / "onnx/kerastl_onnx.py"), "a fine film", "dull"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [answer["text"] for answer in answers] == ["a fine film", "dull"]
    assert {answer["label"] for answer in answers} <= {"negative", "positive"}


def test_translation_and_bad_requests_are_refused_with_nothing_written(tiny_family_backbone, tmp_path):
    from kerastl.tasks import TranslationTask

    translation = TranslationTask(str(tiny_family_backbone("bert")), max_length=8)
    translation.fit([("a cat", "un chat"), ("a dog", "un chien")], epochs=1, batch_size=2, verbose=0)
    with pytest.raises(KerastlError, match="covers classification, multilabel and NER"):
        export_onnx(translation, tmp_path / "translation")
    assert not (tmp_path / "translation").exists()
    with pytest.raises(KerastlError, match="quantize"):
        export_onnx(translation, tmp_path / "other", quantize="int4")

    translation.save(tmp_path / "model")
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "model"), "--quantize", "int8", "--output",
                                      str(tmp_path / "savedmodel")])
    assert result.exit_code == 2 and "--quantize applies to --format onnx" in result.output
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "model"), "--format", "onnx", "--output",
                                      str(tmp_path / "onnx")])
    assert result.exit_code == 1 and "covers classification, multilabel and NER" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "onnx").exists()


def test_an_earlier_export_is_replaced_only_with_overwrite(tiny_family_backbone, tmp_path):
    classifier = SentimentTask(str(tiny_family_backbone("bert")), max_length=16)
    classifier.fit(TOY_REVIEWS, epochs=1, batch_size=4, verbose=0)
    export_onnx(classifier, tmp_path / "onnx")
    with pytest.raises(KerastlError, match="--overwrite"):
        export_onnx(classifier, tmp_path / "onnx")
    export_onnx(classifier, tmp_path / "onnx", overwrite=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "other/notes.txt").write_text("mine")
    with pytest.raises(KerastlError):
        export_onnx(classifier, tmp_path / "other", overwrite=True)
    assert (tmp_path / "other/notes.txt").read_text() == "mine"


@pytest.mark.parametrize("family", ["bert", "xlm_roberta"])  # XLM-R: words opening with a bare "▁" piece
def test_ner_with_mean_pooling_and_argmax_decoding_serves_like_predict(family, tiny_family_backbone, tmp_path):
    ner = NerTask(str(tiny_family_backbone(family)), scheme="iob2", max_length=10, word_pooling="mean",
                  decoding="argmax", window_stride=3)
    ner.fit(NER_TRAIN, epochs=1, batch_size=2, verbose=0)
    ner.temperature = 0.7  # with mean pooling the temperature can change the tags
    expected = export_and_predict(ner, tmp_path / "ner", TEXTS)
    assert_same_answers(expected, serve({str(tmp_path / "ner"): TEXTS})[str(tmp_path / "ner")])


def test_missing_export_tools_are_one_line_naming_the_install(tiny_family_backbone, tmp_path, monkeypatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tf2onnx" else find_spec(name, *a))
    classifier = SentimentTask(str(tiny_family_backbone("bert")), max_length=16)
    classifier.prepare(classifier.read(TOY_REVIEWS))
    with pytest.raises(KerastlError, match=r"needs tf2onnx.*pip install 'kerastl\[onnx\]'"):
        export_onnx(classifier, tmp_path / "onnx")
    assert not (tmp_path / "onnx").exists()
