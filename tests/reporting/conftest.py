"""A finished-looking run folder, without training (reports only read files)."""

import json

import pytest

from kerastl.reporting import ReportItem, per_class_table, plot_confusion_matrix, plot_training
from kerastl.runs.run_config import write_run_config
from report_pages import SENTENCES, add_report_items

EPOCHS = [
    {"epoch": 1, "loss": 0.69, "val_loss": 0.61, "fit_metrics": {"accuracy": 0.55},
     "train": {"accuracy": 0.6}, "validation": {"accuracy": 0.7}},
    {"epoch": 2, "loss": 0.41, "val_loss": 0.52, "fit_metrics": {"accuracy": 0.81},
     "train": {"accuracy": 0.86}, "validation": {"accuracy": 0.8125}},
]


@pytest.fixture
def fake_run(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    plot_training(EPOCHS, folder / "training.png", metric="accuracy")
    true = ["negative"] * 5 + ["positive"] * 3
    predicted = ["negative"] * 4 + ["positive"] * 4
    plot_confusion_matrix(true, predicted, ["negative", "positive"], folder / "confusion_matrix.png")
    per_class = {"negative": {"precision": 1.0, "recall": 0.8, "f1": 0.8889, "support": 5},
                 "positive": {"precision": 0.75, "recall": 1.0, "f1": 0.8571, "support": 3}}
    summary = {
        "task": "sentiment", "train_examples": 40, "epochs": 2, "train_seconds": 12.5,
        "per_epoch": EPOCHS, "main_metric": "accuracy", "train_sample_examples": 40,
        "best_epoch": {"epoch": 2, "metric": "accuracy", "value": 0.8125, "on": "validation"},
        "validation_examples": 8, "validation": {"accuracy": 0.875, "macro_f1": 0.873, "examples": 8,
                                                 "per_class": per_class},
        "report_items": [
            ReportItem("Confusion matrix", image="confusion_matrix.png", caption="Rows: true label.").to_dict(),
            ReportItem("Per-class <scores>", table=per_class_table(per_class)).to_dict(),
        ],
    }
    (folder / "metrics.json").write_text(json.dumps(summary), encoding="utf-8")
    write_run_config(folder / "config.yaml", {"task": "sentiment", "train": "/data/train.tsv", "epochs": 2})
    return folder


@pytest.fixture
def error_analysis_run(fake_run):
    """`fake_run` with the error-analysis items of a classification and an NER run."""
    from kerastl.reporting.error_analysis import confident_mistakes, entity_confusion

    mistakes = confident_mistakes(["a dull, lifeless film", "not bad at all"], ["negative", "positive"],
                                  ["positive", "negative"], [0.97, 0.88])
    gold = [sentence["gold"] for sentence in SENTENCES]
    predicted = [sentence["predicted"] for sentence in SENTENCES]
    return add_report_items(
        fake_run,
        ReportItem("Most confident mistakes", table=mistakes),
        ReportItem("Entity types confused", table=entity_confusion(gold, predicted)),
        ReportItem("Sentences with mistakes", spans=SENTENCES, caption="gold above, predicted below"),
    )
