"""Text classification (registered as `classification`, and as `sentiment`): the task and its predictions."""

from kerastl.tasks.classification.prediction import ClassificationPrediction, SentimentPrediction
from kerastl.tasks.classification.task import ClassificationTask

#: The name of `ClassificationTask` when it was registered as "sentiment" only.
SentimentTask = ClassificationTask

__all__ = ["ClassificationPrediction", "ClassificationTask", "SentimentPrediction", "SentimentTask"]
