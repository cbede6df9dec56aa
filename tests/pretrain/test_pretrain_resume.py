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
