"""Write files and folders atomically, and only where kerastl may write.

A crash never leaves a half-written file or folder behind; an output that holds someone
else's files is refused before any work (`check_output_folder`); two runs never write into
one output at once (`output_lock`); temporary folders a killed run left are removed by the
next run into the same output (`remove_leftovers`). `run_folder` is the one protocol every
run (train, lr-find, curve, pretrain) follows with these pieces.
"""

import contextlib
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path

from kerastl.errors import OutputError

#: The file a run writes into its output folder when it starts, naming the output's kind.
RUN_MARKER = ".kerastl-run.json"

#: For each kind of output folder: the file that proves a finished one, what it holds, and
#: whether a finished one with a checkpoint is continued by the same command (pretraining is).
OUTPUT_KINDS = {
    "model": ("kerastl.json", "a kerastl model", False),
    "export": ("assets.extra/kerastl_export.json", "a kerastl export (SavedModel)", False),
    "pretrain": ("pretrain_metrics.json", "a kerastl pretrained backbone", True),
    "curve": ("curve.json", "a kerastl learning curve", False),
    "lr-find": ("lr_find.json", "a kerastl learning-rate sweep", False),
    "keras-hub": ("kerastl_preset.json", "a kerastl keras-hub preset export", False),
    "onnx": ("kerastl_onnx.json", "a kerastl ONNX export", False),
}

#: A resumable checkpoint: a folder holding one is continued by the same command, not replaced.
CHECKPOINT_STATE = "checkpoint/state.json"

#: The run config a `kerastl train` output holds (`kerastl.runs.run_config`; `kerastl report` reads it).
CONFIG_FILE = "config.yaml"


class RunFolder:
    """The output folder of one run, as `run_folder` hands it out.

    Attributes:
        path: the folder (a `Path`).
        kind: its kind, one of `OUTPUT_KINDS`.
        writes: False on the workers of a multi-worker run that are not the chief: `start` and
            `finish` then write nothing.
    """

    def __init__(self, path, kind, writes=True):
        self.path, self.kind, self.writes = Path(path), kind, writes

    def start(self):
        """Write the run marker (creating the folder): from here on the folder holds a run of `kind`."""
        if self.writes:
            write_run_marker(self.path, self.kind)

    def finish(self, name, facts, leftovers=()):
        """Write the JSON file `name` atomically, then drop the run marker and `leftovers` (names
        inside the folder, e.g. the checkpoint): the folder is a finished run from the marker's removal on."""
        if not self.writes:
            return
        with atomic_file(self.path / name) as file:
            json.dump(facts, file, indent=2, ensure_ascii=False, default=str)
        (self.path / RUN_MARKER).unlink(missing_ok=True)  # first: a kill after this leaves a finished run
        for leftover in leftovers:
            _remove(self.path / leftover)


@contextlib.contextmanager
def run_folder(path, kind, *, overwrite=False, writes=True):
    """The output protocol of a run: check the folder, hold its lock, clear what killed runs left.

    Before any work `path` is checked (`check_output_folder`), then its lock is held
    (`output_lock`) and leftover temporary files are removed (`remove_leftovers`) while the
    block runs. The block calls `RunFolder.start` when it begins writing (the run marker) and
    `RunFolder.finish` to write its facts file atomically. When the block raises, a folder
    this run created is removed again if the run marker is all it holds.

    Args:
        path: the output folder.
        kind: one of `OUTPUT_KINDS` ("model", "pretrain", "curve", "lr-find", ...).
        overwrite: replace a finished folder of the same kind.
        writes: False on a worker that writes nothing (multi-worker runs): no check, no lock.

    Yields:
        A `RunFolder`.

    Raises:
        OutputError: as `check_output_folder` and `output_lock`.

    Example:

    >>> from kerastl.atomic_files import run_folder
    >>> with run_folder("lr-find-out", "lr-find") as folder:  # doctest: +SKIP
    ...     folder.start()
    ...     folder.finish("lr_find.json", {"suggested": 3e-5})
    """
    folder = RunFolder(path, kind, writes)
    if not writes:
        yield folder
        return
    check_output_folder(folder.path, kind, overwrite=overwrite)
    with output_lock(folder.path):
        remove_leftovers(folder.path)
        created = not folder.path.exists()
        try:
            yield folder
        except BaseException:
            if created and folder.path.is_dir() and [entry.name for entry in folder.path.iterdir()] == [RUN_MARKER]:
                shutil.rmtree(folder.path, ignore_errors=True)
            raise


@contextlib.contextmanager
def atomic_folder(path, keep=()):
    """Yield a temporary folder beside `path`; on success it replaces `path` in one rename.

    If the block raises, the temporary folder is removed and `path` keeps what it had.

    Args:
        path: the folder to write.
        keep: names of entries of the existing `path` to carry into the new folder (hard
            links, or copies where links cannot be made), so they survive the replacement
            in the same rename: e.g. a run's checkpoint until its metrics are written.

    Example:

    >>> from kerastl.atomic_files import atomic_folder
    >>> with atomic_folder("model_dir") as tmp:   # doctest: +SKIP
    ...     (tmp / "config.json").write_text("{}")
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.tmp-"))
    os.chmod(work, 0o777 & ~_umask())  # mkdtemp makes private folders; a saved model is a normal one
    try:
        yield work
        for name in keep:
            _link_copy(path / name, work / name)
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old-"))
            os.replace(path, old / path.name)
            os.replace(work, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(work, path)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(path, mode="w", encoding="utf-8"):
    """Open a temporary file beside `path` for writing; rename it over `path` when closed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes private files; these are normal outputs
    try:
        with os.fdopen(handle, mode, encoding=None if "b" in mode else encoding) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_output_folder(path, kind, overwrite=False):
    """Make sure kerastl may write the output folder `path` of `kind`, before any work is done.

    A missing or empty folder is fine (its nearest existing parent must be writable). A
    folder holding a run of the same kind to continue (its run marker, or a checkpoint) is
    fine; a finished kerastl folder of the same kind only with `overwrite`. Anything else, a
    file or a folder of other files, is refused: kerastl never replaces what it did not write.

    Args:
        path: the output folder.
        kind: one of `OUTPUT_KINDS` ("model", "export", "pretrain", "curve", "lr-find").
        overwrite: replace a finished kerastl folder of the same kind.

    Returns:
        "new" (nothing there yet), "resume" (an interrupted run of this kind) or "replace".

    Raises:
        OutputError: the output is a file, holds other files, holds a finished output and
            `overwrite` is not set, or cannot be written.

    Example:

    >>> from kerastl.atomic_files import check_output_folder
    >>> check_output_folder("runs/new-model", "model")  # doctest: +SKIP
    'new'
    """
    path = Path(path)
    proof, description, finished_continues = OUTPUT_KINDS[kind]
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise OutputError(f"--output {path} exists and is not a folder. Fix: choose a new folder for --output.")
    _check_writable(path)
    if not path.exists() or not any(path.iterdir()):
        return "new"
    checkpoint = kind in ("model", "pretrain") and (path / CHECKPOINT_STATE).is_file()
    if _run_marker_kind(path) == kind:
        return "resume"
    if (path / proof).is_file():
        if finished_continues and checkpoint:
            return "resume"
        if not overwrite:
            raise OutputError(f"--output {path} already holds {description}. Fix: pass --overwrite to replace it "
                              "(overwrite=True in Python), or choose a new folder.")
        return "replace"
    if checkpoint:
        return "resume"
    raise OutputError(f"--output {path} is a folder of other files, not {description} folder; kerastl never "
                      "replaces it, even with --overwrite. Fix: choose a new or empty folder for --output.")


def check_output_file(path, signature):
    """Make sure the output file `path` is new, or a file kerastl wrote (it contains `signature`).

    Raises:
        OutputError: the path is a folder, or a file kerastl did not write, or cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"--output {path} is a folder. Fix: give the path of a file to write.")
    _check_writable(path)
    if path.exists():
        with open(path, "rb") as file:
            head = file.read(4096)
        if signature.encode("utf-8") not in head:
            raise OutputError(f"--output {path} is a file kerastl did not write; kerastl never replaces it. "
                              "Fix: choose a new file name for --output.")


def write_run_marker(path, kind):
    """Create the output folder `path` (if needed) with the marker that says a `kind` run writes it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / RUN_MARKER).write_text(json.dumps({"kind": kind, "pid": os.getpid()}), encoding="utf-8")


@contextlib.contextmanager
def output_lock(path):
    """Hold the lock file beside the output `path` (`.NAME.lock`) while the block runs.

    A lock whose process is no longer running (killed) is taken over.

    Raises:
        OutputError: another running process holds the lock.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.parent / f".{path.name}.lock"
    owner = f"{socket.gethostname()} {os.getpid()}"
    while True:
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _lock_holder(lock)
            if holder is not None:
                raise OutputError(
                    f"--output {path} is in use by another kerastl run (process {holder}, lock file {lock}). "
                    "Fix: wait for that run to end, or choose another --output.") from None
            _remove(lock)  # stale: its process is gone
            continue
        with os.fdopen(handle, "w") as file:
            file.write(owner)
        break
    try:
        yield lock
    finally:
        _remove(lock)


def remove_leftovers(path):
    """Remove the temporary files and folders that killed runs left beside and inside `path`.

    Call it while holding `output_lock(path)`: no live run is then writing them.
    """
    path = Path(path)
    if path.parent.is_dir():
        _restore_moved_aside(path)
        for pattern in (f".{path.name}.tmp-*", f".{path.name}.old-*", f".{path.name}.logs-*"):
            for leftover in path.parent.glob(pattern):
                _remove(leftover)
    if path.is_dir() and not path.is_symlink():
        for leftover in path.glob(".*.tmp-*"):
            _remove(leftover)


def _restore_moved_aside(path):
    """Put back the folder an `atomic_folder` replacement had moved aside when a kill left `path` missing."""
    if path.exists():
        return
    for aside in sorted(path.parent.glob(f".{path.name}.old-*")):
        if (aside / path.name).is_dir():
            os.replace(aside / path.name, path)
            return


def _link_copy(source, target):
    """Copy the file or folder `source` to `target` as hard links (copies where linking fails)."""
    if source.is_symlink() or not source.exists():
        return
    if source.is_dir():
        shutil.copytree(source, target, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _run_marker_kind(path):
    try:
        marker = json.loads((path / RUN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker.get("kind") if isinstance(marker, dict) else None


def _check_writable(path):
    """Refuse an output whose folder (or nearest existing parent) this process cannot write."""
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    target = existing if existing.is_dir() else existing.parent
    if not os.access(target, os.W_OK | os.X_OK):
        raise OutputError(f"--output {path} cannot be written: {target} is not writable. "
                          "Fix: choose a folder you can write to, or change its permissions.")


def _lock_holder(lock):
    """The 'host pid' of the live process holding `lock`, or None when it is stale."""
    try:
        host, _, pid = lock.read_text(encoding="utf-8").strip().rpartition(" ")
    except OSError:
        return None
    if not pid.isdigit():
        return None
    if host != socket.gethostname():
        return f"{pid} on {host}"
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def _remove(path):
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
