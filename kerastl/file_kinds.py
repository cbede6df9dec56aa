"""What a file must be before kerastl reads it: a regular file within a stated size.

A named pipe, a socket or a device can block a reader forever or never end, and a link can lead
anywhere (`/dev/zero`), so neither data files nor the files of a model folder are opened before
their kind and size are known. A model folder's own limits are here: its small files are read
whole, so each has a size no real model comes near.
"""

import os
import stat
from pathlib import Path

from kerastl.errors import ModelLoadError

NOT_REGULAR = {stat.S_ISFIFO: "a named pipe (FIFO)", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a character device",
               stat.S_ISBLK: "a block device"}

#: A model folder's description and model config (JSON): 16 MiB holds a label set of 100,000 names.
MAX_MODEL_JSON_BYTES = 16 * 1024 ** 2
#: Each tokenizer file (a vocabulary, merges, a SentencePiece model, a Hugging Face tokenizer.json):
#: the largest of the keras-hub families (Gemma's tokenizer.json) is about 33 MB.
MAX_TOKENIZER_FILE_BYTES = 64 * 1024 ** 2
#: Entries of a line-per-entry vocabulary or merges file: the largest real ones hold about 260,000.
MAX_VOCABULARY_LINES = 2 ** 21

SAVE_AGAIN = "save the model again with kerastl"


def irregular_kind(mode):
    """'a named pipe (FIFO)', 'a socket', ... for an `st_mode` that is not a regular file or folder; else None."""
    return next((kind for is_kind, kind in NOT_REGULAR.items() if is_kind(mode)), None)


def check_model_file(path, max_bytes=None):
    """Make sure the model-folder file `path` is a regular file (not a link) of at most `max_bytes`.

    Args:
        path: a file inside a model folder.
        max_bytes: its largest allowed size, or None for no limit (the weights file).

    Returns:
        Its size in bytes.

    Raises:
        ModelLoadError: it is missing, a link, a pipe, a socket or a device, or larger than `max_bytes`.
    """
    path = Path(path)
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        raise ModelLoadError(f"{path} is missing. Fix: {SAVE_AGAIN}.") from None
    except OSError as error:
        raise ModelLoadError(f"{path} cannot be read ({error.strerror or error}). Fix: {SAVE_AGAIN}.") from None
    if stat.S_ISLNK(status.st_mode):
        raise ModelLoadError(f"{path} is a symbolic link; a model folder holds its own files. Fix: {SAVE_AGAIN}.")
    kind = irregular_kind(status.st_mode) or (None if stat.S_ISREG(status.st_mode) else "not a file")
    if kind:
        raise ModelLoadError(f"{path} is {kind}, not a regular file; kerastl does not read it. Fix: {SAVE_AGAIN}.")
    if max_bytes is not None and status.st_size > max_bytes:
        raise ModelLoadError(f"{path} holds {status.st_size:,} bytes, more than the {max_bytes:,} kerastl reads "
                             f"for it. Fix: {SAVE_AGAIN}.")
    return status.st_size


def read_model_text(path, max_bytes=MAX_MODEL_JSON_BYTES):
    """The UTF-8 text of the model-folder file `path`, checked by `check_model_file` and never read past
    `max_bytes` (a file that grows while it is read is refused too)."""
    check_model_file(path, max_bytes)
    with open(path, "rb") as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ModelLoadError(f"{path} grew past {max_bytes:,} bytes while it was read. Fix: {SAVE_AGAIN}.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ModelLoadError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start}). "
                             f"Fix: {SAVE_AGAIN}.") from None


def check_tokenizer_folder(folder):
    """Every entry under a saved tokenizer's `folder` is a folder or a regular file of at most
    `MAX_TOKENIZER_FILE_BYTES`, and its line-per-entry files (`.txt`) hold at most `MAX_VOCABULARY_LINES`.

    Raises:
        ModelLoadError: naming the first entry that is a link, a pipe, a device, too large or too long.
    """
    for root, folders, files in os.walk(folder):
        for name in folders:
            if os.path.islink(os.path.join(root, name)):
                raise ModelLoadError(f"{os.path.join(root, name)} is a symbolic link; a model folder holds its own "
                                     f"files. Fix: {SAVE_AGAIN}.")
        for name in files:
            path = Path(root) / name
            check_model_file(path, MAX_TOKENIZER_FILE_BYTES)
            if path.suffix == ".txt":
                _check_line_count(path)
            if name == "vocabulary.txt":
                _check_unique_tokens(path)
            if path.suffix == ".spm":
                _check_sentence_piece(path)


def _check_unique_tokens(path):
    """A WordPiece vocabulary holds each token once (keras-hub refuses it otherwise, naming no token)."""
    seen = {}
    with open(path, encoding="utf-8", errors="replace") as file:
        for number, line in enumerate(file, start=1):
            token = line.rstrip("\r\n")
            if token in seen:
                raise ModelLoadError(f"{path}:{number}: the token {token!r} is already on line {seen[token]}; a "
                                     f"vocabulary holds each token once. Fix: {SAVE_AGAIN}.")
            seen[token] = number


def _check_sentence_piece(path):
    """A `.spm` file parses as a SentencePiece model with pieces (the tokenizer's own error names no file)."""
    from google.protobuf.message import DecodeError
    from sentencepiece import sentencepiece_model_pb2

    model = sentencepiece_model_pb2.ModelProto()
    try:
        model.ParseFromString(Path(path).read_bytes())
    except DecodeError:
        model.Clear()
    if not model.pieces:
        raise ModelLoadError(f"{path} is not a SentencePiece model (it does not parse as one, or holds no "
                             f"pieces). Fix: {SAVE_AGAIN}.")


def _check_line_count(path):
    lines = 0
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            lines += block.count(b"\n")
            if lines > MAX_VOCABULARY_LINES:
                raise ModelLoadError(f"{path} holds more than {MAX_VOCABULARY_LINES:,} entries; no tokenizer "
                                     f"kerastl supports has as many. Fix: {SAVE_AGAIN}.")
