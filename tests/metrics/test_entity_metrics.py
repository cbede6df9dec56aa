"""Entity metrics: a hand-computed case, and agreement with seqeval's own scoring functions."""

import random

import pytest
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from kerastl.metrics import entity_metrics


def test_scores_of_a_hand_computed_case():
    true = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "B-LOC"]]
    scores = entity_metrics(true, predicted)
    # reference: PER, LOC, ORG; predicted: PER, ORG (wrong type), ORG, LOC; correct: PER, ORG
    assert scores["precision"] == pytest.approx(2 / 4)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(4 / 7)
    assert scores["entities"] == 3 and scores["sentences"] == 2
    assert scores["per_type"]["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["per_type"]["ORG"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})


def test_an_entity_does_not_run_across_a_sentence_boundary():
    scores = entity_metrics([["B-PER"], ["I-PER"]], [["B-PER"], ["I-PER"]])
    assert scores["entities"] == 2 and scores["f1"] == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_seqeval_on_random_tags(seed):
    rng = random.Random(seed)
    tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG", "B-MISC"]
    for _ in range(40):
        true = [[rng.choice(tags) for _ in range(rng.randint(1, 8))] for _ in range(rng.randint(1, 6))]
        predicted = [[rng.choice(tags) for _ in sentence] for sentence in true]
        scores = entity_metrics(true, predicted)
        report = classification_report(true, predicted, output_dict=True, zero_division=0)
        assert scores["precision"] == pytest.approx(precision_score(true, predicted, zero_division=0))
        assert scores["recall"] == pytest.approx(recall_score(true, predicted, zero_division=0))
        assert scores["f1"] == pytest.approx(f1_score(true, predicted, zero_division=0))
        assert set(scores["per_type"]) == {name for name in report if not name.endswith(" avg")}
        for name, row in scores["per_type"].items():
            assert row["f1"] == pytest.approx(report[name]["f1-score"])
            assert row["support"] == report[name]["support"]


def test_sentences_must_pair_up():
    with pytest.raises(ValueError, match="Sentence 0 has 2 reference tags but 1 predicted"):
        entity_metrics([["O", "O"]], [["O"]])
