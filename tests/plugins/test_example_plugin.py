"""The example plugin package installs, registers through its entry point, and trains."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "examples" / "kerastl-topic"
TOPICS = [
    {"text": "the team won the game", "topic": "sports"},
    {"text": "the team lost the game", "topic": "sports"},
    {"text": "the vote in the election", "topic": "politics"},
    {"text": "a new election vote", "topic": "politics"},
]


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory):
    """An environment where the plugin is pip-installed (into a folder on PYTHONPATH)."""
    site = tmp_path_factory.mktemp("plugin-site")
    build = tmp_path_factory.mktemp("plugin-build")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(PLUGIN)],
        check=True, cwd=build,
    )
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
                TF_CPP_MIN_LOG_LEVEL="2")


def kerastl_cli(env, *args):
    return subprocess.run([sys.executable, "-m", "kerastl", *args], env=env, capture_output=True, text=True)


def test_plugin_is_listed_with_its_origin(plugin_env):
    result = kerastl_cli(plugin_env, "tasks", "--where")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("topic\t"))
    assert "kerastl_topic.topic_task" in line and "plugin kerastl-topic" in line


def test_plugin_trains_through_the_cli(plugin_env, tiny_backbone, tmp_path):
    data = tmp_path / "topics.jsonl"
    data.write_text("\n".join(json.dumps(row) for row in TOPICS) + "\n", encoding="utf-8")
    trained = kerastl_cli(plugin_env, "train", "topic", "--train", str(data), "--backbone", str(tiny_backbone),
                          "--epochs", "1", "--batch-size", "2", "--output", str(tmp_path / "model"))
    assert trained.returncode == 0, trained.stderr
    predicted = kerastl_cli(plugin_env, "predict", str(tmp_path / "model"), "--json", "the team won")
    assert predicted.returncode == 0, predicted.stderr
    assert json.loads(predicted.stdout.splitlines()[-1])["label"] in ("sports", "politics")


def test_plugin_passes_its_own_tests_through_the_python_api(plugin_env):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PLUGIN / "tests")],
                            env=plugin_env, capture_output=True, text=True, cwd=PLUGIN)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout
