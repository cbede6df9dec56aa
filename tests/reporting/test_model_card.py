"""Every model folder carries a model card (README.md, Hugging Face layout) that says what the model is and scored."""

import json

import yaml
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.reporting.model_card import model_card
from kerastl.tasks import SentimentTask

ROWS = "sentence\tlabel\na great film\tpositive\na dull film\tnegative\nloved it\tpositive\nhated it\tnegative\n"


def _front_matter(card):
    _, front, body = card.split("---\n", 2)
    return yaml.safe_load(front), body


def test_the_card_has_model_index_metadata_and_the_sections_a_reader_looks_for():
    card = model_card({"name": "sst2-model", "task": "classification", "labels": ["negative", "positive"],
                       "backbone": "minilm-l6", "backbone_license": "apache-2.0",
                       "backbone_source": "sentence-transformers/all-MiniLM-L6-v2",
                       "train": {"data": "/data/train.tsv", "examples": 2000, "epochs": 1, "batch_size": 32,
                                 "learning_rate": 5e-5, "kept_epoch": {"epoch": 1, "chosen_by": "the best"}},
                       "validation": {"data": "/data/dev.tsv", "examples": 872,
                                      "metrics": {"accuracy": 0.7924, "macro_f1": 0.79, "label": "not a number"}},
                       "calibration": {"method": "temperature", "temperature": 1.3, "reliability": {"x": 1}}})
    front, body = _front_matter(card)
    assert front["library_name"] == "kerastl" and front["pipeline_tag"] == "text-classification"
    assert front["license"] == "apache-2.0" and front["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    metrics = front["model-index"][0]["results"][0]["metrics"]
    assert {m["type"]: m["value"] for m in metrics} == {"accuracy": 0.7924, "macro_f1": 0.79}
    for section in ("## Training", "## Evaluation", "## Calibration", "## Intended use and limits", "## How to use"):
        assert section in body
    assert "`negative`, `positive`" in body and '"reliability"' not in body and "kerastl.load" in body


def test_train_writes_the_card_and_evaluate_adds_to_it(tmp_path, tiny_backbone):
    (tmp_path / "train.tsv").write_text(ROWS)
    output = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "sentiment", "--backbone", str(tiny_backbone), "--epochs", "1",
                                      "--train", str(tmp_path / "train.tsv"), "--validation",
                                      str(tmp_path / "train.tsv"), "--output", str(output)])
    assert result.exit_code == 0, result.output
    front, body = _front_matter((output / "README.md").read_text())
    accuracy = json.loads((output / "metrics.json").read_text())["validation"]["accuracy"]
    results = front["model-index"][0]["results"]
    assert {m["type"]: m["value"] for m in results[0]["metrics"]}["accuracy"] == round(accuracy, 4)
    assert "| examples | 4 |" in body and "weights saved | epoch 1" in body

    result = CliRunner().invoke(cli, ["evaluate", str(output), "--data", str(tmp_path / "train.tsv"), "--update-card"])
    assert result.exit_code == 0, result.output
    front, _ = _front_matter((output / "README.md").read_text())
    assert len(front["model-index"][0]["results"]) == 2  # validation, then the evaluation on --data
    assert kerastl.load(output).label_set.names == ["negative", "positive"]  # the card files do not disturb loading


def test_a_model_saved_from_python_has_a_card_too(tmp_path, tiny_backbone):
    task = SentimentTask(str(tiny_backbone), max_length=16)
    task.prepare(task.read([("a great film", "positive"), ("a dull film", "negative")]))
    task.save(tmp_path / "saved")
    front, body = _front_matter((tmp_path / "saved" / "README.md").read_text())
    assert front["base_model"] == str(tiny_backbone) and "model-index" not in front and "# saved" in body
