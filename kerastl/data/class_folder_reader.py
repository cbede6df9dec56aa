"""Reading one-file-per-example datasets laid out as `<root>/<label>/*.txt` (e.g. aclImdb)."""

import os
import posixpath
import tarfile
from typing import Callable, Dict, Iterable, List, Optional, Sequence

from kerastl.data.text_file import MAX_FILE_BYTES, MAX_LINE_BYTES, check_is_file, decode_utf8
from kerastl.errors import DataError, Location

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")
#: The largest example file (one text) kerastl reads from a class folder or archive, as a line of a data file.
MAX_EXAMPLE_BYTES = MAX_LINE_BYTES
LAYOUT = "ROOT/<label>/<example>.txt, e.g. aclImdb/train/pos/0_9.txt and aclImdb/train/neg/1_1.txt"


def read_class_folders(
    path,
    extensions: Sequence[str] = (".txt",),
    classes: Optional[Iterable[str]] = None,
) -> List[dict]:
    """Read a folder (or a .tar.gz of it) holding one sub-folder of text files per class.

    The class root is the deepest folder whose sub-folders directly hold text files, so
    `aclImdb/train`, the `aclImdb_train.tar.gz` archive holding `aclImdb/train/{pos,neg}`,
    and `aclImdb/train/` itself all work. Files with other extensions are ignored. Each
    file is one example; its label is the name of its folder.

    Args:
        path: a folder, or a `.tar.gz`/`.tgz`/`.tar` archive (read without extracting).
        extensions: file name endings of example files.
        classes: the class folders to read (e.g. `("pos", "neg")` to leave out aclImdb's
            `unsup`); None reads every class folder.

    Returns:
        A list of records `{"text": str, "label": str, "where": Location}`, sorted by file
        path. "where" is `Location(<folder>/<label>/<file>, None)`, or for an archive
        `Location("<archive>!<member>", None)`.

    Raises:
        DataError: the path is missing or not a folder/archive, the archive is broken, no
            class folders are found, several class roots are equally deep, a requested class
            is missing, or a file is empty or not UTF-8.

    Example:

    >>> records = read_class_folders(  # doctest: +SKIP
    ...     "aclImdb_train.tar.gz", classes=("pos", "neg"))
    >>> records[0]["label"], records[0]["where"]  # doctest: +SKIP
    ('neg', Location(path='aclImdb_train.tar.gz!aclImdb/train/neg/0_3.txt', line=None))
    """
    path = os.fspath(path)
    extensions = tuple(extension.lower() for extension in extensions)
    classes = tuple(classes) if classes is not None else None
    if os.path.isdir(path):
        files = _text_files_in_folder(path, extensions)
        where_of = lambda name: os.path.join(path, *name.split("/"))  # noqa: E731
    elif os.path.isfile(path) and path.lower().endswith(ARCHIVE_SUFFIXES):
        files = _text_files_in_archive(path, extensions)
        where_of = lambda name: f"{path}!{name}"  # noqa: E731
    elif os.path.exists(path):
        raise DataError(
            "expected a folder of class folders or a .tar.gz archive of one",
            where=Location(path),
            fix=f"give a folder laid out as {LAYOUT}",
        )
    else:
        raise DataError("folder not found", where=Location(path),
                        fix="check the path and the current working directory")

    root = _choose_class_root(path, files, classes, extensions)
    records = []
    for name in sorted(files):
        folder, _ = posixpath.split(name)
        parent, label = posixpath.split(folder)
        if parent != root or (classes is not None and label not in classes):
            continue
        where = Location(where_of(name), None)
        text = decode_utf8(files[name](), where.path).strip()
        if not text:
            raise DataError("the example file is empty", where=where,
                            fix="delete the file or write the example text in it")
        records.append({"text": text, "label": label, "where": where})
    return records


def _text_files_in_folder(folder, extensions) -> Dict[str, Callable[[], bytes]]:
    """Map each example file's '/'-separated path relative to `folder` to a bytes reader."""
    files = {}
    for directory, subdirectories, names in os.walk(folder):
        subdirectories.sort()
        for name in names:
            if name.lower().endswith(extensions):
                full = os.path.join(directory, name)
                relative = os.path.relpath(full, folder).replace(os.sep, "/")
                files[relative] = lambda full=full: _read_bytes(full)
    return files


def _read_bytes(path):
    check_is_file(path)  # a pipe or device among the example files would block or never end
    _check_example_size(os.path.getsize(path), Location(path))
    try:
        with open(path, "rb") as file:
            return file.read(MAX_EXAMPLE_BYTES + 1)
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror or error}", where=Location(path),
                        fix="check that the file is readable") from None


def _check_example_size(size, where):
    if size > MAX_EXAMPLE_BYTES:
        raise DataError(f"the example file holds {size:,} bytes, more than the {MAX_EXAMPLE_BYTES:,} kerastl reads "
                        "for one example", where=where, fix="split the text into smaller examples, or leave it out")


def _text_files_in_archive(archive, extensions) -> Dict[str, Callable[[], bytes]]:
    """Read the example files of a tar archive in one pass; map member name to a bytes reader."""
    files, total = {}, 0
    check_is_file(archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                name = posixpath.normpath(member.name.lstrip("/"))
                if member.isfile() and name.lower().endswith(extensions):
                    _check_example_size(member.size, Location(f"{archive}:{name}"))
                    total += member.size
                    if total > MAX_FILE_BYTES:
                        raise DataError(f"the example files unpack to more than the {MAX_FILE_BYTES:,} bytes "
                                        "kerastl reads", where=Location(archive),
                                        fix="split the archive, or give a sample of it")
                    data = tar.extractfile(member).read()
                    files[name] = lambda data=data: data
    except (tarfile.TarError, EOFError, OSError) as error:
        raise DataError(
            f"cannot read the archive: {error}",
            where=Location(archive),
            fix="download the archive again, or extract it and give the folder",
        ) from None
    return files


def _choose_class_root(path, files, classes, extensions):
    """Return the deepest folder (relative, '/'-separated, '' for `path`) holding class folders."""
    roots = set()
    for name in files:
        folder = posixpath.dirname(name)
        if folder and (classes is None or posixpath.basename(folder) in classes):
            roots.add(posixpath.dirname(folder))
    if not roots:
        wanted = f" named {', '.join(classes)}" if classes is not None else ""
        raise DataError(
            f"no class folders{wanted} holding {'/'.join(extensions)} files found",
            where=Location(path),
            fix=f"lay the data out as {LAYOUT}",
        )
    depth = max(_depth(root) for root in roots)
    deepest = sorted(root for root in roots if _depth(root) == depth)
    if len(deepest) > 1:
        raise DataError(
            f"several folders hold class folders: {', '.join(deepest)}",
            where=Location(path),
            fix=f"give one of them, e.g. {os.path.join(path, *deepest[0].split('/'))}",
        )
    root = deepest[0]
    if classes is not None:
        found = {posixpath.basename(posixpath.dirname(name)) for name in files
                 if posixpath.dirname(posixpath.dirname(name)) == root}
        missing = [label for label in classes if label not in found]
        if missing:
            raise DataError(
                f"no class folder {', '.join(missing)} under {root or path} "
                f"(found: {', '.join(sorted(found))})",
                where=Location(path),
                fix="check the classes option against the folder names",
            )
    return root


def _depth(folder):
    return 0 if not folder else folder.count("/") + 1

