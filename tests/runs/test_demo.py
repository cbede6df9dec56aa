import pytest

from kerastl.data import read_table
from kerastl.runs.demo import run_demo, sample_path, split_sample


def test_the_shipped_sample_is_balanced_and_readable():
    records = read_table(sample_path())
    labels = [r["label"] for r in records]
    assert len(records) >= 300 and set(labels) == {"positive", "negative"}
    assert abs(labels.count("positive") - labels.count("negative")) <= len(labels) * 0.1


def test_split_is_stratified_and_disjoint():
    records = [{"text": f"t{i}", "label": "ab"[i % 2]} for i in range(100)]
    train, test = split_sample(records, held_out=0.2, seed=3)
    assert len(test) == 20 and sum(r["label"] == "a" for r in test) == 10
    assert not {r["text"] for r in train} & {r["text"] for r in test}


@pytest.mark.large
def test_demo_beats_chance_on_the_real_backbone(real_backbone):
    lines = []
    metrics = run_demo(backbone=real_backbone, epochs=2, echo=lines.append)
    assert metrics["accuracy"] >= 0.75, lines
    assert any("Held-out accuracy" in line for line in lines)
