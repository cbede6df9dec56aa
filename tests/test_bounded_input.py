"""Bounds an attacker cannot lift, loads isolated from saves, options checked whatever their source.

Each case was a hang, an unbounded allocation, a silent wrong result or a traceback before: every
one now ends in one `KerastlError` (one line on the command line), fast, before anything large is
read or built.
"""

import gzip
import io
import math
import os
import shutil
import tarfile
import threading
import time

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

import kerastl
from kerastl.atomic_files import atomic_folder
from kerastl.cli.main import cli
from kerastl.data.text_file import MAX_LINE_BYTES, read_text_lines, stream_lines
from kerastl.errors import DataError, ModelLoadError, OptionError
from kerastl.file_kinds import MAX_VOCABULARY_LINES
from kerastl.tasks import SentimentTask, new_task
from model_folders import edit_json, set_everywhere

TRAIN = [("a great film", "positive"), ("a dull film", "negative")]
TRAIN_ROWS = "sentence\tlabel\na great film\tpositive\na dull film\tnegative\n"
QUICK_SECONDS = 60  # every refusal here takes a few seconds at most; a hang or a huge read takes far longer


@pytest.fixture()
def saved(tiny_sentiment_folder):
    return tiny_sentiment_folder


@pytest.fixture()
def model(tiny_sentiment_copy):
    return tiny_sentiment_copy


def _vocabulary(model):
    return next((model / "tokenizer").rglob("vocabulary.txt"))


def _load_in_time(model):
    """`kerastl.load(model)` in a thread: a load that blocks fails the test instead of hanging it."""
    outcome = {}

    def load():
        try:
            outcome["task"] = kerastl.load(model)
        except Exception as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(QUICK_SECONDS)
    assert not thread.is_alive(), f"loading {model} blocked for {QUICK_SECONDS} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["task"]


# === Model folders: every file a regular one within its size, before it is opened ===

def _replace_by_fifo(path):
    path.unlink()
    os.mkfifo(path)


@pytest.mark.parametrize("name", ["kerastl.json", "model.json", "model.weights.h5", "tokenizer/tokenizer.json",
                                  "vocabulary"])
def test_a_named_pipe_in_a_model_folder_is_refused_without_blocking(model, name):
    path = _vocabulary(model) if name == "vocabulary" else model / name
    _replace_by_fifo(path)
    with pytest.raises(ModelLoadError, match=rf"{path.name} is a named pipe \(FIFO\), not a regular file"):
        _load_in_time(model)


@pytest.mark.parametrize("name", ["model.json", "kerastl.json"])
def test_a_model_file_linked_to_dev_zero_is_refused(model, name):
    (model / name).unlink()
    (model / name).symlink_to("/dev/zero")
    with pytest.raises(ModelLoadError, match=rf"{name} is a symbolic link"):
        _load_in_time(model)


def test_a_vocabulary_of_more_entries_than_any_tokenizer_is_refused_before_it_is_built(model):
    _vocabulary(model).write_text("w\n" * (MAX_VOCABULARY_LINES + 1))
    with pytest.raises(ModelLoadError, match=rf"vocabulary.txt holds more than {MAX_VOCABULARY_LINES:,} entries"):
        _load_in_time(model)


def test_a_weights_file_declaring_arrays_it_does_not_store_is_refused(model):
    with h5py.File(model / "model.weights.h5", "a") as weights:
        weights.create_dataset("unstored", shape=(1_000_000, 1_000_000), dtype="float32")  # never written
    assert (model / "model.weights.h5").stat().st_size < 10_000_000
    with pytest.raises(ModelLoadError, match=r"model.weights.h5 declares 1,000,000,\d{3},\d{3} values in [\d,]+ bytes"):
        _load_in_time(model)


def test_a_hidden_size_the_weights_cannot_hold_is_refused(model):
    edit_json(model / "model.json", set_everywhere("hidden_dim", 16_000))
    with pytest.raises(ModelLoadError, match=r"does not fit the weights in model.weights.h5"):
        _load_in_time(model)


@pytest.mark.parametrize("key, value, message", [
    ("lora_rank", 100_000_000, r"`lora_rank` must be an integer at least 1 and at most 4096; got 100000000"),
    ("max_length", 10 ** 30, r"`max_length` must be an integer at least 4 and at most 65536"),
    ("max_length", 4096, r"max_length 4096 is above the \d+ positions of the model's backbone"),
    ("learning_rate", float("nan"), r"`learning_rate` must be a finite number"),
])
def test_a_task_config_out_of_range_is_refused(model, key, value, message):
    edit_json(model / "kerastl.json", lambda description: description["config"].update({key: value}))
    with pytest.raises(ModelLoadError, match=message):
        _load_in_time(model)


# === Loads isolated from saves ===

def test_a_load_never_mixes_two_saves(tiny_backbone, tmp_path):
    """One folder replaced over and over by two different saves (2 and 3 labels): every load sees one
    whole save, its head as wide as its label set. A save lands every three loads' time, so saves
    fall inside loads however fast the machine is, and a load retried after one can still finish."""
    sources = {}
    for labels in (["negative", "positive"], ["a", "b", "c"]):
        task = SentimentTask(str(tiny_backbone), max_length=16)
        task.prepare(task.read([(f"text {label}", label) for label in labels]))
        task.save(tmp_path / f"save-{len(labels)}")
        sources[len(labels)] = tmp_path / f"save-{len(labels)}"
    target = tmp_path / "model"
    shutil.copytree(sources[2], target)
    kerastl.load(target)  # the first load of a process pays one-time costs; time the next one
    started = time.perf_counter()
    kerastl.load(target)
    between_saves = 3 * (time.perf_counter() - started)
    stop = threading.Event()

    def keep_saving():  # what `Task.save` does on disk: the whole folder written aside, renamed into place
        while not stop.is_set():
            for source in sources.values():
                with atomic_folder(target) as folder:
                    for entry in source.iterdir():
                        (shutil.copytree if entry.is_dir() else shutil.copy)(entry, folder / entry.name)
                stop.wait(between_saves)

    saver = threading.Thread(target=keep_saving, daemon=True)
    saver.start()
    try:
        for _ in range(10):
            task = kerastl.load(target)
            assert task.model.output_shape[-1] == len(task.label_set.names) == task.head_size()
    finally:
        stop.set()
        saver.join(30)


# === Options: one check whatever their source ===

@pytest.mark.parametrize("options, message", [
    ({"learning_rate": float("nan")}, r"`learning_rate` must be a finite number above 0"),
    ({"learning_rate": math.inf}, r"`learning_rate` must be a finite number"),
    ({"dropout": 5}, r"`dropout` must be a finite number at least 0 and below 1; got 5"),
    ({"max_length": 1}, r"`max_length` must be an integer at least 4"),
    ({"seed": 10 ** 40}, r"`seed` must be an integer at least 0 and at most 4294967295"),
    ({"freeze": 10 ** 6}, r"`freeze` must be an integer"),
    ({"lora_rank": 0}, r"`lora_rank` must be an integer at least 1"),
    ({"colour": "blue"}, r"the classification task cannot take these options .*colour"),
])
def test_a_task_option_out_of_range_is_an_option_error(tiny_backbone, options, message):
    with pytest.raises(OptionError, match=message):
        new_task("sentiment", backbone=str(tiny_backbone), **options)


@pytest.mark.parametrize("setting, message", [
    ("task.learning_rate=.nan", "`learning_rate` must be a finite number"),
    ("task.dropout=5", "`dropout` must be a finite number"),
    ("task.max_length=1", "`max_length` must be an integer at least 4"),
    ("task.colour=3", "cannot take these options"),
])
def test_a_bad_set_option_is_one_line(tmp_path, tiny_backbone, setting, message):
    (tmp_path / "train.tsv").write_text(TRAIN_ROWS)
    result = CliRunner().invoke(cli, ["train", "sentiment", "--backbone", str(tiny_backbone), "--train",
                                      str(tmp_path / "train.tsv"), "--output", str(tmp_path / "out"), "--set", setting])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and message in result.output, result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag, value", [("--epochs", "10000000"), ("--batch-size", "100000000"),
                                         ("--seed", "99999999999999999999")])
def test_a_huge_number_is_a_usage_error(tmp_path, tiny_backbone, flag, value):
    (tmp_path / "train.tsv").write_text(TRAIN_ROWS)
    result = CliRunner().invoke(cli, ["train", "sentiment", "--backbone", str(tiny_backbone), "--train",
                                      str(tmp_path / "train.tsv"), "--output", str(tmp_path / "out"), flag, value])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"Invalid value for '{flag}'" in result.output


# === Data: a line, a decompressed file, an archive member, standard input ===

def test_a_compressed_file_of_one_huge_line_is_refused_at_the_line(tmp_path):
    path = tmp_path / "train.tsv.gz"
    with gzip.open(path, "wb") as file:
        file.write(b"sentence\tlabel\n" + b"a" * (MAX_LINE_BYTES + 10) + b"\tpositive\n")
    assert path.stat().st_size < 200_000
    with pytest.raises(DataError, match=r"train.tsv.gz:2: the line is longer than the 16,777,216 bytes"):
        list(read_text_lines(path))


def test_an_archive_member_larger_than_an_example_is_refused_before_it_is_unpacked(tmp_path):
    from kerastl.data import read_class_folders

    path = tmp_path / "reviews.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, size in (("reviews/pos/a.txt", 10), ("reviews/neg/b.txt", MAX_LINE_BYTES + 1)):
            member = tarfile.TarInfo(name)
            member.size = size
            archive.addfile(member, io.BytesIO(b"x" * size))
    with pytest.raises(DataError, match=r"reviews/neg/b.txt: the example file holds 16,777,217 bytes"):
        read_class_folders(path)


def test_standard_input_is_read_as_it_arrives_and_a_line_without_end_is_bounded():
    assert list(stream_lines(io.BytesIO(b"one\ntwo"))) == [(1, "one"), (2, "two")]
    endless = io.BytesIO(b"\0" * (MAX_LINE_BYTES + 2))
    with pytest.raises(DataError, match=r"<standard input>:1: the line is longer"):
        list(stream_lines(endless))


def test_predict_prints_each_chunk_of_standard_input_before_reading_the_rest(saved):
    """`yes | kerastl predict` prints: lines are predicted in chunks while more input waits."""
    lines = "".join(f"film number {index}\n" for index in range(5))
    result = CliRunner().invoke(cli, ["predict", str(saved), "--batch-size", "2"], input=lines)
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 5


def test_predict_json_refuses_a_model_that_outputs_nan(saved, tmp_path):
    task = kerastl.load(saved)
    task.model.set_weights([np.full_like(weight, np.nan) for weight in task.model.get_weights()])
    task.save(tmp_path / "nan-model")
    result = CliRunner().invoke(cli, ["predict", str(tmp_path / "nan-model"), "--json", "a film"])
    assert result.exit_code == 1 and "NaN" not in result.output.replace("(NaN", "")
    assert "not finite numbers" in result.output and len(result.output.strip().splitlines()) == 1


def test_the_python_api_raises_kerastl_errors_for_text_that_is_not_unicode(saved):
    task = kerastl.load(saved)
    with pytest.raises(DataError, match=r"example 2: its text holds '\\ud800' at character 5"):
        task.predict(["fine", "bad \ud800 film"])


def test_a_full_disk_at_the_end_of_training_keeps_the_model_elsewhere(tiny_backbone, tmp_path, monkeypatch):
    import errno
    import tempfile

    header, rows = TRAIN_ROWS.split("\n", 1)
    (tmp_path / "train.tsv").write_text(f"{header}\n{rows * 4}")
    original = SentimentTask.save
    calls = []

    def save_on_a_full_disk(self, path, **options):
        calls.append(path)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, path, **options)

    monkeypatch.setattr(SentimentTask, "save", save_on_a_full_disk)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    result = CliRunner().invoke(cli, ["train", "sentiment", "--backbone", str(tiny_backbone), "--epochs", "1",
                                      "--train", str(tmp_path / "train.tsv"), "--output", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No space left on device" in result.output and "saved to" in result.output
    rescued = calls[1]
    assert str(rescued).startswith(str(tmp_path / "tmp")) and str(rescued) in result.output
    assert kerastl.load(rescued).label_set.names == ["negative", "positive"]


def test_freezing_more_layers_than_the_backbone_has_is_one_line(tmp_path, tiny_backbone):
    (tmp_path / "train.tsv").write_text(TRAIN_ROWS)
    result = CliRunner().invoke(cli, ["train", "sentiment", "--backbone", str(tiny_backbone), "--train",
                                      str(tmp_path / "train.tsv"), "--output", str(tmp_path / "out"), "--freeze", "1000"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "`freeze` asks for 1000 frozen layers but the backbone has" in result.output
    assert "Fix: change that option" in result.output


def test_a_label_of_thousands_of_digits_stays_text():
    from kerastl.tasks.labels import normalize_label

    assert normalize_label("1" * 5000) == "1" * 5000 and normalize_label(" 7.0 ") == 7


def test_an_error_quoting_a_huge_input_is_cut_to_one_short_line():
    from kerastl.cli.main import MAX_ERROR_CHARACTERS, _shortened

    message = "train.tsv:1: no text column 'sentence' among " + ", ".join(f"c{i}" for i in range(200_000)) + \
        ". Fix: pass --text-column."
    line = _shortened(message)
    assert len(line) < MAX_ERROR_CHARACTERS + 60 and "\n" not in line
    assert line.startswith("train.tsv:1: no text column 'sentence'") and line.endswith("Fix: pass --text-column.")


@pytest.mark.parametrize("labels", [None, [], "positive"])
def test_a_label_set_edited_out_of_shape_is_refused(model, labels):
    edit_json(model / "kerastl.json", lambda description: description["config"].update(labels=labels))
    with pytest.raises(ModelLoadError, match="kerastl.json"):
        _load_in_time(model)


def test_an_export_refuses_a_text_longer_than_its_bound_and_serves_the_rest():
    import tensorflow as tf

    from kerastl.export.serving_inputs import MAX_SERVED_TEXT_BYTES, bounded_texts

    serve = tf.function(lambda texts: tf.strings.length(bounded_texts(texts)),
                        input_signature=[tf.TensorSpec([None], tf.string)])
    assert serve(tf.constant(["a" * MAX_SERVED_TEXT_BYTES, ""])).numpy().tolist() == [MAX_SERVED_TEXT_BYTES, 0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="a text is longer than 100000 bytes"):
        serve(tf.constant(["a" * (MAX_SERVED_TEXT_BYTES + 1)]))
