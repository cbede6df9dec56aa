import json

from click.testing import CliRunner

from kerastl.cli.main import BUILT_IN_COMMANDS, cli


def _run_folder(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    summary = {"task": "sentiment", "train_examples": 4, "epochs": 1, "train_seconds": 1.0,
               "per_epoch": [{"epoch": 1, "loss": 0.7, "fit_metrics": {"accuracy": 0.5}}],
               "validation": {"accuracy": 0.75, "examples": 4}}
    (folder / "metrics.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


def test_report_is_a_built_in_command():
    assert BUILT_IN_COMMANDS["report"] == "kerastl.cli.report_command:report"
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0 and "HTML page" in result.output


def test_report_writes_the_page_beside_the_run_or_where_asked(tmp_path):
    folder = _run_folder(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "kerastl run: sentiment" in page and "0.7500" in page
    assert "training.png is missing" in page
    elsewhere = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["report", str(folder), "--output", str(elsewhere)])
    assert result.exit_code == 0 and elsewhere.is_file() and str(elsewhere) in result.output


def test_report_on_a_folder_that_is_no_run_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert "holds no metrics.json" in result.output and "Traceback" not in result.output
