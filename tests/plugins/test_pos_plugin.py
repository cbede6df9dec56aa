"""The POS-tagging example plugin installs, registers its task and flag, trains and predicts through the CLI."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "examples" / "kerastl-pos"
# CoNLL-2003 columns: word, POS, chunk, NER. Column 1 is the POS tag.
CONLL = """-DOCSTART- -X- -X- O

angela NNP B-NP B-PER
merkel NNP I-NP I-PER
met VBD B-VP O
the DT B-NP O
man NN I-NP O
in IN B-PP O
paris NNP B-NP B-LOC
. . O O

the DT B-NP O
big JJ I-NP O
dog NN I-NP O
won VBD B-VP O
the DT B-NP O
game NN I-NP O
. . O O

a DT B-NP O
small JJ I-NP O
cat NN I-NP O
lost VBD B-VP O
. . O O
"""
POS_TAGS = {".", "DT", "IN", "JJ", "NN", "NNP", "VBD"}


@pytest.fixture(scope="module")
def plugin_copy(tmp_path_factory):
    """The plugin's sources copied out of the repository, so building it leaves no build/ or *.egg-info there."""
    copy = tmp_path_factory.mktemp("pos-plugin") / "kerastl-pos"
    shutil.copytree(PLUGIN, copy, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    return copy


@pytest.fixture(scope="module")
def plugin_env(plugin_copy, tmp_path_factory):
    """An environment where the plugin is pip-installed (into a folder on PYTHONPATH)."""
    site = tmp_path_factory.mktemp("pos-plugin-site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(plugin_copy)],
        check=True, cwd=plugin_copy,
    )
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
                TF_CPP_MIN_LOG_LEVEL="2")


def kerastl_cli(env, *args):
    return subprocess.run([sys.executable, "-m", "kerastl", *args], env=env, capture_output=True, text=True)


def test_plugin_is_listed_with_its_origin(plugin_env):
    result = kerastl_cli(plugin_env, "tasks", "--where")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("pos\t"))
    assert "kerastl_pos.pos_task" in line and "plugin kerastl-pos" in line


def test_train_help_lists_the_plugins_own_flag(plugin_env):
    result = kerastl_cli(plugin_env, "train", "pos", "--help")
    assert result.returncode == 0, result.stderr
    assert "--pos-column" in result.stdout and "POS tags" in result.stdout


def test_plugin_trains_and_predicts_one_tag_per_word_through_the_cli(plugin_env, tiny_backbone, tmp_path):
    data = tmp_path / "pos.conll"
    data.write_text(CONLL, encoding="utf-8")
    model = tmp_path / "model"
    trained = kerastl_cli(plugin_env, "train", "pos", "--train", str(data), "--validation", str(data),
                          "--pos-column", "1", "--backbone", str(tiny_backbone), "--max-length", "16",
                          "--epochs", "2", "--batch-size", "2", "--output", str(model))
    assert trained.returncode == 0, trained.stderr
    metrics = json.loads((model / "metrics.json").read_text())
    assert metrics["validation"]["words"] == 20 and 0 <= metrics["validation"]["accuracy"] <= 1
    assert json.loads((model / "kerastl.json").read_text())["config"]["labels"] == sorted(POS_TAGS)
    assert "pos_column: 1" in (model / "config.yaml").read_text()  # the reader option, kept to rerun the run
    predicted = kerastl_cli(plugin_env, "predict", str(model), "--json", "the big cat met angela in paris.")
    assert predicted.returncode == 0, predicted.stderr
    prediction = json.loads(predicted.stdout.splitlines()[-1])
    assert prediction["words"] == ["the", "big", "cat", "met", "angela", "in", "paris", "."]
    assert len(prediction["tags"]) == len(prediction["words"]) and set(prediction["tags"]) <= POS_TAGS
    exported = kerastl_cli(plugin_env, "export", str(model), "--output", str(tmp_path / "serving"))
    assert exported.returncode == 0, exported.stderr
    assert '"outputs": [\n    "tags",\n    "word_count",\n    "words"\n  ]' in exported.stdout


def test_plugin_passes_its_own_tests(plugin_env, plugin_copy):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "kerastl_pos/tests"],
                            env=plugin_env, capture_output=True, text=True, cwd=plugin_copy)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout
