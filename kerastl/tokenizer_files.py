"""Save and load a keras-hub tokenizer on its own, in a folder beside a model."""

import json
from pathlib import Path

import keras

from kerastl.preprocessing.seed_safe_tokenizer import seed_safe

TOKENIZER_CONFIG_FILE = "tokenizer.json"


def save_tokenizer(tokenizer, folder):
    """Write `tokenizer`'s config and vocabulary assets into `folder`."""
    tokenizer.save_to_preset(str(folder))


def load_tokenizer(folder):
    """Load a tokenizer written by `save_tokenizer` (Keras safe mode, no code is run).

    Raises:
        FileNotFoundError: when the folder holds no tokenizer config.
    """
    folder = Path(folder)
    config = json.loads((folder / TOKENIZER_CONFIG_FILE).read_text(encoding="utf-8"))
    tokenizer = keras.saving.deserialize_keras_object(config, safe_mode=True)
    tokenizer.load_preset_assets(str(folder))
    return seed_safe(tokenizer)
