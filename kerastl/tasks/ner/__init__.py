"""Named-entity recognition: the task, its graph code (shared by `predict` and the export), its predictions."""

from kerastl.tasks.ner.entity import Entity
from kerastl.tasks.ner.prediction import NerPrediction
from kerastl.tasks.ner.task import NerTask

__all__ = ["Entity", "NerPrediction", "NerTask"]
