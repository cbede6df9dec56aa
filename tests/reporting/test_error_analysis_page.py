"""The error-analysis items on the page: marked sentences, tables, and nothing from the run folder executes."""

import re

import pytest
from report_pages import SENTENCES, add_report_items, chromium, needs_chromium

from kerastl.errors import DataError
from kerastl.reporting import ReportItem, render_html_report, write_html_report

#: Would set the page title if it ran.
SCRIPT = "<script>document.title = 'ran' + 'script'</script>"
ATTRIBUTE = '"><img src=x onerror="document.title=1">'


def _marks(page):
    """`(text, type, outlined)` of each entity mark on the page, in order."""
    return [(words, kind, bool(mistake)) for mistake, words, kind in
            re.findall(r'<mark class="entity( mistake)?" style="[^"]*">(.*?)<span class="type">(.*?)</span></mark>',
                       page)]


def test_sentences_show_gold_above_predicted_with_mistakes_outlined(error_analysis_run):
    page = render_html_report(error_analysis_run)
    legend = re.findall(r'<mark class="entity" style="[^"]*">(\w+)</mark>', page)
    assert legend == ["LOC", "MISC", "ORG", "PER"]
    marks = _marks(page)
    first, second = marks[:5], marks[5:]
    assert first == [("Angela Merkel", "PER", False), ("Macron", "PER", True), ("Paris", "LOC", True),  # gold
                     ("Angela Merkel", "PER", False), ("Paris", "ORG", True)]  # predicted
    assert second == [("Oslo", "LOC", False), ("Oslo", "LOC", False), ("today", "MISC", True)]
    assert page.index(">gold<") < page.index(">predicted<")
    assert "3 mistakes" in page and "1 mistake<" in page
    # One color per type, the same for every mark of the type.
    colors = {}
    for color, kind in re.findall(r'style="background: (#[0-9a-f]{6})">[^<]*<span class="type">(\w+)<', page):
        colors.setdefault(kind, set()).add(color)
    assert all(len(shades) == 1 for shades in colors.values()) and len(set.union(*colors.values())) == 4
    assert "a dull, lifeless film" in page and "0.9700" in page  # the mistakes table
    assert "(spurious)" in page and "(missed)" in page  # the confusion table


def test_every_string_of_the_sentences_is_escaped(fake_run):
    sentence = {"text": f"Hi {SCRIPT} Bob", "gold": [[3, 3 + len(SCRIPT), SCRIPT]],
                "predicted": [[len(SCRIPT) + 4, len(SCRIPT) + 7, ATTRIBUTE]]}
    add_report_items(fake_run, ReportItem(SCRIPT, spans=[sentence], caption=SCRIPT))
    page = render_html_report(fake_run)
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;document.title" in page
    assert "&quot;&gt;&lt;img src=x onerror=&quot;" in page


def test_malformed_sentences_in_metrics_are_a_data_error(fake_run):
    add_report_items(fake_run, ReportItem("Sentences", spans=SENTENCES))
    summary = (fake_run / "metrics.json").read_text(encoding="utf-8")
    (fake_run / "metrics.json").write_text(summary.replace('[28, 33, "ORG"]', '[28, 99, "ORG"]'),
                                           encoding="utf-8")
    with pytest.raises(DataError, match=r"not a metrics file `kerastl train` wrote .*\[28, 99, 'ORG'\]"):
        render_html_report(fake_run)


@needs_chromium
def test_new_sections_render_in_headless_chromium(error_analysis_run, tmp_path):
    add_report_items(error_analysis_run, ReportItem(SCRIPT, spans=[{"text": SCRIPT, "gold": [[0, 8, SCRIPT]]}]))
    page = write_html_report(error_analysis_run)
    dom = chromium(page, tmp_path, "--dump-dom")
    assert "<h2>Sentences with mistakes</h2>" in dom and "<h2>Most confident mistakes</h2>" in dom
    assert len(_marks(dom)) == 9
    assert "ranscript" not in dom  # the script text in the run folder did not run
    assert "<script" not in dom
    screenshot = tmp_path / "report.png"
    chromium(page, tmp_path, f"--screenshot={screenshot}", "--window-size=1200,3000")
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000, "the screenshot is blank or not a PNG"
