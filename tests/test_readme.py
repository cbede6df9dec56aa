"""The README's newcomer path, run as written: its shell commands, then its Python quickstart, on the
bundled sample and the bundled backbone (in a fresh folder, with the `kerastl` of this environment)."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FIRST_MODEL_SECTION = "## After `make demo`: your first model, step by step"


def _code_blocks(section, language):
    """The fenced `language` blocks of the README section titled `section`, in order."""
    text = README.read_text(encoding="utf-8")
    body = text[text.index(section):]
    body = body[:body.index("\n## ", len(section))]
    return re.findall(rf"```{language}\n(.*?)```", body, flags=re.S)


def test_the_readme_names_the_activation_and_a_pip_route():
    text = README.read_text(encoding="utf-8")
    section = text[text.index(FIRST_MODEL_SECTION):]
    assert ". .venv/bin/activate" in _code_blocks(FIRST_MODEL_SECTION, "sh")[0]
    assert section.index("pip install .") < section.index("kerastl train")  # before the first command needing it


@pytest.mark.large
@pytest.mark.slow
def test_the_readme_commands_run_in_order_on_the_bundled_sample(tmp_path):
    commands = _code_blocks(FIRST_MODEL_SECTION, "sh")[1]
    samples = tmp_path / "kerastl" / "data" / "samples"
    samples.mkdir(parents=True)
    shutil.copy(ROOT / "kerastl" / "data" / "samples" / "movie_reviews.tsv", samples)
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    completed = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", commands], cwd=tmp_path, env=environment,
                               capture_output=True, text=True, timeout=1500)
    assert completed.returncode == 0, completed.stderr[-3000:]
    output = completed.stdout
    assert re.search(r"saved that epoch to my-model|saved epoch \d .* to my-model", output), output
    predictions = [json.loads(line) for line in output.splitlines() if line.startswith("{") and '"label"' in line]
    assert len(predictions) == 2 and {p["label"] for p in predictions} <= {"positive", "negative"}
    assert (tmp_path / "my-model" / "report.html").is_file()
    assert (tmp_path / "my-model-serving" / "saved_model.pb").is_file()
    assert "E0000" not in completed.stderr and "I0000" not in completed.stderr  # no native start-up lines

    python = _code_blocks("## Python quickstart", "python")[0]
    elsewhere = tmp_path / "python"  # not beside the sample's kerastl/ folder, which `import kerastl` would find
    elsewhere.mkdir()
    for name in ("train.tsv", "dev.tsv"):
        shutil.copy(tmp_path / name, elsewhere)
    completed = subprocess.run([sys.executable, "-c", python], cwd=elsewhere, capture_output=True, text=True,
                               timeout=900)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.splitlines()[-1] in ("positive", "negative")
    assert (elsewhere / "my-python-model" / "kerastl.json").is_file()  # saving again replaces it: test_atomic_files
