"""Multi-label end to end on a WordPiece and a SentencePiece family: fit, evaluate, predict, save, load,
export, and the export served with TensorFlow alone equal to `predict`, thresholds included."""

import numpy as np
import pytest

import kerastl
from kerastl.tasks import MultiLabelTask
from kerastl.testing import run_task_test

TRAIN = [("great music 🎬", ["positive", "music"]), ("i loved it", ["positive"]), ("terrible music", ["negative", "music"]),
         ("boring", ["negative"]), ("the city", []), ("이 영화 정말 재미있어요", ["positive"])]
#: Label order: music, negative, positive. 0 predicts a label always, 1 (almost) never.
THRESHOLDS = [0.0, 1.0, 0.5]


@pytest.mark.parametrize("family", ["bert", "xlm_roberta"])
def test_multi_label_round_trip_and_export_serve_like_predict(family, tiny_family_backbone, tmp_path,
                                                              export_and_serve, serving_texts):
    task, metrics, predictions = run_task_test(MultiLabelTask, tiny_family_backbone(family), TRAIN, serving_texts,
                                               tmp_path, task_options={"max_length": 24, "thresholds": THRESHOLDS})
    assert set(metrics) >= {"jaccard_accuracy", "micro_f1", "macro_f1", "subset_accuracy", "per_label"}
    assert all(p.labels[:1] == ["music"] and "negative" not in p.labels for p in predictions)
    saved = tmp_path / "MultiLabelTask-saved"

    description, served = export_and_serve(saved, serving_texts)
    assert description["labels"] == ["music", "negative", "positive"] and description["thresholds"] == THRESHOLDS
    expected = kerastl.load(saved).predict(serving_texts)
    for scores, predicted, labels, prediction in zip(served["scores"], served["predicted"], served["labels"],
                                                     expected):
        assert np.allclose(scores, [prediction.scores[name] for name in description["labels"]], atol=1e-5)
        assert [name for name, on in zip(description["labels"], predicted) if on] == prediction.labels
        assert labels == prediction.labels + [""] * (3 - len(prediction.labels))
