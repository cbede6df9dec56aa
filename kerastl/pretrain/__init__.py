"""Upstream pretraining: learn a vocabulary and a small backbone from raw text.

`pretrain` writes a keras-hub preset folder that every kerastl task takes as its backbone.

Example:

>>> from kerastl.pretrain import pretrain
>>> pretrain(["corpus.txt"], "my-backbone", objective="mlm", size="tiny")  # doctest: +SKIP
"""

from kerastl.pretrain.backbone_sizes import BACKBONE_SIZES, backbone_size
from kerastl.pretrain.causal_lm import CausalLanguageModel
from kerastl.pretrain.checkpoint import PretrainCheckpoint
from kerastl.pretrain.corpus import read_corpus
from kerastl.pretrain.masked_lm import MaskedLanguageModel
from kerastl.pretrain.objective import PretrainingObjective
from kerastl.pretrain.pretrainer import OBJECTIVES, pretrain
from kerastl.pretrain.vocabulary import RESERVED_TOKENS, learn_vocabulary, word_piece_tokenizer

__all__ = [
    "BACKBONE_SIZES",
    "CausalLanguageModel",
    "MaskedLanguageModel",
    "OBJECTIVES",
    "PretrainCheckpoint",
    "PretrainingObjective",
    "RESERVED_TOKENS",
    "backbone_size",
    "learn_vocabulary",
    "pretrain",
    "read_corpus",
    "word_piece_tokenizer",
]
