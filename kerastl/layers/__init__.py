"""Reusable Keras layers: a pretrained backbone as a layer, and task heads."""

from kerastl.layers.backbone_encoder import BackboneEncoder
from kerastl.layers.classification_head import ClassificationHead

__all__ = ["BackboneEncoder", "ClassificationHead"]
