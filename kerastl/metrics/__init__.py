"""The metrics each field reports."""

from kerastl.metrics.classification_metrics import classification_metrics
from kerastl.metrics.entity_metrics import entity_metrics
from kerastl.metrics.multi_label_metrics import multi_label_metrics
from kerastl.metrics.translation_metrics import sentence_chrf, translation_metrics

__all__ = ["classification_metrics", "entity_metrics", "multi_label_metrics", "sentence_chrf", "translation_metrics"]
