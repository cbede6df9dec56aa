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
