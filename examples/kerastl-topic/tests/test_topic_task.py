"""The plugin's own test, written with kerastl's public harness."""

from kerastl.testing import make_tiny_backbone, run_task_test
from kerastl_topic import TopicTask

TRAIN = [
    {"text": "the team won the game", "topic": "sports"},
    {"text": "the team lost the game", "topic": "sports"},
    {"text": "the vote in the election", "topic": "politics"},
    {"text": "a new election vote", "topic": "politics"},
    {"text": "a study of research in science", "topic": "science"},
    {"text": "new science research", "topic": "science"},
]


def test_topic_task_round_trip(tmp_path):
    backbone = make_tiny_backbone(tmp_path / "tiny")
    task, metrics, predictions = run_task_test(TopicTask, backbone, TRAIN, ["the team won"], tmp_path)
    assert predictions[0].label in ("sports", "politics", "science")
    assert set(task.label_set.names) == {"sports", "politics", "science"}
