import pytest

from kerastl.reporting import confusion_matrix, per_class_table, plot_confusion_matrix, plot_per_class, plot_training

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

EPOCHS = [
    {"epoch": 1, "loss": 0.7, "val_loss": 0.6, "fit_metrics": {"accuracy": 0.6},
     "train": {"accuracy": 0.62}, "validation": {"accuracy": 0.64}},
    {"epoch": 2, "loss": 0.4, "val_loss": 0.5, "fit_metrics": {"accuracy": 0.8},
     "train": {"accuracy": 0.85}, "validation": {"accuracy": 0.78}},
]


def _is_png(path):
    return path.read_bytes()[:8] == PNG_SIGNATURE and path.stat().st_size > 5000


def test_training_plot_with_the_task_metric(tmp_path):
    assert _is_png(plot_training(EPOCHS, tmp_path / "training.png", metric="accuracy"))


def test_training_plot_without_validation_falls_back_to_keras_metrics(tmp_path):
    epochs = [{"epoch": 1, "loss": 0.7, "fit_metrics": {"accuracy": 0.5}}]
    assert _is_png(plot_training(epochs, tmp_path / "training.png", metric=None))


def test_confusion_matrix_counts_and_plot(tmp_path):
    true = ["pos", "pos", "neg", "neg", "neg"]
    predicted = ["pos", "neg", "neg", "neg", "pos"]
    assert confusion_matrix(true, predicted, ["neg", "pos"]).tolist() == [[2, 1], [1, 1]]
    counts = plot_confusion_matrix(true, predicted, ["neg", "pos"], tmp_path / "cm.png")
    assert counts.sum() == 5 and _is_png(tmp_path / "cm.png")


def test_per_class_chart_and_table(tmp_path):
    per_class = {"PER": {"precision": 0.9, "recall": 0.8, "f1": 0.847, "support": 10},
                 "LOC": {"precision": 0.5, "recall": 0.25, "f1": 0.333, "support": 4}}
    assert _is_png(plot_per_class(per_class, tmp_path / "per_type.png", title="Per entity type"))
    table = per_class_table(per_class)
    assert table["columns"] == ["class", "precision", "recall", "f1", "support"]
    assert table["rows"][0] == ["PER", 0.9, 0.8, pytest.approx(0.847), 10]
