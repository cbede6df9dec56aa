"""A long pass over data says how far it has got, on standard error; a short one says nothing."""

import io

from kerastl.tasks import pass_progress
from kerastl.tasks.pass_progress import PassProgress


def test_a_short_pass_prints_nothing():
    stream = io.StringIO()
    progress = PassProgress(100, "texts", stream=stream)
    progress.update(50)
    progress.close()
    assert stream.getvalue() == ""


def test_a_long_pass_prints_counts_and_a_final_line(monkeypatch):
    monkeypatch.setattr(pass_progress, "QUIET_SECONDS", 0.0)
    monkeypatch.setattr(pass_progress, "LOG_UPDATE_SECONDS", 0.0)
    stream = io.StringIO()
    progress = PassProgress(20_000, "texts", stream=stream)
    progress.update(5_000)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("kerastl: 5,000/20,000 texts (25%)") and "left" in lines[0]
    assert lines[-1].startswith("kerastl: 20,000/20,000 texts (100%)")


def test_a_pass_whose_last_update_was_its_end_prints_it_once(monkeypatch):
    monkeypatch.setattr(pass_progress, "QUIET_SECONDS", 0.0)
    stream = io.StringIO()
    progress = PassProgress(64, "examples", stream=stream)
    progress.update(64)
    progress.close()
    assert stream.getvalue().splitlines() == [stream.getvalue().splitlines()[0]]
    assert stream.getvalue().startswith("kerastl: 64/64 examples (100%)")
