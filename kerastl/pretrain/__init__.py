"""Upstream pretraining: a new backbone from raw text, or an existing one continued on a domain's text.

`pretrain` streams a corpus of any size and writes a keras-hub preset folder that every kerastl
task takes as its backbone.

Example:

>>> from kerastl.pretrain import pretrain
>>> pretrain(["corpus.txt"], "my-backbone", objective="mlm", size="tiny")  # doctest: +SKIP
>>> pretrain("reviews/", "reviews-minilm", from_backbone="minilm-l6", steps=2000)  # doctest: +SKIP
"""

from kerastl.pretrain.backbone_sizes import BACKBONE_SIZES, backbone_size, new_backbone
from kerastl.pretrain.causal_lm import CausalLanguageModel
from kerastl.pretrain.checkpoint import PretrainCheckpoint
from kerastl.pretrain.contrastive import ContrastiveSentenceModel, MaskedAndContrastiveModel
from kerastl.pretrain.corpus import Corpus, find_corpus_files, read_corpus
from kerastl.pretrain.masked_lm import MaskedLanguageModel
from kerastl.pretrain.objective import PretrainingObjective
from kerastl.pretrain.pretrainer import OBJECTIVES, VOCABULARIES, pretrain
from kerastl.pretrain.recipes import RECIPES, Recipe, default_recipe
from kerastl.pretrain.vocabulary import (RESERVED_TOKENS, learn_sentence_piece, learn_vocabulary,
                                         sentence_piece_tokenizer, word_piece_tokenizer)

__all__ = [
    "BACKBONE_SIZES",
    "CausalLanguageModel",
    "ContrastiveSentenceModel",
    "Corpus",
    "MaskedAndContrastiveModel",
    "MaskedLanguageModel",
    "OBJECTIVES",
    "PretrainCheckpoint",
    "PretrainingObjective",
    "RECIPES",
    "RESERVED_TOKENS",
    "Recipe",
    "VOCABULARIES",
    "backbone_size",
    "default_recipe",
    "find_corpus_files",
    "learn_sentence_piece",
    "learn_vocabulary",
    "new_backbone",
    "pretrain",
    "read_corpus",
    "sentence_piece_tokenizer",
    "word_piece_tokenizer",
]
