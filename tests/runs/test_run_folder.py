"""`run_folder`: the one output protocol of train, lr-find, curve and pretrain."""

import json

import pytest

from kerastl.atomic_files import RUN_MARKER, run_folder
from kerastl.errors import OutputError


def test_a_finished_run_leaves_its_facts_and_no_marker_or_leftovers(tmp_path):
    output = tmp_path / "run"
    with run_folder(output, "lr-find") as folder:
        folder.start()
        assert (output / RUN_MARKER).is_file()
        (output / "checkpoint").mkdir()
        folder.finish("lr_find.json", {"suggested": 3e-5}, leftovers=("checkpoint",))
    assert json.loads((output / "lr_find.json").read_text()) == {"suggested": 3e-5}
    assert sorted(entry.name for entry in output.iterdir()) == ["lr_find.json"]
    assert not (tmp_path / ".run.lock").exists()


def test_a_failed_run_removes_the_folder_it_created_when_only_the_marker_is_there(tmp_path):
    output = tmp_path / "run"
    with pytest.raises(RuntimeError), run_folder(output, "curve") as folder:
        folder.start()
        raise RuntimeError("the run failed")
    assert not output.exists()


def test_a_failed_run_keeps_a_folder_it_did_not_create_or_wrote_into(tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    with pytest.raises(RuntimeError), run_folder(kept, "curve") as folder:
        folder.start()
        raise RuntimeError("the run failed")
    assert (kept / RUN_MARKER).is_file()  # an interrupted run of this kind: the next one continues it
    written = tmp_path / "written"
    with pytest.raises(RuntimeError), run_folder(written, "curve") as folder:
        folder.start()
        (written / "curve.png").write_bytes(b"png")
        raise RuntimeError("the run failed")
    assert (written / "curve.png").is_file()


def test_a_folder_of_other_files_is_refused_before_the_block_runs(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="folder of other files"), run_folder(tmp_path, "model"):
        pytest.fail("the block ran")


def test_a_worker_that_does_not_write_checks_and_writes_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with run_folder(tmp_path, "model", writes=False) as folder:
        folder.start()
        folder.finish("metrics.json", {})
    assert [entry.name for entry in tmp_path.iterdir()] == ["notes.txt"]
