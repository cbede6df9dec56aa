"""`kerastl train`'s flow runs one way: each file read once, validation predicted once per epoch."""

import pytest

from kerastl.reporting import headline_metrics
from kerastl.tasks import ClassificationTask
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
    read_file, forward = ClassificationTask.read_file, ClassificationTask.forward

    def counting_read_file(self, path, **options):
        files_read.append(path.name)
        return read_file(self, path, **options)

    def counting_forward(self, batch):
        rows_forwarded.append(int(batch["token_ids"].nrows()))
        return forward(self, batch)

    monkeypatch.setattr(ClassificationTask, "read_file", counting_read_file)
    monkeypatch.setattr(ClassificationTask, "forward", counting_forward)
    summary = run_training("sentiment", tmp_path / "train.tsv", tmp_path / "run", validation=tmp_path / "dev.tsv",
                           task_options={"backbone": str(tiny_backbone), "max_length": 16}, epochs=2,
                           batch_size=2, verbose=0, train_sample=0, calibrate=calibrate)
    assert sorted(files_read) == ["dev.tsv", "train.tsv"]
    # Two epochs, three validation examples: one pass an epoch, none repeated for the summary or report;
    # calibration adds one pass for its logits and one for the calibrated predictions the report shows.
    assert sum(rows_forwarded) == (2 + 2 * calibrate) * 3
    assert headline_metrics(summary["validation"]) == summary["per_epoch"][-1]["validation"]
    assert summary["report_items"], "the report figures come from the last epoch's predictions"
