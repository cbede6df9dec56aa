"""Hugging Face model folders: which ones keras-hub converts, and a clear error for the others."""

import json

from kerastl.backbones.presets import keras_hub_text_presets
from kerastl.errors import BackboneNotFoundError

#: Hugging Face `model_type`s whose keras-hub family has another name (DeBERTa-v3 is saved as v2).
_KERAS_HUB_FAMILY_OF_MODEL_TYPE = {"deberta-v2": "deberta_v3"}


def check_keras_hub_converts(path):
    """Raise a clear error for a Hugging Face folder whose `model_type` keras-hub cannot convert."""
    config = _read_json(path / "config.json")
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or "registered_name" in config:
        return  # a keras-hub preset (or a format keras-hub reports on itself)
    if keras_hub_converts(model_type):
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


def keras_hub_converts(model_type):
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
