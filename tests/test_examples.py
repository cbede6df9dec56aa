"""The example scripts users copy from: each parses its arguments and documents itself."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS_WITH_ARGUMENTS = ["sentiment.py", "ner.py", "translation.py", "korean.py", "korean_translation.py"]


@pytest.mark.parametrize("script", SCRIPTS_WITH_ARGUMENTS)
def test_example_prints_its_usage_with_the_data_arguments(script):
    completed = subprocess.run([sys.executable, str(EXAMPLES / script), "--help"], capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "usage:" in completed.stdout and "--" in completed.stdout


def test_example_without_its_data_arguments_says_which_are_missing():
    completed = subprocess.run([sys.executable, str(EXAMPLES / "korean_translation.py")], capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 2
    assert "--pairs" in completed.stderr and "--backbone" in completed.stderr
