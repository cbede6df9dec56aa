"""Helpers of the report tests: NER sentences, adding items to a run folder, headless Chromium."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


#: Sentences of an NER run, one with a mistake of each kind (wrong type, missed, spurious).
SENTENCES = [
    {"text": "Angela Merkel met Macron in Paris.", "gold": [[0, 13, "PER"], [18, 24, "PER"], [28, 33, "LOC"]],
     "predicted": [[0, 13, "PER"], [28, 33, "ORG"]]},
    {"text": "Rain in Oslo today.", "gold": [[8, 12, "LOC"]], "predicted": [[8, 12, "LOC"], [13, 18, "MISC"]]},
]


def add_report_items(folder, *items):
    """Append `ReportItem`s to the run's metrics.json, as `kerastl train` stores them."""
    summary = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    summary["report_items"] += [item.to_dict() for item in items]
    (folder / "metrics.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


def chromium(page, tmp_path, *flags):
    """Run headless Chromium on `page` with `flags`; return what it printed."""
    profile = tmp_path / "chromium-profile"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
        *flags, page.resolve().as_uri(),
    ]
    try:
        return subprocess.run(command, check=True, capture_output=True, timeout=120, text=True).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="headless Chromium is not installed (apt-get install chromium)")
