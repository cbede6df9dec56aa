import io
import os
import tarfile

import pytest

from kerastl.data.class_folder_reader import read_class_folders
from kerastl.errors import DataError, Location

FILES = {
    "aclImdb/README": b"not an example",
    "aclImdb/imdb.vocab": b"the\na\n",
    "aclImdb/train/urls_pos.txt": b"http://example.com\n",
    "aclImdb/train/labeledBow.feat": b"0:1",
    "aclImdb/train/pos/1_10.txt": b"Great film.\n",
    "aclImdb/train/pos/0_9.txt": "\ufeffLoved it.".encode("utf-8"),
    "aclImdb/train/neg/0_3.txt": b"Dull.",
    "aclImdb/train/unsup/0_0.txt": b"No label.",
}


def make_folder(root, files=FILES):
    for name, data in files.items():
        path = root.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def make_archive(path, files=FILES):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_folder_layout_picks_deepest_class_root_and_sorts(tmp_path):
    root = make_folder(tmp_path)
    train = os.path.join(str(root), "aclImdb", "train")
    records = read_class_folders(os.path.join(str(root), "aclImdb", "train"), classes=("pos", "neg"))
    assert [(r["label"], r["text"]) for r in records] == [
        ("neg", "Dull."), ("pos", "Loved it."), ("pos", "Great film.")
    ]
    assert records[0]["where"] == Location(os.path.join(train, "neg", "0_3.txt"), None)


def test_all_class_folders_without_classes(tmp_path):
    records = read_class_folders(make_folder(tmp_path) / "aclImdb")
    assert sorted({r["label"] for r in records}) == ["neg", "pos", "unsup"]


def test_archive_layout_names_members(tmp_path):
    archive = make_archive(tmp_path / "aclImdb_train.tar.gz")
    records = read_class_folders(archive, classes=["pos", "neg"])
    assert [r["label"] for r in records] == ["neg", "pos", "pos"]
    assert records[0]["where"] == Location(f"{archive}!aclImdb/train/neg/0_3.txt", None)


def test_several_equally_deep_roots_are_ambiguous(tmp_path):
    files = dict(FILES, **{"aclImdb/test/pos/0_8.txt": b"Fine.", "aclImdb/test/neg/0_2.txt": b"Bad."})
    with pytest.raises(DataError, match="several folders") as caught:
        read_class_folders(make_folder(tmp_path, files) / "aclImdb")
    assert "train" in str(caught.value) and "test" in str(caught.value)


def test_no_class_folders_explains_layout(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(DataError, match="no class folders") as caught:
        read_class_folders(tmp_path)
    assert "aclImdb/train/pos" in str(caught.value)


def test_missing_requested_class(tmp_path):
    with pytest.raises(DataError, match="no class folder neutral"):
        read_class_folders(make_folder(tmp_path) / "aclImdb", classes=("pos", "neutral"))


def test_non_utf8_and_empty_files_are_named(tmp_path):
    files = {"data/pos/a.txt": b"ok", "data/neg/b.txt": b"caf\xe9"}
    with pytest.raises(DataError, match="iconv") as caught:
        read_class_folders(make_folder(tmp_path, files) / "data")
    assert caught.value.where.path.endswith(os.path.join("neg", "b.txt"))
    assert caught.value.where.line == 1
    archive = make_archive(tmp_path / "d.tar.gz", {"d/pos/a.txt": b"  \n"})
    with pytest.raises(DataError, match="empty") as caught:
        read_class_folders(archive)
    assert caught.value.where.path == f"{archive}!d/pos/a.txt"


def test_missing_path_plain_file_and_broken_archive(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_class_folders(tmp_path / "nope")
    plain = tmp_path / "train.tsv"
    plain.write_text("a\tb\n")
    with pytest.raises(DataError, match="expected a folder"):
        read_class_folders(plain)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar archive at all")
    with pytest.raises(DataError, match="cannot read the archive"):
        read_class_folders(broken)


def test_a_fifo_among_the_example_files_is_refused_without_blocking(tmp_path):
    import threading

    (tmp_path / "pos").mkdir()
    (tmp_path / "neg").mkdir()
    (tmp_path / "pos" / "1.txt").write_text("Loved it.")
    os.mkfifo(tmp_path / "neg" / "2.txt")
    outcome = {}

    def read():
        try:
            read_class_folders(tmp_path, classes=("pos", "neg"))
        except DataError as error:
            outcome["error"] = error

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "blocked on the FIFO"
    assert "2.txt: is a named pipe (FIFO), not a regular file" in str(outcome.get("error"))
