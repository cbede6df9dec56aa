"""keras-hub's text presets, read from its offline preset metadata, with kerastl's bundled ones."""

import functools

from kerastl.backbones.bundled import BUNDLED_BACKBONES, bundled_backbone_dir


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
