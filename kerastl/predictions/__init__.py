"""Typed prediction results returned by `Task.predict`."""

from kerastl.predictions.entity import Entity
from kerastl.predictions.ner_prediction import NerPrediction
from kerastl.predictions.sentiment_prediction import SentimentPrediction
from kerastl.predictions.translation_prediction import TranslationPrediction

__all__ = ["Entity", "NerPrediction", "SentimentPrediction", "TranslationPrediction"]
