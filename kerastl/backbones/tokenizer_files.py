"""Save and load a keras-hub tokenizer on its own, in a folder beside a model."""

import json
import os
from pathlib import Path

import keras

from kerastl.errors import ModelLoadError, json_type_name
from kerastl.file_kinds import check_tokenizer_folder, read_model_text
from kerastl.preprocessing.seed_safe_tokenizer import seed_safe

TOKENIZER_CONFIG_FILE = "tokenizer.json"

#: Tokenizer config keys that keras-hub reads as a file path when they hold a string.
PATH_KEYS = ("vocabulary", "merges", "proto", "spm_proto")

FIX = "save the model again with kerastl"


def save_tokenizer(tokenizer, folder):
    """Write `tokenizer`'s config and vocabulary assets into `folder`."""
    tokenizer.save_to_preset(str(folder))


def load_tokenizer(folder):
    """Load a tokenizer written by `save_tokenizer` (Keras safe mode, no code is run).

    Every file the tokenizer reads lies inside `folder`: a config that names a vocabulary or
    model file by path (absolute or relative), or whose assets lead out of the folder through
    `..` or a symbolic link, is refused.

    Raises:
        ModelLoadError: when the folder holds no tokenizer config, the config is not a
            kerastl-written tokenizer, or it names files outside the folder.
    """
    import keras_hub

    folder = Path(folder)
    config_path = folder / TOKENIZER_CONFIG_FILE
    for path in (folder, config_path):
        if path.is_symlink():
            raise ModelLoadError(f"{path} is a symbolic link; a saved tokenizer reads its files from its own "
                                 f"folder only. Fix: {FIX}.")
    check_tokenizer_folder(folder)
    config = _read_config(config_path)
    options = config.get("config")
    if not isinstance(options, dict):
        raise ModelLoadError(f"{config_path}: 'config' must be a JSON object. Fix: {FIX}.")
    for key in PATH_KEYS:
        if isinstance(options.get(key), str):
            raise ModelLoadError(f"{config_path} names a {key} file ({options[key]!r}); a saved tokenizer reads "
                                 f"its files from its own folder only. Fix: {FIX}.")
    config_file = options.get("config_file", TOKENIZER_CONFIG_FILE)
    if not isinstance(config_file, str) or os.path.basename(config_file) != config_file or config_file in ("..", "."):
        raise ModelLoadError(f"{config_path}: config_file {config_file!r} is not a plain file name. Fix: {FIX}.")
    try:
        tokenizer = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise ModelLoadError(f"{config_path} does not describe a tokenizer kerastl can load "
                             f"({str(error).splitlines()[0] if str(error) else type(error).__name__}). Fix: {FIX}.")
    if not isinstance(tokenizer, keras_hub.tokenizers.Tokenizer):
        raise ModelLoadError(f"{config_path} describes a {type(tokenizer).__name__}, not a tokenizer. Fix: {FIX}.")
    _check_assets_inside(folder, tokenizer)
    try:
        tokenizer.load_preset_assets(str(folder))
    except (OSError, ValueError, TypeError) as error:
        raise ModelLoadError(f"{folder}: the tokenizer's files cannot be read ({error}). Fix: {FIX}.")
    return seed_safe(tokenizer)


def _read_config(path):
    try:
        config = json.loads(read_model_text(path))
    except (ValueError, RecursionError) as error:
        raise ModelLoadError(f"{path} is not valid JSON ({type(error).__name__}). Fix: {FIX}.")
    if not isinstance(config, dict):
        raise ModelLoadError(f"{path} holds a JSON {json_type_name(config)}, not a tokenizer config. Fix: {FIX}.")
    return config


def _check_assets_inside(folder, tokenizer):
    """Refuse tokenizer asset files that resolve outside `folder` (a `..` or a symbolic link)."""
    root = folder.resolve()
    subdir = tokenizer.config_file.split(".")[0]
    for asset in tokenizer.file_assets or ():
        path = folder / "assets" / subdir / asset
        if not path.resolve().is_relative_to(root):
            raise ModelLoadError(f"{path} leads outside the model folder (to {path.resolve()}); a saved tokenizer "
                                 f"reads its files from its own folder only. Fix: {FIX}.")
