"""Distributed training through tf.distribute, on two logical CPU devices of this machine."""

import json
import os
import subprocess
import sys

import pytest

from kerastl.errors import KerastlError
from kerastl.training import resolve_distribution

# Runs in a fresh process: logical devices must be set up before TensorFlow starts.
TRAIN_BOTH_WAYS = """
import json, sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from kerastl.tasks import SentimentTask
from kerastl.training import trainer
clipped_adamw = trainer.warmup_cosine_adamw
def unclipped_adamw(*args, **kwargs):
    optimizer = clipped_adamw(*args, **kwargs)
    optimizer.global_clipnorm = 1e9
    return optimizer
rows = [("a wonderful film", "positive"), ("the best movie", "positive"), ("great music", "positive"),
        ("i loved it", "positive"), ("an awful film", "negative"), ("the worst movie", "negative"),
        ("dull music", "negative"), ("i hated it", "negative")]
result = {}
for name, distribution, clip in (("single", None, True), ("mirrored", "mirrored", True),
                                 ("single_unclipped", None, False), ("mirrored_unclipped", "mirrored", False)):
    task = SentimentTask(sys.argv[1], dropout=0.0, learning_rate=1e-3, warmup_ratio=0.0, max_length=16)
    # Keras clips each replica's gradients before summing them: the one difference. "Unclipped"
    # keeps the clipping op (it makes the embedding's sparse gradient dense, which the all-reduce
    # of two replicas needs) at a norm no gradient here reaches.
    trainer.warmup_cosine_adamw = clipped_adamw if clip else unclipped_adamw
    # One global batch an epoch: tf.distribute rebatches the dataset (half a batch per replica,
    # each padded and grouped by length on its own), so with several batches an epoch the steps
    # would hold other examples than on one device; one batch keeps the comparison exact.
    history = task.fit(rows, epochs=3, batch_size=8, verbose=0, distribution=distribution)
    result[name] = {"loss": history.history["loss"],
                    "replicas": task.trainer.strategy.num_replicas_in_sync if task.trainer.strategy else 1,
                    "scores": [p.score for p in task.predict([text for text, _ in rows])]}
    if name == "mirrored":
        task.save(sys.argv[2])
print(json.dumps(result))
"""


def test_mirrored_on_two_cpu_devices_matches_one_device(backbone_without_dropout, tmp_path):
    completed = subprocess.run(
        [sys.executable, "-c", TRAIN_BOTH_WAYS, str(backbone_without_dropout), str(tmp_path / "model")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["mirrored"]["replicas"] == 2
    # Without gradient clipping two replicas train exactly as one device does.
    assert result["mirrored_unclipped"]["loss"] == pytest.approx(result["single_unclipped"]["loss"], abs=1e-5)
    assert result["mirrored_unclipped"]["scores"] == pytest.approx(result["single_unclipped"]["scores"], abs=1e-5)
    # With the tasks' global_clipnorm=1.0, Keras clips each replica's half-batch gradients before
    # the all-reduce: the first loss (same weights) is equal, later ones close.
    assert result["mirrored"]["loss"][0] == pytest.approx(result["single"]["loss"][0], abs=1e-5)
    assert result["mirrored"]["loss"] == pytest.approx(result["single"]["loss"], rel=2e-2)
    assert result["mirrored"]["scores"] == pytest.approx(result["single"]["scores"], abs=5e-2)
    import kerastl

    assert len(kerastl.load(tmp_path / "model").predict(["a wonderful film"])) == 1


def test_unknown_distribution_is_a_clear_error():
    with pytest.raises(KerastlError, match="Unknown distribution 'ring'.*mirrored"):
        resolve_distribution("ring")


def test_multiworker_without_tf_config_says_what_to_set(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(KerastlError, match="TF_CONFIG"):
        resolve_distribution("multiworker")
