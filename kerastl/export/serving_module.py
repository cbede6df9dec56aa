"""`ServingModule`: the `tf.Module` an exported SavedModel holds."""

import tensorflow as tf


class ServingModule(tf.Module):
    """The `tf.Module` a SavedModel export holds: the model, the tokenizer, the serving function.

    Attaching the model and the tokenizer makes their variables and lookup tables part of the
    SavedModel; `serve` is the task's `serving_function()`.

    Args:
        task: the trained task.
        serve: the `tf.function` to export.
    """

    def __init__(self, task, serve):
        super().__init__(name=f"{task.name or 'kerastl'}_serving")
        # === Tracked objects ===
        self.model = task.model
        self.tokenizer = task.tokenizer
        self.model_variables = list(task.model.variables)
        self.serve = serve
