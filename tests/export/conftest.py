"""What the export tests share: export with the CLI, then serve in a fresh process without kerastl."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.export import EXPORT_DESCRIPTION_FILE

# Runs in a fresh interpreter that never imports kerastl: TensorFlow (+ TF Text for WordPiece) only.
SERVE_WITHOUT_KERASTL = """
import json, sys
import tensorflow as tf
import tensorflow_text  # registers the WordPiece and regex-split ops
serving = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
outputs = serving(texts=tf.constant(json.loads(sys.argv[2])))

def plain(value):
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value.decode("utf-8") if isinstance(value, bytes) else value

result = {name: plain(value.numpy().tolist()) for name, value in outputs.items()}
result["kerastl_imported"] = any(name.startswith("kerastl") for name in sys.modules)
print(json.dumps(result))
"""

#: Texts every export is served: plain, empty, emoji and CJK, 10,000 words, upper case.
SERVING_TEXTS = [
    "Angela Merkel met Emmanuel Macron in Paris.",
    "",
    "dull plot 😀 電影 and bad music",
    "john smith met angela merkel in paris . " * 1250,
    "THE BEST MOVIE",
]


@pytest.fixture
def serving_texts():
    """The texts every export test serves (see `SERVING_TEXTS`)."""
    return list(SERVING_TEXTS)


@pytest.fixture
def export_and_serve(tmp_path):
    """A function: export a saved model folder with `kerastl export`, serve texts without kerastl.

    It returns `(description, outputs)`: the export's `kerastl_export.json` and the signature's
    outputs as Python lists (strings decoded), after checking that kerastl was never imported.
    """

    def export_and_serve(model_folder, texts):
        folder = tmp_path / "serving"
        result = CliRunner().invoke(cli, ["export", str(model_folder), "--output", str(folder)])
        assert result.exit_code == 0, result.output
        description = json.loads((folder / EXPORT_DESCRIPTION_FILE).read_text(encoding="utf-8"))
        completed = subprocess.run(
            [sys.executable, "-c", SERVE_WITHOUT_KERASTL, str(folder), json.dumps(texts)],
            capture_output=True, text=True, timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        outputs = json.loads(completed.stdout.strip().splitlines()[-1])
        assert outputs.pop("kerastl_imported") is False
        return description, outputs

    return export_and_serve
