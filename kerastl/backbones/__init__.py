"""Backbones: resolve a name to a keras-hub backbone and tokenizer, install the bundled ones, list presets.

A backbone name is a bundled offline preset (`minilm-l6`, `kerastl backbones install`), a local
keras-hub preset or Hugging Face folder, a keras-hub preset name, or a `kaggle://` / `hf://`
handle (`resolve.py`). `families.py` tells encoders, causal decoders and encoder-decoders
apart; `position_limit.py` checks `max_length` against the backbone's positions;
`tokenizer_files.py` saves and loads a tokenizer inside a model folder.

Example:

>>> from kerastl.backbones import load_backbone
>>> backbone, tokenizer = load_backbone("minilm-l6")   # doctest: +SKIP
"""

from kerastl.backbones.bundled import (BUNDLED_BACKBONES, DEFAULT_BACKBONE, HUB_PREFIXES, HUGGING_FACE_SUBFOLDER,
                                       BundledBackbone, available_backbones, bundled_backbone_dir, cache_dir,
                                       install_backbone)
from kerastl.backbones.position_limit import check_max_length, position_limit
from kerastl.backbones.presets import keras_hub_text_presets, text_presets
from kerastl.backbones.resolve import backbone_architecture, load_backbone, load_tokenizer, resolve_backbone

__all__ = [
    "BUNDLED_BACKBONES", "DEFAULT_BACKBONE", "HUB_PREFIXES", "HUGGING_FACE_SUBFOLDER", "BundledBackbone",
    "available_backbones", "backbone_architecture", "bundled_backbone_dir", "cache_dir", "check_max_length",
    "install_backbone", "keras_hub_text_presets", "load_backbone", "load_tokenizer", "position_limit", "resolve_backbone",
    "text_presets",
]
