"""Every command that writes an --output writes only into a folder kerastl may replace.

A folder of the user's files is refused before any work (even with --overwrite), a finished
kerastl output of the same kind is replaced only with --overwrite, two runs never share one
output, and what killed runs left behind is cleaned up by the next run.
"""

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli

ROWS = "sentence\tlabel\ngood film\tpositive\ngreat movie\tpositive\nbad film\tnegative\nawful movie\tnegative\n"


def digest(folder):
    """A hash of every name and byte under `folder` (links not followed)."""
    sha = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        sha.update(str(path.relative_to(folder)).encode())
        if path.is_file() and not path.is_symlink():
            sha.update(path.read_bytes())
    return sha.hexdigest()


@pytest.fixture()
def data(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text(ROWS, encoding="utf-8")
    return path


@pytest.fixture()
def users_folder(tmp_path):
    folder = tmp_path / "mine"
    (folder / "chapters").mkdir(parents=True)
    (folder / "thesis.tex").write_text("years of work")
    (folder / "chapters" / "one.tex").write_text("chapter one")
    return folder


@pytest.fixture(scope="module")
def trained(tiny_backbone, tmp_path_factory):
    """The output folder of a finished one-epoch `kerastl train` run."""
    tmp_path = tmp_path_factory.mktemp("trained")
    (tmp_path / "train.tsv").write_text(ROWS, encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, _train(tmp_path / "train.tsv", tiny_backbone, out))
    assert result.exit_code == 0, result.output
    return out


def _train(data, backbone, output, *extra):
    return ["train", "sentiment", "--train", str(data), "--backbone", str(backbone), "--epochs", "1",
            "--batch-size", "2", "--output", str(output), *extra]


def _fails_cleanly(result, *fragments):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} not in {result.output!r}"


COMMANDS = {
    "train": lambda data, backbone, model, out: _train(data, backbone, out),
    "export": lambda data, backbone, model, out: ["export", str(model), "--output", str(out)],
    "pretrain": lambda data, backbone, model, out: ["pretrain", "--corpus", str(data), "--size", "tiny",
                                                    "--output", str(out)],
    "curve": lambda data, backbone, model, out: ["curve", "sentiment", "--train", str(data), "--validation",
                                                 str(data), "--sizes", "2", "--backbone", str(backbone),
                                                 "--output", str(out)],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "with-overwrite"])
def test_a_folder_of_the_users_files_is_never_replaced(command, overwrite, data, users_folder, tiny_backbone,
                                                         trained):
    before = digest(users_folder)
    arguments = COMMANDS[command](data, tiny_backbone, trained, users_folder) + (["--overwrite"] if overwrite else [])
    result = CliRunner().invoke(cli, arguments)
    _fails_cleanly(result, f"--output {users_folder} is a folder of other files", "even with --overwrite",
                   "Fix: choose a new or empty folder for --output")
    assert digest(users_folder) == before
    assert sorted(p.name for p in users_folder.parent.iterdir() if p.name.startswith(".mine")) == []


def test_refused_before_any_work(data, users_folder, tiny_backbone, tmp_path):
    """The output is checked first: a missing training file is not even looked at."""
    result = CliRunner().invoke(cli, _train(tmp_path / "missing.tsv", tiny_backbone, users_folder))
    _fails_cleanly(result, "is a folder of other files")


def test_a_file_as_output_is_refused(data, tiny_backbone, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    from kerastl.errors import OutputError
    from kerastl.runs.train import run_training

    with pytest.raises(OutputError, match=r"notes.txt exists and is not a folder"):
        run_training("sentiment", data, target, task_options={"backbone": str(tiny_backbone)}, overwrite=True)
    assert target.read_text() == "my notes"


def test_a_trained_model_is_replaced_only_with_overwrite(trained, tiny_backbone, tmp_path):
    before = digest(trained)
    data = trained.parent / "train.tsv"
    refused = CliRunner().invoke(cli, _train(data, tiny_backbone, trained))
    _fails_cleanly(refused, f"--output {trained} already holds a kerastl model", "Fix: pass --overwrite")
    assert digest(trained) == before


def test_overwrite_replaces_a_trained_model(tiny_backbone, tmp_path, data):
    out = tmp_path / "run"
    assert CliRunner().invoke(cli, _train(data, tiny_backbone, out)).exit_code == 0
    (out / "training.png").unlink()
    result = CliRunner().invoke(cli, _train(data, tiny_backbone, out, "--overwrite"))
    assert result.exit_code == 0, result.output
    assert (out / "kerastl.json").is_file() and (out / "training.png").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".run")) == []


def test_export_twice_needs_overwrite(trained, tmp_path):
    out = tmp_path / "serving"
    assert CliRunner().invoke(cli, ["export", str(trained), "--output", str(out)]).exit_code == 0
    before = digest(out)
    refused = CliRunner().invoke(cli, ["export", str(trained), "--output", str(out)])
    _fails_cleanly(refused, f"--output {out} already holds a kerastl export", "--overwrite")
    assert digest(out) == before
    model_as_export = CliRunner().invoke(cli, ["export", str(trained), "--output", str(trained), "--overwrite"])
    _fails_cleanly(model_as_export, "not a kerastl export (SavedModel) folder")


def test_a_read_only_parent_is_refused_before_training(data, tiny_backbone, tmp_path, monkeypatch):
    import kerastl.atomic_files

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(kerastl.atomic_files.os, "access",
                        lambda path, mode: False if Path(path) == locked else real_access(path, mode))
    result = CliRunner().invoke(cli, _train(data, tiny_backbone, locked / "out"))
    _fails_cleanly(result, f"--output {locked / 'out'} cannot be written: {locked} is not writable")


def test_a_second_run_into_the_same_output_is_refused(data, tiny_backbone, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / ".run.lock").write_text(f"{os.uname().nodename} {holder.pid}")
        result = CliRunner().invoke(cli, _train(data, tiny_backbone, out))
        _fails_cleanly(result, f"--output {out} is in use by another kerastl run (process {holder.pid}",
                       "Fix: wait for that run to end")
    finally:
        holder.kill()
        holder.wait()
    assert not out.exists()


def test_the_next_run_removes_what_killed_runs_left(data, tiny_backbone, tmp_path):
    out = tmp_path / "run"
    (out / ".checkpoint.tmp-dead1").mkdir(parents=True)
    (out / ".kerastl-run.json").write_text('{"kind": "model"}')
    (tmp_path / ".run.tmp-dead2").mkdir()
    (tmp_path / ".run.lock").write_text(f"{os.uname().nodename} 999999999")  # a process that is gone
    result = CliRunner().invoke(cli, _train(data, tiny_backbone, out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".run")) == []
    assert not (out / ".checkpoint.tmp-dead1").exists() and (out / "kerastl.json").is_file()


def test_report_never_replaces_a_file_it_did_not_write(trained, tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<html>my home page</html>")
    result = CliRunner().invoke(cli, ["report", str(trained), "--output", str(page)])
    _fails_cleanly(result, f"--output {page} is a file kerastl did not write", "choose a new file name")
    assert page.read_text() == "<html>my home page</html>"
    assert CliRunner().invoke(cli, ["report", str(trained)]).exit_code == 0
    assert CliRunner().invoke(cli, ["report", str(trained)]).exit_code == 0  # its own page is rewritten
