"""The model folder: what `Task.save` writes and `Task.load` checks before it builds anything.

A folder holds `kerastl.json` (the task's registered name, class and constructor config),
`model.json` (the Keras model config), `model.weights.h5`, `tokenizer/`, and what the task's
`save_assets` adds. Loading never runs code from the folder: the model config is deserialized
in Keras' safe mode (registered classes only), its sizes are checked against the weights file
before anything is allocated, and the head and tokenizer are checked against the config.
"""

import json
import os
import time
from pathlib import Path

import keras
import numpy as np

from kerastl.atomic_files import atomic_folder, check_output_folder
from kerastl.errors import KerastlError, ModelLoadError
from kerastl.file_kinds import check_model_file, read_model_text
from kerastl.layers import BackboneEncoder
from kerastl.backbones.tokenizer_files import load_tokenizer, save_tokenizer

TASK_FILE = "kerastl.json"
MODEL_CONFIG_FILE = "model.json"
WEIGHTS_FILE = "model.weights.h5"
TOKENIZER_FOLDER = "tokenizer"
FORMAT_VERSION = 1
#: The facts `README.md`, the folder's model card, is rendered from (kept so evaluations can be added).
CARD_FACTS_FILE = "model_card.json"


def save_task_folder(task, path, overwrite=False, keep=()):
    """Write `task` into the folder `path` (see `Task.save`)."""
    from kerastl.tasks.registry import task_registry

    check_output_folder(path, "model", overwrite=overwrite)
    registered_name = task_registry.name_of(type(task))
    if registered_name is None:
        raise KerastlError(
            f"{type(task).__name__} is not registered, so a saved model could not be loaded by name. "
            f"Fix: register it with kerastl.register_task('my_task', {type(task).__name__}) or through "
            "the 'kerastl.tasks' entry-point group of your package."
        )
    with atomic_folder(path, keep=keep) as folder:
        description = {
            "format_version": FORMAT_VERSION,
            "task": registered_name,
            "task_class": f"{type(task).__module__}.{type(task).__qualname__}",
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "config": task.get_config(),
        }
        (folder / TASK_FILE).write_text(json.dumps(description, indent=2, ensure_ascii=False))
        model_config = keras.saving.serialize_keras_object(task.model)
        model_config.pop("compile_config", None)  # `fit` compiles anew; a saved one is one backend's choices
        (folder / MODEL_CONFIG_FILE).write_text(json.dumps(model_config))
        _save_model_weights(task.model, folder / WEIGHTS_FILE)
        save_tokenizer(task.tokenizer, folder / TOKENIZER_FOLDER)
        task.save_assets(folder)
        write_model_card(folder, card_facts(task, Path(path).name))


def card_facts(task, name):
    """The facts of `task` its model card starts from (`kerastl.reporting.model_card`)."""
    from kerastl.backbones import BUNDLED_BACKBONES

    bundled = BUNDLED_BACKBONES.get(task.backbone)
    return {"name": name, "task": task.name, "labels": label_names(task),
            "backbone": task.backbone, "backbone_license": bundled.license if bundled else None,
            "backbone_source": bundled.source if bundled else None}


def label_names(task):
    """The label names of a task with a label set (as strings), or None."""
    label_set = getattr(task, "label_set", None)
    return [str(name) for name in label_set.names] if label_set is not None else None


def read_card_facts(folder):
    """The facts of the card in the model folder `folder`, or None when it has none (an older folder)."""
    path = Path(folder) / CARD_FACTS_FILE
    try:
        facts = json.loads(read_model_text(path))
    except (KerastlError, ValueError):
        return None
    return facts if isinstance(facts, dict) and isinstance(facts.get("name"), str) else None


def write_model_card(folder, facts):
    """Write the card's facts (`model_card.json`) and the card (`README.md`) into `folder`, atomically."""
    from kerastl.atomic_files import atomic_file
    from kerastl.reporting.model_card import CARD_FILE, model_card

    with atomic_file(Path(folder) / CARD_FACTS_FILE) as file:
        file.write(json.dumps(facts, indent=1, ensure_ascii=False, default=str))
    with atomic_file(Path(folder) / CARD_FILE) as file:
        file.write(model_card(facts))


def _save_model_weights(model, path):
    """The model's weights alone: an optimizer's slots are resume state, kept in checkpoints only
    (they would double the folder's size, and their order differs between Keras backends)."""
    from keras.src.saving.saving_lib import save_weights_only  # no public way to leave the optimizer out

    optimizer = getattr(model, "optimizer", None)  # a model never compiled has none
    save_weights_only(model, str(path), objects_to_skip=[optimizer] if optimizer else None)


def _load_model_weights(model, path):
    """The model's weights, leaving out any optimizer state a folder of an older release holds."""
    from keras.src.saving.saving_lib import load_weights_only

    optimizer = getattr(model, "optimizer", None)
    load_weights_only(model, str(path), objects_to_skip=[optimizer] if optimizer else None)


#: How often `load_task_folder` reads a folder again that a save replaced while it was read.
LOAD_ATTEMPTS = 10


def load_task_folder(path, task_class=None):
    """Load the task folder `path` (see `Task.load`); `task_class` None takes the saved one.

    A save replaces the whole folder in one rename, so the folder's identity (`_save_identity`)
    names one save: it is read before and after loading, and a load that saw it change, which may
    mix two saves' files, is done again.

    Raises:
        ModelLoadError: when the folder is missing, incomplete, of another task, or its head
            does not match its label set; or when saves keep replacing it while it is read.
    """
    folder = Path(path)
    for attempt in range(LOAD_ATTEMPTS):
        before = _save_identity(folder)
        try:
            task = _load_once(folder, task_class)
        except ModelLoadError:
            if _save_identity(folder) == before:
                raise
        else:
            if _save_identity(folder) == before:
                return task
        time.sleep(0.1 * (attempt + 1))  # a save is being renamed into place
    raise ModelLoadError(f"{folder} was replaced by another save {LOAD_ATTEMPTS} times while it was read. "
                         "Fix: load it again once the process saving into it has finished.")


def _save_identity(folder):
    """What tells the save now at `folder` from any other, or None while there is none: the inode and
    change time of the folder and of its description and weights (inodes alone are reused by the
    file system once an older save is deleted; a new save's files are written at other times)."""
    try:
        stats = [os.stat(path) for path in (folder, folder / TASK_FILE, folder / WEIGHTS_FILE)]
    except OSError:
        return None
    return tuple((status.st_dev, status.st_ino, status.st_mtime_ns, status.st_ctime_ns) for status in stats)


def _load_once(folder, task_class):
    """One load of `folder`; anything in it that fails in a way no check foresaw is a `ModelLoadError` too."""
    try:
        return _load_checked(folder, task_class)
    except KerastlError:
        raise
    except Exception as error:  # noqa: BLE001 - a model folder is untrusted input: never a traceback
        raise ModelLoadError(f"{folder} cannot be loaded ({type(error).__name__}: {_error_summary(error)}). "
                             "Fix: save the model again with kerastl.") from None


def _load_checked(folder, task_class):
    from kerastl.tasks.registry import get_task

    description = _read_task_file(folder)
    saved_class = get_task(description["task"])
    if task_class is not None and saved_class is not task_class:
        raise ModelLoadError(
            f"{folder} holds a '{description['task']}' model, not a '{task_class.name}' one. "
            f"Fix: load it with kerastl.load('{folder}')."
        )
    task_class = saved_class
    _check_saved_class(folder, description, task_class)
    try:
        task = task_class.from_config(description["config"])
    except (KerastlError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise ModelLoadError(f"{folder / TASK_FILE} holds an invalid task config: {error} Fix: save the model again.")
    for required in (MODEL_CONFIG_FILE, WEIGHTS_FILE, TOKENIZER_FOLDER):
        if not (folder / required).exists():
            raise ModelLoadError(f"{folder} is incomplete: {required} is missing. Fix: save the model again.")
    task.tokenizer = load_tokenizer(folder / TOKENIZER_FOLDER)
    model_config = _read_json_object(folder / MODEL_CONFIG_FILE)
    _check_model_size(folder, model_config)
    _check_lengths(folder, task, model_config)
    try:
        # Safe mode: a model file can only name registered classes, never run stored code (lambdas).
        model_config.pop("compile_config", None)  # older folders: their loss, optimizer and jit choice
        task.model = keras.saving.deserialize_keras_object(model_config, safe_mode=True)
        if not isinstance(task.model, keras.Model):
            raise TypeError(f"{MODEL_CONFIG_FILE} describes a {type(task.model).__name__}, not a Keras model")
        _load_model_weights(task.model, folder / WEIGHTS_FILE)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as error:
        raise ModelLoadError(
            f"{folder} cannot be loaded: {_error_summary(error)}. "
            "Fix: save the model again with kerastl (only kerastl's own layers load in safe mode)."
        )
    task.load_assets(folder)
    check_consistency(task, folder)
    return task


def check_consistency(task, folder):
    """Check a loaded model against its saved config; raise `ModelLoadError` if they differ."""
    from kerastl.tasks.labelled_task import LabelledTask

    if isinstance(task, LabelledTask) and task.label_set is None:
        raise ModelLoadError(f"{folder}: {TASK_FILE} holds no labels for the model's head. Fix: save the model again.")
    expected = task.head_size() if isinstance(task, LabelledTask) else None
    found = _output_units(task.model)
    if expected is not None and found is not None and expected != found:
        raise ModelLoadError(
            f"{folder}: {TASK_FILE} describes a head of {expected} outputs but the model's head has {found}. "
            f"The label set in {TASK_FILE} does not belong to this model; save the model again."
        )
    vocabulary_size = task.tokenizer.vocabulary_size()
    embedding_rows = _token_embedding_rows(task.model)
    if embedding_rows is not None and vocabulary_size > embedding_rows:
        raise ModelLoadError(
            f"{folder}: the tokenizer has {vocabulary_size} tokens but the model's embedding only "
            f"{embedding_rows}. The tokenizer folder does not belong to this model; save the model again."
        )


def _read_task_file(folder):
    if not folder.exists():
        raise ModelLoadError(f"No model folder at {folder}. Fix: pass the --output folder of `kerastl train`.")
    if not folder.is_dir():
        raise ModelLoadError(f"{folder} is a file, not a model folder. Fix: pass the folder `kerastl train` wrote.")
    task_file = folder / TASK_FILE
    if not task_file.exists() and not task_file.is_symlink():
        raise ModelLoadError(f"{folder} holds no {TASK_FILE}, so it is not a kerastl model folder.")
    description = _read_json_object(task_file)
    if description.get("format_version") != FORMAT_VERSION or not isinstance(description.get("task"), str):
        raise ModelLoadError(f"{task_file} is not a kerastl model description of format version {FORMAT_VERSION}. "
                             "Fix: save the model again.")
    if not isinstance(description.get("config"), dict):
        raise ModelLoadError(f"{task_file}: 'config' must be a JSON object. Fix: save the model again.")
    return description


def _read_json_object(path):
    """The JSON object in the model file `path`; anything else is a `ModelLoadError`."""
    from kerastl.errors import json_type_name

    try:
        content = json.loads(read_model_text(path))
    except (json.JSONDecodeError, RecursionError) as error:
        raise ModelLoadError(f"{path} is not valid JSON ({_error_summary(error)}). Fix: save the model again.")
    except OSError as error:
        raise ModelLoadError(f"{path} cannot be read ({error.strerror or error}). Fix: save the model again.")
    if not isinstance(content, dict):
        raise ModelLoadError(f"{path} holds a JSON {json_type_name(content)}, not an object, so kerastl did not "
                             "write it. Fix: save the model again.")
    return content


#: Config keys that size one axis of a weight array: none can exceed the weights file's values.
SIZE_KEYS = ("vocabulary_size", "hidden_dim", "intermediate_dim", "embedding_dim", "num_classes", "units",
             "input_dim", "output_dim", "max_sequence_length", "num_heads", "key_dim", "num_layers")
#: Pairs of keys whose product is the size of one weight array (a token embedding, a feed-forward kernel).
MATRIX_KEYS = (("vocabulary_size", "hidden_dim"), ("vocabulary_size", "embedding_dim"),
               ("intermediate_dim", "hidden_dim"), ("hidden_dim", "hidden_dim"))


def _check_model_size(folder, model_config):
    """Refuse a model config that would allocate more than its weights file holds, before building it.

    The weights file states how many values and arrays the model has. A config axis (e.g. a
    vocabulary size) or a weight matrix larger than all of them together, more stacked layers
    than arrays, or far more layers than arrays cannot belong to these weights: building it
    would only exhaust memory.
    """
    values, arrays = _weights_file_size(folder / WEIGHTS_FILE)
    configs = list(_dicts_in(model_config))
    layers = sum(1 for config in configs if "class_name" in config)
    if layers > 8 * arrays + 256:
        _raise_too_large(folder, f"it has {layers} layers but the weights file only {arrays} arrays")
    for config in configs:
        sizes = {key: config[key] for key in SIZE_KEYS if isinstance(config.get(key), int)}
        for key, size in sizes.items():
            limit = arrays if key == "num_layers" else values
            if size > limit:
                _raise_too_large(folder, f"{key}={size} but the weights file holds {limit} "
                                         f"{'arrays' if key == 'num_layers' else 'values'}")
        for rows, columns in MATRIX_KEYS:
            if (rows, columns) == ("vocabulary_size", "hidden_dim") and "embedding_dim" in sizes:
                continue  # a factorized embedding (ALBERT): vocabulary x embedding_dim, then a projection
            if rows in sizes and columns in sizes and sizes[rows] * sizes[columns] > values:
                _raise_too_large(folder, f"{rows}={sizes[rows]} x {columns}={sizes[columns]} is more than the "
                                         f"{values} values of the weights file")


def _check_lengths(folder, task, model_config):
    """Refuse a LoRA rank wider than the backbone, or a `max_length` beyond the backbone's positions."""
    configs = list(_dicts_in(model_config))
    widths = [config["hidden_dim"] for config in configs if isinstance(config.get("hidden_dim"), int)]
    ranks = [config["lora_rank"] for config in configs if isinstance(config.get("lora_rank"), int)]
    if widths and ranks and max(ranks) > max(widths):
        _raise_too_large(folder, f"lora_rank={max(ranks)} is wider than the backbone's hidden_dim={max(widths)}")
    encoders = [config.get("config") for config in configs if config.get("class_name") == "BackboneEncoder"]
    positions = [_nested(encoder, "backbone", "config", "max_sequence_length") for encoder in encoders]
    positions = [value for value in positions if isinstance(value, int)]
    max_length = getattr(task, "max_length", None)
    if positions and isinstance(max_length, int) and max_length > min(positions):
        raise ModelLoadError(f"{folder / TASK_FILE}: max_length {max_length} is above the {min(positions)} positions "
                             f"of the model's backbone in {MODEL_CONFIG_FILE}. Fix: save the model again.")


def _nested(value, *keys):
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _weights_file_size(path):
    """The number of values and of arrays in a Keras weights file, read from its metadata only.

    An array's stated shape is checked against the file's real size: HDF5 lets a file declare
    arrays it does not store, and no weights file holds more values than it has bytes.
    """
    import h5py

    file_bytes = check_model_file(path)
    counts = [0, 0]

    def count(name, item):
        if isinstance(item, h5py.Dataset):
            counts[0] += int(np.prod(item.shape, dtype=np.int64))
            counts[1] += 1

    try:
        with h5py.File(path, "r") as weights:
            weights.visititems(count)
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"{path} is not a readable weights file ({_error_summary(error)}). "
                             "Fix: save the model again.")
    if counts[0] > file_bytes:
        raise ModelLoadError(f"{path} declares {counts[0]:,} values in {file_bytes:,} bytes; its arrays are not "
                             "stored in it. Fix: save the model again.")
    return counts[0], counts[1]


def _dicts_in(value):
    """Every dict nested in a parsed JSON value, without recursion (a deep file cannot overflow)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            yield item
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _raise_too_large(folder, why):
    raise ModelLoadError(f"{folder / MODEL_CONFIG_FILE} does not fit the weights in {WEIGHTS_FILE}: {why}. "
                         "Building it would only exhaust memory. Fix: save the model again.")


def _check_saved_class(folder, description, task_class):
    """Refuse a description whose task name was changed to another task than the one saved."""
    saved_class = description.get("task_class")
    expected = f"{task_class.__module__}.{task_class.__qualname__}"
    known = {task_class.__qualname__, *task_class.former_class_names}
    if isinstance(saved_class, str) and saved_class.rpartition(".")[2] not in known:
        raise ModelLoadError(
            f"{folder / TASK_FILE} names the task '{description['task']}' ({expected}) but the model was saved by "
            f"{saved_class}. Fix: restore the task name the model was saved with, or save the model again."
        )


def _output_units(model):
    """The size of the last axis of a model's single output, or None when it cannot tell."""
    outputs = getattr(model, "outputs", None)
    if not isinstance(outputs, list) or len(outputs) != 1 or not hasattr(outputs[0], "shape"):
        return None
    units = outputs[0].shape[-1]
    return int(units) if units is not None else None


def _error_summary(error):
    """The first sentences of an error message (Keras' weight errors put the cause on line 2)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:2]).rstrip(".") if lines else type(error).__name__


def _token_embedding_rows(model):
    for layer in model.layers:
        if isinstance(layer, BackboneEncoder):
            embedding = getattr(layer.backbone, "token_embedding", None)
            if embedding is not None:
                return int(embedding.input_dim)
    return None
