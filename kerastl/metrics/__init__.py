"""The metrics each field reports."""

from kerastl.metrics.calibration_metrics import (DEFAULT_BINS, expected_calibration_error, negative_log_likelihood,
                                                 reliability_bins)
from kerastl.metrics.classification_metrics import classification_metrics
from kerastl.metrics.entity_metrics import entity_metrics
from kerastl.metrics.multi_label_metrics import multi_label_metrics
from kerastl.metrics.translation_metrics import sentence_chrf, translation_metrics

__all__ = [
    "DEFAULT_BINS",
    "classification_metrics",
    "entity_metrics",
    "expected_calibration_error",
    "multi_label_metrics",
    "negative_log_likelihood",
    "reliability_bins",
    "sentence_chrf",
    "translation_metrics",
]
