"""The reliability diagram and the report item tasks add for a temperature calibration."""

from kerastl.tasks.calibration import temperature_facts
from kerastl.reporting import RELIABILITY_PLOT_FILE, plot_reliability, reliability_report_items

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def facts():
    before = ([0.99, 0.98, 0.97, 0.6], [True, False, True, True], 1.2)
    after = ([0.8, 0.75, 0.7, 0.55], [True, False, True, True], 0.6)
    return temperature_facts(2.0, before, after)


def test_plot_is_a_png(tmp_path):
    reliability = facts()["reliability"]
    path = plot_reliability(reliability["before"], reliability["after"], tmp_path / "reliability.png")
    assert path.read_bytes()[:8] == PNG_SIGNATURE and path.stat().st_size > 5000


def test_report_item_names_the_temperature_and_the_errors(tmp_path):
    calibration = facts()
    [item] = reliability_report_items(calibration, tmp_path, answers="predicted labels")
    assert item.image == RELIABILITY_PLOT_FILE and (tmp_path / RELIABILITY_PLOT_FILE).is_file()
    assert "T = 2.000" in item.caption and f"{calibration['ece_before']:.4f}" in item.caption
    assert "predicted labels" in item.caption


def test_no_item_without_a_temperature_calibration(tmp_path):
    assert reliability_report_items(None, tmp_path) == []
    assert reliability_report_items({"method": "thresholds", "thresholds": [0.5]}, tmp_path) == []
    assert reliability_report_items({"method": "temperature", "temperature": 1.0, "entities": 0}, tmp_path) == []
    assert not (tmp_path / RELIABILITY_PLOT_FILE).exists()
