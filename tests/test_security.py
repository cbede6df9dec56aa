"""Model and run folders are untrusted input: nothing they name is read from outside them.

Path escapes (absolute paths, `..`, symbolic links leading out) and files of the wrong JSON
type are refused with one `KerastlError` line; never a traceback, never a file from elsewhere.
"""

import json
import shutil

import pytest
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.errors import DataError, ModelLoadError
from kerastl.reporting import render_html_report, write_html_report
from kerastl.tasks import available_tasks, get_task
from model_folders import edit_json, set_everywhere

SECRET = "top-secret-content"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture()
def model(tiny_sentiment_copy):
    return tiny_sentiment_copy


@pytest.fixture()
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _tokenizer_config(model):
    return model / "tokenizer" / "tokenizer.json"


# === Report: only images the run wrote ===

def _run_folder(tmp_path, image):
    folder = tmp_path / "run"
    folder.mkdir(exist_ok=True)
    (folder / "training.png").write_bytes(PNG)
    summary = {"task": "sentiment", "per_epoch": [], "report_items": [{"title": "Figure", "image": image}]}
    (folder / "metrics.json").write_text(json.dumps(summary))
    return folder


@pytest.mark.parametrize("name", ["/etc/passwd", "../secret.txt", "sub/../../secret.txt", ""],
                         ids=["absolute", "dot-dot", "dot-dot-inside", "empty"])
def test_report_refuses_an_image_outside_the_run_folder(tmp_path, secret, name):
    folder = _run_folder(tmp_path, name)
    with pytest.raises(DataError, match=r"metrics.json names the report image .* outside the run folder"):
        write_html_report(folder)
    assert not (folder / "report.html").exists()


def test_report_refuses_a_symlink_leading_out(tmp_path, secret):
    folder = _run_folder(tmp_path, "figure.png")
    (folder / "figure.png").symlink_to(secret)
    with pytest.raises(DataError, match=r"'figure.png', which is outside the run folder"):
        render_html_report(folder)


def test_report_refuses_an_image_that_is_not_a_png(tmp_path):
    folder = _run_folder(tmp_path, "figure.png")
    (folder / "figure.png").write_text(SECRET)
    with pytest.raises(DataError, match=r"'figure.png', which is not a PNG file"):
        render_html_report(folder)


def test_report_inlines_the_images_the_run_wrote(tmp_path):
    folder = _run_folder(tmp_path, "figure.png")
    (folder / "figure.png").write_bytes(PNG)
    assert render_html_report(folder).count("data:image/png;base64,") == 2


def test_report_does_not_inline_a_config_linked_from_outside(tmp_path, secret):
    folder = _run_folder(tmp_path, "training.png")
    (folder / "config.yaml").symlink_to(secret)
    assert SECRET not in render_html_report(folder)


def test_report_refuses_a_metrics_file_linked_from_outside(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"task": SECRET}))
    (folder / "metrics.json").symlink_to(elsewhere)
    with pytest.raises(DataError, match=r"holds no metrics.json"):
        render_html_report(folder)


def test_report_cli_prints_one_line(tmp_path):
    folder = _run_folder(tmp_path, "/etc/passwd")
    result = CliRunner().invoke(cli, ["report", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("\n") == 1 and "outside the run folder" in result.output


# === Tokenizer: files from its own folder only ===

@pytest.mark.parametrize("key", ["vocabulary", "merges", "proto"])
@pytest.mark.parametrize("value", ["ABSOLUTE", "vocab.txt", "../../secret.txt"], ids=["absolute", "relative", "dot-dot"])
def test_a_tokenizer_naming_a_file_is_refused(model, secret, key, value):
    value = str(secret) if value == "ABSOLUTE" else value

    def name_file(config):
        config["config"][key] = value
        return config

    edit_json(_tokenizer_config(model), name_file)
    with pytest.raises(ModelLoadError, match=rf"tokenizer.json names a {key} file .*its own folder only"):
        kerastl.load(model)


def test_a_tokenizer_config_file_leading_out_is_refused(model):
    def escape(config):
        config["config"]["config_file"] = "../../../elsewhere.json"
        return config

    edit_json(_tokenizer_config(model), escape)
    with pytest.raises(ModelLoadError, match=r"config_file '../../../elsewhere.json' is not a plain file name"):
        kerastl.load(model)


def test_a_vocabulary_linked_from_outside_is_refused(model, secret):
    vocabulary = next((model / "tokenizer" / "assets").rglob("vocabulary.txt"))
    shutil.copy(vocabulary, secret)
    vocabulary.unlink()
    vocabulary.symlink_to(secret)
    with pytest.raises(ModelLoadError, match=r"vocabulary.txt is a symbolic link; a model folder holds its own files"):
        kerastl.load(model)


def test_a_tokenizer_folder_linked_from_outside_is_refused(model, tmp_path):
    shutil.move(model / "tokenizer", tmp_path / "elsewhere")
    (model / "tokenizer").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ModelLoadError, match=r"tokenizer is a symbolic link"):
        kerastl.load(model)


# === Type confusion: each file of the wrong JSON type is one ModelLoadError ===

def _deep(depth):
    return "[" * depth + "]" * depth


TYPE_CONFUSION = [
    ("kerastl.json", "[1, 2]", r"kerastl.json holds a JSON array, not an object"),
    ("kerastl.json", '"sentiment"', r"kerastl.json holds a JSON string, not an object"),
    ("kerastl.json", '{"format_version": 1, "task": ["sentiment"]}', r"not a kerastl model description"),
    ("kerastl.json", '{"format_version": 1, "task": "sentiment", "config": "x"}', r"'config' must be a JSON object"),
    ("kerastl.json", _deep(100_000), r"kerastl.json is not valid JSON"),
    ("model.json", "[]", r"model.json holds a JSON array, not an object"),
    ("model.json", "null", r"model.json holds a JSON null, not an object"),
    ("model.json", json.dumps({"class_name": "Dense", "config": {"units": 2}, "module": "keras.layers"}),
     r"cannot be loaded: model.json describes a Dense, not a Keras model"),
    ("model.json", json.dumps({"class_name": "NoSuchLayer", "config": {}}), r"cannot be loaded"),
    ("tokenizer/tokenizer.json", "[]", r"tokenizer.json holds a JSON array, not a tokenizer config"),
    ("tokenizer/tokenizer.json", json.dumps({"class_name": "Dense", "config": {"units": 2},
                                             "module": "keras.layers"}), r"describes a Dense, not a tokenizer"),
    ("tokenizer/tokenizer.json", json.dumps({"class_name": "BertTokenizer", "config": [1]}),
     r"'config' must be a JSON object"),
    ("tokenizer/tokenizer.json", json.dumps({"class_name": "NoSuchTokenizer", "config": {}}),
     r"does not describe a tokenizer kerastl can load"),
]


@pytest.mark.parametrize("name, content, message", TYPE_CONFUSION,
                         ids=[f"{name}:{content[:24]}" for name, content, _ in TYPE_CONFUSION])
def test_a_file_of_the_wrong_type_is_one_clear_error(model, name, content, message):
    (model / name).write_text(content)
    with pytest.raises(ModelLoadError, match=message):
        kerastl.load(model)


def test_a_task_name_edited_to_another_task_is_refused(model):
    other = next((name for name in available_tasks() if get_task(name) is not get_task("sentiment")), None)
    if other is None:
        pytest.skip("only one task is registered")
    edit_json(model / "kerastl.json", lambda d: {**d, "task": other})
    with pytest.raises(ModelLoadError, match=rf"names the task '{other}' .* saved by .*ClassificationTask"):
        kerastl.load(model)


def test_type_confusion_on_the_command_line_is_one_line(model):
    (model / "model.json").write_text("[]")
    result = CliRunner().invoke(cli, ["predict", str(model), "a film"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("\n") == 1 and "model.json holds a JSON array" in result.output


# === Oversized configs: refused from the weights file's size, before anything is built ===

@pytest.mark.parametrize("key, value, message", [
    ("vocabulary_size", 300_000_000, r"vocabulary_size=300000000 but the weights file holds \d+ values"),
    ("num_layers", 100_000, r"num_layers=100000 but the weights file holds \d+ arrays"),
    ("hidden_dim", 4096, r"\w+=\d+ x hidden_dim=4096 is more than the \d+ values"),
    ("intermediate_dim", 10_000_000, r"intermediate_dim=10000000 but the weights file holds"),
])
def test_an_oversized_config_is_refused_before_building(model, key, value, message):
    edit_json(model / "model.json", set_everywhere(key, value))
    with pytest.raises(ModelLoadError, match=rf"model.json does not fit the weights in model.weights.h5: {message}"):
        kerastl.load(model)


def test_a_config_of_100000_layers_is_refused(model):
    def many_layers(config):
        layer = {"class_name": "Dropout", "config": {"rate": 0.1}, "module": "keras.layers"}
        config["config"]["layers"].extend([layer] * 100_000)
        return config

    edit_json(model / "model.json", many_layers)
    with pytest.raises(ModelLoadError, match=r"it has \d+ layers but the weights file only \d+ arrays"):
        kerastl.load(model)


def test_a_weights_file_that_is_not_hdf5_is_refused(model):
    (model / "model.weights.h5").write_text("not weights")
    with pytest.raises(ModelLoadError, match=r"model.weights.h5 is not a readable weights file"):
        kerastl.load(model)
