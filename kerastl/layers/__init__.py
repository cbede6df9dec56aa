"""Reusable Keras layers: a pretrained backbone as a layer, and task heads."""

from kerastl.layers.backbone_encoder import BackboneEncoder
from kerastl.layers.classification_head import ClassificationHead
from kerastl.layers.seq2seq_translator import Seq2SeqTranslator
from kerastl.layers.text_inputs import text_inputs
from kerastl.layers.text_preprocessor import TextPreprocessor
from kerastl.layers.token_classification_head import TokenClassificationHead
from kerastl.layers.translation_decoder import TranslationDecoder

__all__ = [
    "BackboneEncoder", "ClassificationHead", "Seq2SeqTranslator", "TextPreprocessor", "TokenClassificationHead",
    "TranslationDecoder", "text_inputs",
]
