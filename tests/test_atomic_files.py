import os
import stat

import pytest

from kerastl.atomic_files import atomic_file, atomic_folder


def test_a_failed_folder_write_keeps_the_old_folder(tmp_path):
    target = tmp_path / "model"
    with atomic_folder(target) as folder:
        (folder / "weights").write_text("good")
    with pytest.raises(RuntimeError):
        with atomic_folder(target) as folder:
            (folder / "weights").write_text("half")
            raise RuntimeError("crash while saving")
    assert (target / "weights").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no temporary leftovers


def test_a_folder_write_replaces_the_whole_folder(tmp_path):
    target = tmp_path / "model"
    with atomic_folder(target) as folder:
        (folder / "old").write_text("x")
    with atomic_folder(target) as folder:
        (folder / "new").write_text("y")
    assert [p.name for p in target.iterdir()] == ["new"]


def test_a_failed_file_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "metrics.json"
    with atomic_file(target) as file:
        file.write("{}")
    with pytest.raises(ValueError):
        with atomic_file(target) as file:
            file.write('{"half":')
            raise ValueError("crash while writing")
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]


def test_outputs_get_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_file(tmp_path / "a.txt") as file:
            file.write("x")
        with atomic_folder(tmp_path / "folder") as folder:
            (folder / "b.txt").write_text("y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "folder").stat().st_mode) == 0o755


# === Output folders: only kerastl's own are replaced ===

from kerastl.atomic_files import (RUN_MARKER, check_output_file, check_output_folder, output_lock,  # noqa: E402
                                  remove_leftovers)
from kerastl.errors import OutputError  # noqa: E402


def test_a_missing_or_empty_output_is_new(tmp_path):
    assert check_output_folder(tmp_path / "a" / "b", "model") == "new"
    (tmp_path / "empty").mkdir()
    assert check_output_folder(tmp_path / "empty", "model") == "new"


@pytest.mark.parametrize("kind", ["model", "export", "pretrain", "curve"])
def test_a_folder_of_other_files_is_refused_even_with_overwrite(tmp_path, kind):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("years of work")
    for overwrite in (False, True):
        with pytest.raises(OutputError, match=r"mine is a folder of other files.*never replaces it.*new or empty"):
            check_output_folder(tmp_path / "mine", kind, overwrite=overwrite)
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "years of work"


def test_a_file_is_refused_as_an_output_folder(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError, match=r"out exists and is not a folder"):
        check_output_folder(tmp_path / "out", "model", overwrite=True)


def test_a_symlink_is_refused_as_an_output_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(OutputError, match=r"link exists and is not a folder"):
        check_output_folder(tmp_path / "link", "model")


def test_a_finished_output_needs_overwrite(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "kerastl.json").write_text("{}")
    with pytest.raises(OutputError, match=r"already holds a kerastl model\. Fix: pass --overwrite"):
        check_output_folder(tmp_path / "model", "model")
    assert check_output_folder(tmp_path / "model", "model", overwrite=True) == "replace"


def test_a_task_saves_over_a_model_folder_only_with_overwrite(tiny_sentiment_copy):
    """Running a script that saves a model twice (the README's quickstart) replaces the first save."""
    import kerastl

    task = kerastl.load(tiny_sentiment_copy)
    (tiny_sentiment_copy / "weights.marker").write_text("from the first save")
    with pytest.raises(OutputError, match=r"already holds a kerastl model"):
        task.save(tiny_sentiment_copy)
    assert (tiny_sentiment_copy / "weights.marker").exists()
    task.save(tiny_sentiment_copy, overwrite=True)
    assert not (tiny_sentiment_copy / "weights.marker").exists()
    assert kerastl.load(tiny_sentiment_copy).predict(["a fine film"])[0].to_dict() == \
        task.predict(["a fine film"])[0].to_dict()


def test_a_finished_output_of_another_kind_is_refused(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "kerastl.json").write_text("{}")
    with pytest.raises(OutputError, match=r"not a kerastl export \(SavedModel\) folder"):
        check_output_folder(tmp_path / "model", "export", overwrite=True)


def test_an_interrupted_run_is_continued(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / RUN_MARKER).write_text('{"kind": "model"}')
    assert check_output_folder(tmp_path / "run", "model") == "resume"
    with pytest.raises(OutputError, match="folder of other files"):
        check_output_folder(tmp_path / "run", "pretrain")
    (tmp_path / "ckpt" / "checkpoint").mkdir(parents=True)
    (tmp_path / "ckpt" / "checkpoint" / "state.json").write_text("{}")
    assert check_output_folder(tmp_path / "ckpt", "model") == "resume"


def test_an_output_in_a_read_only_folder_is_refused(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=r"locked/out cannot be written: .*locked is not writable"):
            check_output_folder(locked / "out" / "deeper", "model")
    finally:
        locked.chmod(0o755)


def test_an_output_file_kerastl_did_not_write_is_refused(tmp_path):
    (tmp_path / "notes.html").write_text("<html>my notes</html>")
    with pytest.raises(OutputError, match=r"notes.html is a file kerastl did not write"):
        check_output_file(tmp_path / "notes.html", "kerastl report")
    (tmp_path / "report.html").write_text("<html><meta kerastl report></html>")
    check_output_file(tmp_path / "report.html", "kerastl report")
    check_output_file(tmp_path / "new.html", "kerastl report")


# === The lock and the leftovers ===

def test_a_live_lock_keeps_a_second_run_out(tmp_path):
    with output_lock(tmp_path / "out"):
        with pytest.raises(OutputError, match=rf"in use by another kerastl run \(process {os.getpid()}"):
            with output_lock(tmp_path / "out"):
                pass
    assert not (tmp_path / ".out.lock").exists()


def test_the_lock_of_a_dead_process_is_taken_over(tmp_path):
    import socket
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / ".out.lock").write_text(f"{socket.gethostname()} {dead.stdout.strip()}")
    with output_lock(tmp_path / "out") as lock:
        assert lock.read_text().endswith(f" {os.getpid()}")
    assert not lock.exists()


def test_leftovers_of_killed_runs_are_removed(tmp_path):
    output = tmp_path / "out"
    (output / ".checkpoint.tmp-abc").mkdir(parents=True)
    (output / ".metrics.json.tmp-x").write_text("half")
    (output / "keep.txt").write_text("kept")
    (tmp_path / ".out.tmp-123").mkdir()
    (tmp_path / ".out.old-456").mkdir()
    (tmp_path / ".other.tmp-1").mkdir()
    remove_leftovers(output)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp-1", "out"]
    assert [p.name for p in output.iterdir()] == ["keep.txt"]


def test_a_folder_write_keeps_the_named_entries(tmp_path):
    target = tmp_path / "run"
    (target / "checkpoint").mkdir(parents=True)
    (target / "checkpoint" / "state.json").write_text('{"step": 6}')
    (target / "old-model.txt").write_text("old")
    with atomic_folder(target, keep=("checkpoint", "not-there")) as folder:
        (folder / "kerastl.json").write_text("{}")
    assert sorted(p.name for p in target.iterdir()) == ["checkpoint", "kerastl.json"]
    assert (target / "checkpoint" / "state.json").read_text() == '{"step": 6}'


def test_a_folder_moved_aside_by_a_killed_replacement_is_restored(tmp_path):
    """A kill between the two renames of a replacement leaves the old folder aside: it comes back."""
    (tmp_path / ".run.old-x1" / "run").mkdir(parents=True)
    (tmp_path / ".run.old-x1" / "run" / ".kerastl-run.json").write_text('{"kind": "model"}')
    (tmp_path / ".run.tmp-x2").mkdir()
    remove_leftovers(tmp_path / "run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert check_output_folder(tmp_path / "run", "model") == "resume"


def test_a_finished_pretraining_with_a_checkpoint_is_continued(tmp_path):
    (tmp_path / "bb" / "checkpoint").mkdir(parents=True)
    (tmp_path / "bb" / "checkpoint" / "state.json").write_text("{}")
    (tmp_path / "bb" / "pretrain_metrics.json").write_text("{}")
    assert check_output_folder(tmp_path / "bb", "pretrain") == "resume"
    (tmp_path / "m" / "checkpoint").mkdir(parents=True)
    (tmp_path / "m" / "checkpoint" / "state.json").write_text("{}")
    (tmp_path / "m" / "kerastl.json").write_text("{}")
    with pytest.raises(OutputError, match="already holds a kerastl model"):
        check_output_folder(tmp_path / "m", "model")
