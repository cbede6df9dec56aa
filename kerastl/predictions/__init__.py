"""Typed prediction results returned by `Task.predict`."""

from kerastl.predictions.sentiment_prediction import SentimentPrediction

__all__ = ["SentimentPrediction"]
