"""Text classification (registered as `classification`, and as `sentiment`) and multi-label classification
(`multilabel`): two siblings on `TextClassifierTask`, and their predictions."""

from kerastl.tasks.classification.multi_label_task import MultiLabelTask
from kerastl.tasks.classification.prediction import (ClassificationPrediction, MultiLabelPrediction,
                                                     SentimentPrediction)
from kerastl.tasks.classification.task import ClassificationTask
from kerastl.tasks.classification.text_classifier import TextClassifierTask

#: The name of `ClassificationTask` when it was registered as "sentiment" only.
SentimentTask = ClassificationTask

__all__ = ["ClassificationPrediction", "ClassificationTask", "MultiLabelPrediction", "MultiLabelTask", "SentimentPrediction",
           "SentimentTask", "TextClassifierTask"]
