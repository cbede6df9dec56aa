"""Machine translation: the task, its generation and packing code, its predictions."""

from kerastl.tasks.translation.prediction import TranslationPrediction
from kerastl.tasks.translation.task import TranslationTask

__all__ = ["TranslationPrediction", "TranslationTask"]
