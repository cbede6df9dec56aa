"""No string of a run folder becomes markup in `kerastl report`: a payload in every field, one at a time."""

import html
import json
import shutil
from html.parser import HTMLParser

import pytest
import yaml

from kerastl.errors import DataError
from kerastl.reporting import render_html_report

PAYLOADS = ["<img src=x onerror=alert(1)>", '"><script>alert(1)</script>', "' onmouseover='alert(1)",
            "</pre></td></table><svg onload=alert(1)>"]
#: The tags a report is made of; anything else in a page is markup that came from the run folder.
REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "tr", "th", "td", "img",
               "pre", "div", "span", "mark"}


class _Markup(HTMLParser):
    """The tags and attributes of a page."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs


def live_markup(page):
    """What in `page` could run or load something: unknown tags, event attributes, images not inlined."""
    parser = _Markup()
    parser.feed(page)
    found = [f"<{tag}>" for tag in parser.tags if tag not in REPORT_TAGS]
    found += [f"{name}=" for name, _ in parser.attributes if name.startswith("on")]
    found += [f"{name}={value!r}" for name, value in parser.attributes
              if name == "src" and not value.startswith("data:image/png;base64,")]
    found += [f"{name}={value!r}" for name, value in parser.attributes
              if name not in ("alt", "title") and value and "alert" in value]  # alt text is shown, never run
    return found


def _places(value, path=()):
    """Every leaf (string or number) and every key of a JSON value, as a path of keys and indices."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, ("key", key))
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*path, index))
    elif not isinstance(value, bool) and value is not None:
        yield path


def _with_payload(summary, place, payload):
    """A copy of `summary` with `payload` at `place` (a key renamed, or a leaf replaced)."""
    copy = json.loads(json.dumps(summary))
    *parents, last = place
    holder = copy
    for key in parents:
        holder = holder[key]
    if isinstance(last, tuple):
        holder[payload] = holder.pop(last[1])
    else:
        holder[last] = payload
    return copy


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_any_metrics_field_is_shown_as_text(error_analysis_run, payload):
    metrics = error_analysis_run / "metrics.json"
    summary = json.loads(metrics.read_text(encoding="utf-8"))
    places = list(_places(summary))
    assert len(places) > 80
    shown = 0
    for place in places:
        metrics.write_text(json.dumps(_with_payload(summary, place, payload)), encoding="utf-8")
        try:
            page = render_html_report(error_analysis_run)
        except DataError:
            continue  # a field the report checks (an offset, a table's shape) refused the payload: no page
        assert live_markup(page) == [], place
        shown += html.escape(payload) in page
    assert shown > len(places) // 2  # most fields are displayed, escaped


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_the_config_or_the_folder_name_is_shown_as_text(fake_run, payload):
    (fake_run / "config.yaml").write_text(yaml.safe_dump({"task": payload, payload: "x", "train": "/data/train.tsv"}))
    name = payload.replace("/", "")
    folder = shutil.move(fake_run, fake_run.with_name(name))
    page = render_html_report(folder)
    assert live_markup(page) == []
    assert html.escape(name) in page  # the title and the folder line
    assert html.escape(payload) in page  # the configuration


def test_the_markup_check_sees_markup(fake_run):
    page = render_html_report(fake_run)
    assert live_markup(page) == []
    assert live_markup(page.replace("<h1>", "<h1><img src=x onerror=alert(1)>")) != []
