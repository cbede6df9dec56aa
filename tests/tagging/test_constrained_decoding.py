import numpy as np

from kerastl.tagging import tags_to_spans
from oracles import best_valid_tags

NAMES = ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]


def test_inside_tag_never_starts_or_switches_type():
    probabilities = np.array([
        [0.1, 0.1, 0.1, 0.1, 0.6],  # argmax I-PER at the start
        [0.1, 0.1, 0.6, 0.1, 0.1],  # argmax I-LOC after a PER
        [0.9, 0.0, 0.0, 0.0, 0.1],
    ])
    tags = best_valid_tags(probabilities, NAMES)
    for before, tag in zip(["O"] + tags, tags):
        if tag.startswith("I-"):
            assert before[2:] == tag[2:] and before != "O"
    assert len(tags_to_spans(tags)) == 1


def test_valid_argmax_is_kept():
    probabilities = np.eye(5)[[3, 4, 0, 1]] * 0.9 + 0.02
    assert best_valid_tags(probabilities, NAMES) == ["B-PER", "I-PER", "O", "B-LOC"]
    assert best_valid_tags(np.zeros((0, 5)), NAMES) == []
