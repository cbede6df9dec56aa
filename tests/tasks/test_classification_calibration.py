"""Classification's temperature: fitted after training, saved, used by predict (and the report)."""

import json

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import kerastl
from kerastl.tasks.calibration import softmax_with_temperature
from kerastl.cli.main import cli
from kerastl.tasks import ClassificationTask
from kerastl.testing import TOY_REVIEWS, assert_predictions_close

KEYS = {"method", "temperature", "ece_before", "ece_after", "nll_before", "nll_after", "bins"}


@pytest.fixture(scope="module")
def calibrated(tiny_backbone):
    task = ClassificationTask(str(tiny_backbone), max_length=16)
    task.fit(TOY_REVIEWS, validation=TOY_REVIEWS, epochs=1, batch_size=8, verbose=0)
    return task


def test_fit_with_validation_fits_and_reports_the_temperature(calibrated):
    facts = calibrated.calibration
    assert set(facts) >= KEYS and facts["method"] == "temperature" and facts["bins"] == 15
    assert facts["temperature"] == calibrated.temperature == calibrated.get_config()["temperature"] != 1.0
    assert facts["nll_after"] <= facts["nll_before"] and 0 <= facts["ece_after"] <= 1
    assert sum(facts["reliability"]["after"]["count"]) == facts["examples"] == len(TOY_REVIEWS)
    json.dumps(facts)  # JSON-ready, as metrics.json needs


def test_predict_probabilities_are_the_softmax_of_logits_over_the_temperature(calibrated):
    records = calibrated.read(TOY_REVIEWS)
    logits = np.stack(calibrated.predict_outputs(records))
    names = calibrated.label_set.names
    for temperature in (calibrated.temperature, 3.0):
        calibrated.temperature = temperature
        predictions = calibrated.predict(records)
        probabilities = np.array([[p.probabilities[str(name)] for name in names] for p in predictions])
        assert np.allclose(probabilities, softmax_with_temperature(logits, temperature), atol=1e-6)
        assert [p.label for p in predictions] == [names[i] for i in logits.argmax(-1)]  # argmax unchanged
    assert not np.allclose(probabilities, softmax_with_temperature(logits, 1.0), atol=1e-3)
    calibrated.temperature = calibrated.calibration["temperature"]


def test_temperature_is_saved_and_loaded(calibrated, tmp_path):
    calibrated.save(tmp_path / "model")
    loaded = kerastl.load(tmp_path / "model")
    assert loaded.temperature == calibrated.temperature
    texts = ["a great film", "a dull film"]
    assert_predictions_close(calibrated.predict(texts), loaded.predict(texts), tolerance=1e-6)


def test_a_temperature_that_is_not_positive_is_refused(tiny_backbone):
    with pytest.raises(ValueError, match=r"Received: temperature=0"):
        ClassificationTask(str(tiny_backbone), temperature=0)


@pytest.mark.parametrize("calibrate", [True, False], ids=["calibrate", "no-calibrate"])
def test_cli_train_writes_the_calibration_and_its_reliability_diagram(tiny_backbone, tmp_path, calibrate):
    data = tmp_path / "reviews.tsv"
    data.write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in TOY_REVIEWS))
    output = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "sentiment", "--train", str(data), "--validation", str(data),
                                      "--output", str(output), "--backbone", str(tiny_backbone), "--epochs", "1",
                                      "--max-length", "16", "--calibrate" if calibrate else "--no-calibrate"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((output / "metrics.json").read_text())
    temperature = kerastl.load(output).temperature
    titles = [item["title"] for item in metrics["report_items"]]
    task_options = yaml.safe_load((output / "config.yaml").read_text())["task_options"]
    if calibrate:
        assert metrics["calibration"]["temperature"] == temperature
        assert "temperature" not in task_options  # learned: a rerun learns it again (or keeps 1 with --no-calibrate)
        assert "Calibration (reliability diagram)" in titles and (output / "reliability.png").stat().st_size > 5000
    else:
        assert temperature == 1.0 and "calibration" not in metrics and task_options["temperature"] == 1.0
        assert "Calibration (reliability diagram)" not in titles and not (output / "reliability.png").exists()
