"""Typed prediction results returned by `Task.predict` (each defined in its task's folder)."""

from kerastl.tasks.classification.prediction import ClassificationPrediction, MultiLabelPrediction, SentimentPrediction
from kerastl.tasks.ner.entity import Entity
from kerastl.tasks.ner.prediction import NerPrediction
from kerastl.tasks.translation.prediction import TranslationPrediction

__all__ = ["ClassificationPrediction", "Entity", "MultiLabelPrediction", "NerPrediction", "SentimentPrediction",
           "TranslationPrediction"]
