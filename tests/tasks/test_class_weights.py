"""Class weights for imbalanced labels: parsing, the weighted loss, and the tasks that use them."""

import numpy as np
import pytest
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.errors import KerastlError
from kerastl.losses import ClassWeightedCrossentropy
from kerastl.tasks import ClassificationTask, NerTask
from kerastl.tasks.class_weights import balanced_class_weight, class_weights_in_order, parse_class_weight

SKEWED = [("a great film", "positive")] * 3 + [("a dull film", "negative")] * 9
FAST = {"learning_rate": 3e-3, "warmup_ratio": 0.0, "dropout": 0.0, "max_length": 16}


def test_parse_class_weight_reads_balanced_and_mappings():
    assert parse_class_weight("balanced") == "balanced"
    assert parse_class_weight("positive=3, negative=0.5") == {"positive": 3.0, "negative": 0.5}
    for bad in ("positive", "positive=abc", "positive=0", "positive=-1", "=2"):
        with pytest.raises(KerastlError, match="Fix:"):
            parse_class_weight(bad)


def test_balanced_weights_follow_n_over_k_count_and_keep_the_mean_at_one():
    observed = ["neg"] * 6 + ["pos"] * 2 + ["mid"] * 4
    weights = balanced_class_weight(["neg", "mid", "pos"], observed)
    assert weights == {"neg": round(12 / (3 * 6), 4), "mid": 1.0, "pos": 2.0}
    assert np.mean([weights[label] for label in observed]) == pytest.approx(1.0, abs=1e-3)
    # NER: "O" is left out of n and k and keeps weight 1
    tags = balanced_class_weight(["O", "B-PER", "B-LOC"], ["O"] * 50 + ["B-PER"] * 3 + ["B-LOC"],
                                 ignore=("O",))
    assert tags == {"O": 1.0, "B-PER": round(4 / 6, 4), "B-LOC": 2.0}


def test_a_mapping_naming_an_unknown_label_is_refused():
    assert class_weights_in_order({"1": 4}, [0, 1]) == [1.0, 4.0]  # "1" from a file is the label 1
    with pytest.raises(KerastlError, match=r"\['neutral'\].*Fix"):
        class_weights_in_order({"neutral": 2}, ["negative", "positive"])


@pytest.mark.parametrize("ignore_class", [None, -1])
def test_weighted_loss_equals_keras_sample_weights(ignore_class):
    import keras

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=(4, 6))
    logits = rng.normal(size=(4, 6, 3)).astype("float32")
    weights = np.array([0.5, 2.0, 7.0])
    if ignore_class is not None:
        labels[:, -2:] = ignore_class
    counted = labels != ignore_class
    sample_weight = np.where(counted, weights[np.where(counted, labels, 0)], 0.0)
    expected = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")(
        np.where(counted, labels, 0), logits, sample_weight=sample_weight) / counted.sum()
    loss = ClassWeightedCrossentropy(weights, ignore_class=ignore_class)
    assert float(loss(labels, logits)) == pytest.approx(float(expected), rel=1e-5)
    restored = ClassWeightedCrossentropy.from_config(loss.get_config())
    assert float(restored(labels, logits)) == pytest.approx(float(expected), rel=1e-5)


def _mean_probability(task, label):
    return np.mean([p.probabilities[label] for p in task.predict([text for text, _ in SKEWED])])


def test_balanced_classification_resolves_weights_and_shifts_predictions_to_the_rare_label(tiny_backbone, tmp_path):
    plain = ClassificationTask(str(tiny_backbone), **FAST)
    plain.fit(SKEWED, epochs=2, batch_size=4, verbose=0)
    weighted = ClassificationTask(str(tiny_backbone), class_weight="balanced", **FAST)
    weighted.fit(SKEWED, epochs=2, batch_size=4, verbose=0)
    assert weighted.class_weight == {"negative": round(12 / 18, 4), "positive": 2.0}
    assert isinstance(weighted.trainer.task.model.loss, ClassWeightedCrossentropy)
    # The same seed and data: only the weights differ, and they pull toward the rare label.
    assert _mean_probability(weighted, "positive") > _mean_probability(plain, "positive")
    weighted.save(tmp_path / "model")
    loaded = kerastl.load(tmp_path / "model")
    assert loaded.class_weight == weighted.class_weight
    assert loaded.loss().class_weights == [round(12 / 18, 4), 2.0]


def test_ner_type_weights_go_to_both_tags_of_the_type(tiny_backbone):
    train = [(["Angela", "Merkel", "in", "Paris"], ["B-PER", "I-PER", "O", "B-LOC"])] * 2
    task = NerTask(str(tiny_backbone), scheme="iob2", class_weight={"LOC": 3, "O": 0.5}, **FAST)
    task.fit(train, epochs=1, batch_size=2, verbose=0)
    weights = dict(zip(task.label_set.names, task.loss().class_weights))
    assert weights == {"O": 0.5, "B-LOC": 3.0, "B-PER": 1.0, "I-PER": 1.0}
    task.class_weight = {"ORG": 2}
    with pytest.raises(KerastlError, match=r"\['ORG'\].*types are \['LOC', 'PER'\]"):
        task.loss()


def test_cli_class_weight_is_trained_with_and_recorded(tiny_backbone, tmp_path):
    data = tmp_path / "train.tsv"
    data.write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in SKEWED), encoding="utf-8")
    runner = CliRunner()
    bad = runner.invoke(cli, ["train", "sentiment", "--train", str(data), "--output", str(tmp_path / "bad"),
                              "--backbone", str(tiny_backbone), "--class-weight", "positive=lots"])
    assert bad.exit_code != 0 and "must be a positive number" in bad.output and "Traceback" not in bad.output
    result = runner.invoke(cli, ["train", "sentiment", "--train", str(data), "--output", str(tmp_path / "run"),
                                 "--backbone", str(tiny_backbone), "--epochs", "1", "--class-weight", "balanced"])
    assert result.exit_code == 0, result.output
    assert "class_weight:\n    negative: 0.6667\n    positive: 2.0" in (tmp_path / "run" / "config.yaml").read_text()
    assert kerastl.load(tmp_path / "run").class_weight == {"negative": 0.6667, "positive": 2.0}
