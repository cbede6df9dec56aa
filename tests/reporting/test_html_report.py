import base64
import re

import pytest

from kerastl.errors import DataError
from kerastl.reporting import render_html_report, write_html_report
from kerastl.reporting.html_report import METRICS_FILE
from report_pages import chromium, needs_chromium

def _inlined_images(page):
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def test_page_holds_the_figures_tables_and_config(fake_run):
    page = render_html_report(fake_run)
    images = _inlined_images(page)
    assert len(images) == 2  # training curves and confusion matrix
    assert images[0] == (fake_run / "training.png").read_bytes()
    assert all(image.startswith(b"\x89PNG") for image in images)
    assert "kerastl run: sentiment" in page
    assert "Confusion matrix" in page and "Rows: true label." in page
    assert "Per-class &lt;scores&gt;" in page  # titles are escaped
    assert '<td class="number">0.8125</td>' in page  # the best epoch's validation accuracy
    assert '<tr class="best">' in page
    assert "0.8889" in page  # per-class table
    assert "accuracy (Keras, training)" in page
    assert "train: /data/train.tsv" in page  # config.yaml
    assert "src=\"http" not in page and "<script" not in page  # stands alone


def test_write_is_beside_the_run_by_default(fake_run, tmp_path):
    assert write_html_report(fake_run) == fake_run / "report.html"
    elsewhere = write_html_report(fake_run, tmp_path / "pages" / "page.html")
    assert elsewhere.read_text(encoding="utf-8") == (fake_run / "report.html").read_text(encoding="utf-8")
    assert not list(fake_run.glob(".report.html.tmp-*"))


def test_missing_figures_are_named_not_fatal(fake_run):
    (fake_run / "confusion_matrix.png").unlink()
    page = render_html_report(fake_run)
    assert "confusion_matrix.png is missing from the run folder" in page


def test_a_folder_without_metrics_says_what_to_pass(tmp_path):
    with pytest.raises(DataError, match=f"holds no {METRICS_FILE}.*--output folder"):
        render_html_report(tmp_path)


def test_metrics_file_name_matches_training_run():
    from kerastl.runs.train import METRICS_FILE as written

    assert METRICS_FILE == written


@needs_chromium
def test_page_renders_in_headless_chromium(fake_run, tmp_path):
    page = write_html_report(fake_run)
    screenshot = tmp_path / "report.png"
    chromium(page, tmp_path, f"--screenshot={screenshot}", "--window-size=1200,1600")
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG")
    # A blank page compresses to a few kilobytes; figures and tables make it much larger.
    assert len(data) > 50_000, f"the screenshot is only {len(data)} bytes; the page may be blank"
