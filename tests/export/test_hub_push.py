"""`kerastl push`: a model folder, or an export of it with the model's card, reaches a hub in one commit;
bad targets, missing credentials and folders that are not models are refused before any upload.

The hub is a stand-in on 127.0.0.1 (`tests/hub_stand_in.py`) that records what it receives: no test
makes a network call.
"""

import json
import shutil

import pytest
from click.testing import CliRunner

from hub_stand_in import HubStandIn
from kerastl.cli.main import cli
from kerastl.testing import TOY_REVIEWS


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """A running stand-in hub, HF_ENDPOINT pointing at it and a token set (no token file of the machine's)."""
    stand_in = HubStandIn()
    monkeypatch.setenv("HF_ENDPOINT", stand_in.url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_TOKEN", "hf_stand_in_token")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def trained_model(tiny_family_backbone, tmp_path_factory):
    """A trained tiny sentiment model folder with its card, as `kerastl train` leaves it."""
    folder = tmp_path_factory.mktemp("push") / "my-model"
    result = CliRunner().invoke(cli, ["train", "sentiment", "--train", _toy_file(folder.parent), "--backbone",
                                      str(tiny_family_backbone("bert")), "--epochs", "1", "--max-length", "16",
                                      "--output", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _toy_file(folder):
    path = folder / "toy.tsv"
    path.write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in TOY_REVIEWS), encoding="utf-8")
    return str(path)


def push(*arguments):
    return CliRunner().invoke(cli, ["push", *map(str, arguments)])


def test_the_model_folder_is_pushed_in_one_commit_with_its_card(hub, trained_model):
    result = push(trained_model, "hf://me/my-model", "--message", "first version")
    assert result.exit_code == 0, result.output
    assert f"{hub.url}/me/my-model" in result.output
    assert hub.repositories["me/my-model"].get("visibility", "public") == "public"
    [commit] = hub.commits
    assert commit["repository"] == "me/my-model" and commit["summary"] == "first version"
    local = {str(path.relative_to(trained_model)): path.read_bytes()
             for path in trained_model.rglob("*") if path.is_file() and not path.name.startswith(".kerastl-run")}
    assert set(commit["files"]) == set(local)
    assert all(commit["files"][name] == content for name, content in local.items())
    assert commit["files"]["README.md"].startswith(b"---\n")  # the card, with its metadata
    assert set(hub.tokens) == {"Bearer hf_stand_in_token"}
    assert hub.validated_cards == [(trained_model / "README.md").read_text(encoding="utf-8")]


def test_an_onnx_export_is_pushed_with_the_model_card(hub, trained_model):
    result = push(trained_model, "hf://me/my-model-onnx", "--format", "onnx", "--private")
    assert result.exit_code == 0, result.output
    assert hub.repositories["me/my-model-onnx"]["visibility"] == "private"
    [commit] = hub.commits
    assert {"model.onnx", "tokenizer.json", "kerastl_onnx.json", "kerastl_onnx.py", "README.md"} <= set(commit["files"])
    assert commit["files"]["README.md"] == (trained_model / "README.md").read_bytes()
    assert json.loads(commit["files"]["kerastl_onnx.json"])["labels"] == ["negative", "positive"]


def test_bad_requests_are_refused_before_any_upload(hub, trained_model, tmp_path, monkeypatch):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/a.txt").write_text("mine")
    cases = [
        ((tmp_path / "notes", "hf://me/x"), "is not a kerastl model folder"),
        ((trained_model, "me/x"), "is not a hub handle"),
        ((trained_model, "hf://only-a-name"), "is not a hub handle"),
        ((trained_model, "kaggle://me/model"), "is not a hub handle"),
    ]
    for arguments, message in cases:
        result = push(*arguments)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output, result.output
    monkeypatch.delenv("HF_TOKEN")
    result = push(trained_model, "hf://me/x")
    assert result.exit_code == 1 and "no Hugging Face token is set" in result.output
    for name in ("KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(tmp_path / "no-kaggle"))
    result = push(trained_model, "kaggle://me/my-model/keras/default")
    assert result.exit_code == 1 and "no Kaggle credentials are set" in result.output
    assert hub.requests == [] and hub.commits == []
    assert (tmp_path / "notes/a.txt").read_text() == "mine"


def test_a_refused_commit_is_one_clear_line_and_the_folder_is_unchanged(monkeypatch, tmp_path, trained_model):
    stand_in = HubStandIn(refuse_commits=True)
    monkeypatch.setenv("HF_ENDPOINT", stand_in.url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_TOKEN", "hf_read_only")
    copy = shutil.copytree(trained_model, tmp_path / "copy")
    before = {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()}
    try:
        result = push(copy, "hf://someone-else/their-model")
    finally:
        stand_in.close()
    assert result.exit_code == 1 and "refused the upload to hf://someone-else/their-model" in result.output
    assert "Traceback" not in result.output
    assert {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()} == before


def test_a_card_the_hub_finds_invalid_is_one_clear_line(hub, trained_model, tmp_path):
    copy = shutil.copytree(trained_model, tmp_path / "copy")
    (copy / "README.md").write_text("---\nlicense: [unclosed\n---\n# my model\n", encoding="utf-8")
    result = push(copy, "hf://me/broken-card")
    assert result.exit_code == 1 and "refused the model card" in result.output and "README.md" in result.output
    assert hub.commits == []
