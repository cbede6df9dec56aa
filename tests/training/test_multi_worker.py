"""Multi-worker training: two `kerastl train --strategy multiworker` processes on loopback, one cluster."""

import json
import re
import sys

import numpy as np
import pytest
import tensorflow as tf

import kerastl
from kerastl.errors import KerastlError
from kerastl.testing import TOY_REVIEWS
from kerastl.training import check_tf_config, distributable_batches
from loopback_cluster import run_workers


@pytest.fixture()
def data(tmp_path):
    """13 training reviews (batches of 4: the last one splits 1 + 0 over the workers) and 7 for
    validation (one batch, split 4 + 3: unequal shares every validation pass)."""
    rows = [f"{text}\t{label}" for text, label in TOY_REVIEWS]
    (tmp_path / "train.tsv").write_text("sentence\tlabel\n" + "\n".join((rows * 2)[:13]) + "\n", encoding="utf-8")
    (tmp_path / "dev.tsv").write_text("sentence\tlabel\n" + "\n".join(rows[:7]) + "\n", encoding="utf-8")
    return tmp_path


def test_two_workers_train_in_sync_and_only_the_chief_writes(data, tiny_backbone):
    outputs = [data / "worker0", data / "worker1"]
    results = run_workers([_train_command(data, tiny_backbone, output) for output in outputs], data)
    for index, (code, log) in enumerate(results):
        assert code == 0, f"worker {index} failed:\n{log[-4000:]}"

    chief, other = outputs
    metrics = json.loads((chief / "metrics.json").read_text())
    losses = metrics["history"]["loss"]
    assert len(losses) == 2 and all(np.isfinite(losses))
    assert not (chief / "checkpoint").exists()  # the final save replaces the folder, checkpoint included
    assert (chief / "tensorboard").is_dir() and (chief / "config.yaml").is_file()
    assert len(kerastl.load(chief).predict(["a wonderful film"])) == 1
    # The other worker wrote nothing: no model, checkpoint or logs, not even a temporary folder.
    assert not other.exists()
    assert not [path.name for path in data.iterdir() if path.name.startswith(f".{other.name}")]

    # Both trained the same steps in one cluster: the same losses, the same validation scores.
    for code, log in results:
        assert _last_training_loss(log) == pytest.approx(losses[-1], abs=1e-4)
    chief_log, other_log = results[0][1], results[1][1]
    assert re.search(rf"saved (that epoch|epoch \d+ \(.*\)) to {re.escape(str(chief))}", chief_log)
    assert "not saved: the chief worker writes the model" in other_log
    assert _validation_headline(chief_log) == _validation_headline(other_log) == {
        key: value for key, value in metrics["validation"].items() if not isinstance(value, dict)}


def test_workers_that_found_different_checkpoints_stop_with_a_clear_error(data, tiny_backbone):
    outputs = [data / "worker0", data / "worker1"]
    checkpoint = outputs[0] / "checkpoint"
    checkpoint.mkdir(parents=True)
    (checkpoint / "state.json").write_text(json.dumps({"step": 3, "run": {}}))
    results = run_workers([_train_command(data, tiny_backbone, output) for output in outputs], data)
    for index, (code, log) in enumerate(results):
        assert code == 1, f"worker {index} should have stopped with an error:\n{log[-4000:]}"
        assert "The workers found different checkpoints to resume from (steps [3, 0]" in log
        assert "Traceback" not in log
    assert not outputs[1].exists()


def test_distributed_batches_are_sharded_by_data_not_by_file():
    dataset = distributable_batches(tf.data.Dataset.from_tensor_slices({"mask": [[True], [False]]}).batch(2))
    assert dataset.options().experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.DATA
    assert next(iter(dataset))["mask"].dtype == tf.int32


@pytest.mark.parametrize("tf_config, message", [
    ("{not json", "not valid JSON"),
    ('{"cluster": {}, "task": {"type": "worker", "index": 0}}', "names no workers"),
    ('{"cluster": {"worker": ["localhost:1"]}, "task": {"type": "ps", "index": 0}}', "is not one of its cluster"),
    ('{"cluster": {"worker": ["localhost:1"]}, "task": {"type": "worker", "index": 1}}', "index 1 .* out of range"),
])
def test_a_tf_config_that_cannot_work_says_what_is_wrong(tf_config, message):
    with pytest.raises(KerastlError, match=message):
        check_tf_config(tf_config)


def _train_command(data, backbone, output):
    return [sys.executable, "-m", "kerastl", "train", "sentiment", "--train", str(data / "train.tsv"),
            "--validation", str(data / "dev.tsv"), "--backbone", str(backbone), "--output", str(output),
            "--epochs", "2", "--batch-size", "4", "--max-length", "16", "--learning-rate", "1e-3",
            "--checkpoint-every", "2", "--tensorboard", "--strategy", "multiworker"]


def _last_training_loss(log):
    """The training loss of the last progress bar update of `kerastl train`'s output."""
    return float(re.findall(r"(?<!val_)loss: ([0-9.]+)", log)[-1])


def _validation_headline(log):
    """The validation metrics `kerastl train` prints as JSON after training."""
    match = re.search(r"^\{\n.*?^\}$", log, flags=re.MULTILINE | re.DOTALL)
    assert match, f"no validation metrics in:\n{log[-3000:]}"
    return json.loads(match.group(0))
