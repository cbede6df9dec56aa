"""The default recipe of `pretrain --from`: which objective, learning rate and head warm-up
continue a backbone's pretraining, by the kind of backbone it is.

Three kinds are told apart: a causal decoder (GPT-2, Gemma, Llama: causal LM, its own
objective), a sentence-embedding encoder (trained contrastively on sentence pairs, as
sentence-transformers models such as the bundled minilm-l6 are) and any other encoder (BERT,
RoBERTa, DeBERTa-v3, ...: trained with masked LM).

The sentence-embedding recipe is the one measured closest to the general backbone on IMDB at
100 and 500 labels, among masked LM after a head warm-up, SimCSE and both together; none beat
the general backbone beyond the seed spread, and SimCSE moved its weights least
(`docs/domain-adaptation-imdb.json`, README "Your own backbone"). The encoder and decoder
recipes continue the backbone's own objective at a fine-tuning learning rate (the head warm-up
because the masked LM head is new); they are not measured on IMDB, for want of a pretrained
masked LM encoder or decoder offline.
"""

import json
from pathlib import Path
from typing import NamedTuple

from kerastl.backbones.families import DECODER

#: Files a sentence-transformers model folder holds beside the Hugging Face model.
SENTENCE_EMBEDDING_FILES = ("config_sentence_transformers.json", "sentence_bert_config.json", "modules.json")


class Recipe(NamedTuple):
    """How `pretrain --from` continues a backbone unless told otherwise."""

    kind: str
    objective: str
    learning_rate: float
    warmup_head_steps: int


#: The recipe of each kind of backbone.
RECIPES = {
    "decoder": Recipe("decoder", "clm", 5e-5, 0),
    "sentence-embedding encoder": Recipe("sentence-embedding encoder", "simcse", 3e-5, 0),
    "encoder": Recipe("encoder", "mlm", 5e-5, 100),
}


def default_recipe(name, architecture):
    """The recipe `pretrain --from name` follows by default.

    Args:
        name: the backbone name or folder (as `load_backbone` takes it).
        architecture: its architecture (`kerastl.backbones.families.ENCODER` or `DECODER`).

    Example:

    >>> from kerastl.backbones.families import ENCODER
    >>> from kerastl.pretrain.recipes import default_recipe
    >>> default_recipe("minilm-l6", ENCODER).objective  # doctest: +SKIP
    'simcse'
    """
    if architecture == DECODER:
        return RECIPES["decoder"]
    if is_sentence_embedding_model(name):
        return RECIPES["sentence-embedding encoder"]
    return RECIPES["encoder"]


def is_sentence_embedding_model(name):
    """Whether a backbone was trained for sentence embeddings: a folder (or its `huggingface/`
    copy, as the bundled backbones keep) holding sentence-transformers files, or a folder
    `kerastl pretrain` wrote with a contrastive objective."""
    from kerastl.backbones import resolve_backbone
    from kerastl.errors import BackboneNotFoundError

    try:
        folder = Path(resolve_backbone(str(name)))
    except BackboneNotFoundError:
        return False
    if not folder.is_dir():
        return False
    if any((place / file).is_file() for place in (folder, folder / "huggingface") for file in SENTENCE_EMBEDDING_FILES):
        return True
    metrics = folder / "pretrain_metrics.json"
    if not metrics.is_file():
        return False
    try:
        written = json.loads(metrics.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return "simcse" in str(written.get("objective", ""))
