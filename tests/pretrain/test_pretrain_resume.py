import json

import pytest

from kerastl.errors import KerastlError
from kerastl.pretrain import pretrain
from kerastl.tasks import SentimentTask

TEXTS = ["아 더빙 진짜 짜증나네요 목소리", "Die Straße in München ist schön", "The Cat sat on the mat"] * 20
TINY = {"size": "tiny", "vocabulary_size": 300, "sequence_length": 16, "batch_size": 4, "log_every": 0}


def test_pretraining_resumes_from_its_checkpoint(tmp_path):
    output = tmp_path / "resumed"
    first = pretrain(TEXTS, output, epochs=1, max_steps=3, checkpoint_every=2, **TINY)
    assert first["steps"] == 3 and not first["complete"] and first["stopped_by"] == "max_steps"
    state = json.loads((output / "checkpoint" / "state.json").read_text())
    assert state["step"] == 3
    lines = []
    second = pretrain(TEXTS, output, epochs=1, checkpoint_every=2, log=lines.append, **TINY)
    assert any("Resuming" in line and "step 3" in line for line in lines)
    assert second["steps"] == second["total_steps"] > 3 and second["complete"]
    assert json.loads((output / "checkpoint" / "state.json").read_text())["step"] == second["total_steps"]
    SentimentTask(str(output), labels=["neg", "pos"], max_length=16).build()  # loads as a backbone
    with pytest.raises(KerastlError, match="other options"):
        pretrain(TEXTS, output, epochs=2, **TINY)


def test_a_run_killed_mid_stream_continues_from_its_checkpoint(tmp_path):
    """kill -9 during training, then the same command again: it resumes and finishes."""
    import os
    import signal
    import subprocess
    import sys
    import time

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(f"{text} number {i}" for i, text in enumerate(TEXTS * 5)) + "\n", encoding="utf-8")
    output = tmp_path / "killed"
    command = [sys.executable, "-m", "kerastl", "pretrain", "--corpus", str(corpus), "--output", str(output),
               "--size", "tiny", "--vocabulary-size", "300", "--sequence-length", "16", "--batch-size", "4",
               "--steps", "400", "--checkpoint-every", "5"]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = output / "checkpoint" / "state.json"
    deadline = time.monotonic() + 240
    while not state.is_file() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state.is_file(), "no checkpoint was written before the deadline"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = json.loads(state.read_text())["step"]
    assert 0 < killed_at < 400

    finished = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert f"Resuming from {output / 'checkpoint'} at step" in finished.stdout
    metrics = json.loads((output / "pretrain_metrics.json").read_text())
    assert metrics["steps"] == 400 and metrics["complete"]
