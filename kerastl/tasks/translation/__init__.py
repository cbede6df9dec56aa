"""Machine translation: the task, its two translators (warm-started, whole preset), generation, predictions."""

from kerastl.tasks.translation.prediction import TranslationPrediction
from kerastl.tasks.translation.task import TranslationTask
from kerastl.tasks.translation.translators import PresetTranslator, Translator, WarmStartedTranslator

__all__ = ["PresetTranslator", "TranslationPrediction", "TranslationTask", "Translator", "WarmStartedTranslator"]
