import numpy as np
import pytest

import kerastl
from kerastl.errors import DataError
from kerastl.tasks import SentimentTask
from kerastl.testing import TOY_REVIEWS, run_task_test

TRAIN = TOY_REVIEWS


def test_sentiment_round_trip(tiny_backbone, tmp_path):
    task, metrics, predictions = run_task_test(
        SentimentTask, tiny_backbone, TRAIN, ["a great film", "a dull film"], tmp_path, epochs=2
    )
    assert set(metrics) >= {"accuracy", "macro_f1", "per_class"}
    assert 0.0 <= metrics["accuracy"] <= 1.0
    assert predictions[0].label in ("positive", "negative")
    assert sum(predictions[0].probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_sentiment_learns_a_separable_toy_problem(tiny_backbone):
    task = SentimentTask(str(tiny_backbone), learning_rate=3e-3, warmup_ratio=0.0, dropout=0.0)
    task.fit(TRAIN * 4, epochs=8, batch_size=8, verbose=0)
    assert task.evaluate(TRAIN)["accuracy"] == 1.0


def test_integer_labels_and_multiclass(tiny_backbone):
    rows = [("great film", 2), ("fine film", 1), ("awful film", 0)] * 3
    task = SentimentTask(str(tiny_backbone))
    task.fit(rows, epochs=1, batch_size=4, verbose=0)
    assert task.label_set.names == [0, 1, 2]
    prediction = task.predict("great film")[0]
    assert prediction.label in (0, 1, 2) and isinstance(prediction.label, int)
    # "2" read from a file is the same label as the integer 2
    assert task.evaluate([("great film", "2")])["examples"] == 1


def test_unknown_label_at_evaluation_names_the_example(tiny_backbone, tmp_path):
    task = SentimentTask(str(tiny_backbone))
    task.fit(TRAIN, epochs=1, verbose=0)
    data = tmp_path / "dev.tsv"
    data.write_text("sentence\tlabel\na great film\tpositive\na film\tneutral\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"dev.tsv:3: unknown label 'neutral'"):
        task.evaluate(data)


def test_predict_before_fit_says_what_to_do(tiny_backbone):
    with pytest.raises(RuntimeError, match="Call `fit` first"):
        SentimentTask(str(tiny_backbone)).predict(["a film"])


def test_one_label_is_refused(tiny_backbone):
    with pytest.raises(DataError, match="at least two labels"):
        SentimentTask(str(tiny_backbone)).fit([("a", "x"), ("b", "x")], verbose=0)


def test_load_refuses_a_missing_folder(tmp_path):
    with pytest.raises(kerastl.errors.ModelLoadError, match="No model folder"):
        kerastl.load(tmp_path / "nothing")


def test_predictions_keep_input_order_across_length_sorting(tiny_backbone):
    task = SentimentTask(str(tiny_backbone))
    task.fit(TRAIN, epochs=1, verbose=0)
    texts = ["film", "a very very long and boring film with a dull plot and bad music", "great"]
    together = task.predict(texts, batch_size=2)
    alone = [task.predict(text)[0] for text in texts]
    for a, b in zip(together, alone):
        assert a.text == b.text
        assert np.allclose(list(a.probabilities.values()), list(b.probabilities.values()), atol=1e-5)
