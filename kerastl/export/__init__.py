"""Export trained tasks for serving: a TensorFlow SavedModel that takes raw strings."""

from kerastl.export.export_task import EXPORT_DESCRIPTION_FILE, ServingModule, export_task
from kerastl.export.serving_inputs import serving_inputs, serving_pair_inputs

__all__ = ["EXPORT_DESCRIPTION_FILE", "ServingModule", "export_task", "serving_inputs", "serving_pair_inputs"]
