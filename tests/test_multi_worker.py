"""Multi-worker training: two `kerastl train --strategy multiworker` processes on loopback, one cluster."""

import json
import os
import re
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

import kerastl
from kerastl.errors import KerastlError
from kerastl.testing import TOY_REVIEWS
from kerastl.training import check_tf_config, distributable_batches

#: Seconds both workers get to finish together; a hung worker fails the test, never CI.
DEADLINE = 240
#: Seconds the other workers get to stop by themselves once one has failed.
GRACE = 30


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
    results = _run_workers([_train_command(data, tiny_backbone, output) for output in outputs], data)
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
    assert f"saved to {chief}" in chief_log
    assert "not saved: the chief worker writes the model" in other_log
    assert _validation_headline(chief_log) == _validation_headline(other_log) == {
        key: value for key, value in metrics["validation"].items() if not isinstance(value, dict)}


def test_workers_that_found_different_checkpoints_stop_with_a_clear_error(data, tiny_backbone):
    outputs = [data / "worker0", data / "worker1"]
    checkpoint = outputs[0] / "checkpoint"
    checkpoint.mkdir(parents=True)
    (checkpoint / "state.json").write_text(json.dumps({"step": 3, "run": {}}))
    results = _run_workers([_train_command(data, tiny_backbone, output) for output in outputs], data)
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


def _run_workers(commands, folder):
    """Run one command per worker of a loopback cluster; return each one's `(exit code, output)`.

    Once a worker fails the others get `GRACE` seconds to stop too; whatever still runs then, or
    at `DEADLINE`, is killed (a deadline fails the test).
    """
    addresses = [f"localhost:{port}" for port in _free_ports(len(commands))]
    logs = [folder / f"worker{index}.log" for index in range(len(commands))]
    processes = []
    try:
        for index, (command, log) in enumerate(zip(commands, logs)):
            tf_config = {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
            environment = {**os.environ, "TF_CONFIG": json.dumps(tf_config), "TF_CPP_MIN_LOG_LEVEL": "2",
                           "CUDA_VISIBLE_DEVICES": ""}
            with open(log, "w") as file:
                processes.append(subprocess.Popen(command, env=environment, stdout=file, stderr=subprocess.STDOUT))
        deadline, failed = time.monotonic() + DEADLINE, False
        while None in (codes := [process.poll() for process in processes]) and time.monotonic() < deadline:
            if not failed and any(code not in (None, 0) for code in codes):
                deadline, failed = min(deadline, time.monotonic() + GRACE), True
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
    results = [(process.returncode, log.read_text(errors="replace")) for process, log in zip(processes, logs)]
    if None in codes and not failed:
        pytest.fail(f"the workers did not finish within {DEADLINE} s:\n" + "\n".join(log[-3000:] for _, log in results))
    return results


def _free_ports(count):
    """`count` TCP ports free on loopback now (bound and released, so distinct)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for one in sockets:
            one.bind(("localhost", 0))
        return [one.getsockname()[1] for one in sockets]
    finally:
        for one in sockets:
            one.close()


def _last_training_loss(log):
    """The training loss of the last progress bar update of `kerastl train`'s output."""
    return float(re.findall(r"(?<!val_)loss: ([0-9.]+)", log)[-1])


def _validation_headline(log):
    """The validation metrics `kerastl train` prints as JSON after training."""
    match = re.search(r"^\{\n.*?^\}$", log, flags=re.MULTILINE | re.DOTALL)
    assert match, f"no validation metrics in:\n{log[-3000:]}"
    return json.loads(match.group(0))
