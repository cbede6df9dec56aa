"""`export_task`: write a trained task as a TensorFlow SavedModel for serving."""

import json

import keras
import tensorflow as tf

from kerastl.atomic_files import atomic_folder, check_output_folder, output_lock, remove_leftovers
from kerastl.errors import KerastlError
from kerastl.export.serving_module import ServingModule

#: Where the export describes itself, beside the SavedModel (TF Serving's extra-assets folder).
EXPORT_DESCRIPTION_FILE = "assets.extra/kerastl_export.json"


def export_task(task, path, overwrite=False):
    """Export `task` as a SavedModel whose `serving_default` signature maps raw strings to answers.

    Preprocessing (tokenization, packing, padding) runs inside the graph, so the SavedModel
    serves with TensorFlow alone: `tf.saved_model.load(path).signatures["serving_default"]`
    takes `texts`, a `tf.string` tensor of shape `(batch,)` (a classifier of text pairs also
    `text_pairs`), and returns the task's outputs, dense tensors whose first axis is the batch:
    for sentiment `label`, `score` and `probabilities`; for multilabel `scores`, `predicted`
    and `labels`; for NER `entity_type`, `entity_text`, `entity_start`, `entity_end`,
    `entity_score` (padded per batch) and `entity_count`; for translation `translation`. Load
    it after `import tensorflow_text`, which registers the ops of WordPiece tokenizers and of
    NER's word splitting.

    The folder is written beside `path` and renamed into place when complete.

    The serving graph is TensorFlow's: on the JAX or PyTorch backend the task is saved to a
    temporary folder and exported from there by a child process on Keras' TensorFlow backend
    (`kerastl.export.tensorflow_process`), with the same result and errors.

    Args:
        task: a trained `kerastl.tasks.Task` (fitted, or loaded with `kerastl.load`).
        path: the folder to write the SavedModel to.
        overwrite: replace `path` when it holds a kerastl export already. A folder of other
            files is never replaced.

    Returns:
        The output description written to `assets.extra/kerastl_export.json`: the task, the
        signature's input and output names, and `Task.serving_metadata()` (e.g. label names).

    Raises:
        KerastlError: when the task has no model yet or does not support export.
        OutputError: `path` holds other files, or an export and `overwrite` is False.

    Example:

    >>> import kerastl
    >>> from kerastl.export import export_task
    >>> export_task(kerastl.load("my-model"), "my-model-serving")  # doctest: +SKIP
    """
    if task.model is None:
        raise KerastlError(
            f"The {task.name or type(task).__name__} task has no model to export. "
            "Fix: train it first, or load a trained one with kerastl.load(path)."
        )
    check_output_folder(path, "export", overwrite=overwrite)
    if keras.backend.backend() != "tensorflow":
        from kerastl.export.tensorflow_process import export_task_in_tensorflow

        return export_task_in_tensorflow(task, path, overwrite=overwrite)
    with output_lock(path):
        remove_leftovers(path)
        return _export(task, path)


def _export(task, path):
    serve = task.serving_function()
    module = ServingModule(task, serve)
    concrete = serve.get_concrete_function()
    description = {
        "task": task.name,
        "signature": "serving_default",
        "inputs": {name: spec.dtype.name for name, spec in _input_specs(concrete).items()},
        "outputs": sorted(concrete.structured_outputs),
        **task.serving_metadata(),
    }
    with atomic_folder(path) as folder:
        tf.saved_model.save(module, str(folder), signatures={"serving_default": concrete})
        description_file = folder / EXPORT_DESCRIPTION_FILE
        description_file.parent.mkdir(parents=True, exist_ok=True)
        description_file.write_text(json.dumps(description, indent=2, ensure_ascii=False), encoding="utf-8")
    return description


def _input_specs(concrete):
    args, kwargs = concrete.structured_input_signature
    specs = dict(kwargs)
    for spec in args:
        specs[spec.name] = spec
    return specs
