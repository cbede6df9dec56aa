"""The metrics each field reports."""

from kerastl.metrics.classification_metrics import classification_metrics

__all__ = ["classification_metrics"]
