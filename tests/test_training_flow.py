"""`kerastl train`'s flow runs one way: each file read once, validation predicted once per epoch."""

import pytest

from kerastl.reporting import headline_metrics
from kerastl.tasks import ClassificationTask, inference
from kerastl.training_run import run_training

TRAIN = "sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in [
    ("a wonderful film", "positive"), ("the best movie", "positive"), ("an awful film", "negative"),
    ("the worst movie", "negative"), ("great music", "positive"), ("dull music", "negative")])
VALIDATION = "sentence\tlabel\ngreat film\tpositive\nawful music\tnegative\nthe best music\tpositive\n"


@pytest.mark.parametrize("calibrate", [False, True], ids=["no-calibrate", "calibrate"])
def test_files_are_read_once_and_validation_is_predicted_once_per_epoch(tiny_backbone, tmp_path, monkeypatch,
                                                                        calibrate):
    (tmp_path / "train.tsv").write_text(TRAIN, encoding="utf-8")
    (tmp_path / "dev.tsv").write_text(VALIDATION, encoding="utf-8")
    files_read, rows_forwarded = [], []
    read_file, traced_call = ClassificationTask.read_file, inference.traced_call

    def counting_read_file(self, path, **options):
        files_read.append(path.name)
        return read_file(self, path, **options)

    def counting_traced_call(model):
        run = traced_call(model)

        def counting_run(batch):
            rows_forwarded.append(int(batch["token_ids"].shape[0]))
            return run(batch)

        return counting_run

    monkeypatch.setattr(ClassificationTask, "read_file", counting_read_file)
    monkeypatch.setattr(inference, "traced_call", counting_traced_call)
    summary = run_training("sentiment", tmp_path / "train.tsv", tmp_path / "run", validation=tmp_path / "dev.tsv",
                           task_options={"backbone": str(tiny_backbone), "max_length": 16}, epochs=2,
                           batch_size=2, verbose=0, train_sample=0, calibrate=calibrate)
    assert sorted(files_read) == ["dev.tsv", "train.tsv"]
    # Two epochs, three validation examples: one pass an epoch, none repeated for calibration, the
    # summary or the report (calibration's logits and the calibrated predictions are the last epoch's).
    assert sum(rows_forwarded) == 2 * 3
    assert headline_metrics(summary["validation"]) == summary["per_epoch"][-1]["validation"]
    assert summary["report_items"], "the report figures come from the last epoch's predictions"
