"""The one inference loop of every task, and the one compiled model call it goes through.

`Task.predict`, `Task.evaluate` and the per-epoch validation all run `predict_outputs`:
rows sorted by length, batched, handed to the task's `forward`, put back in record order.
`forward` (by default `Task.run_model`) calls the model through `compiled_forward`, the one
place a model runs for inference; what a task does around it (NER's windows, translation's
generation loop) stays outside that compiled call.

Nothing is remembered between calls: whoever has outputs passes them on (the epoch metrics
keep the last epoch's validation outputs for calibration and the final metrics).
"""

import keras
import numpy as np
import tensorflow as tf

from kerastl.tasks.pass_progress import PassProgress
from kerastl.training.precision import precision_scope


def predict_outputs(task, records, batch_size=64, **forward_options):
    """Run `task.forward` over `records` in batches of similar length; one output per record.

    Rows (`task.encode(records, with_targets=False)`) are sorted from shortest to longest (so a
    batch carries little padding), cut into batches of `batch_size`, and each batch's outputs go
    back to their records' positions. A pass longer than a few seconds shows its progress on
    standard error (`PassProgress`).

    Args:
        task: a `kerastl.tasks.Task` with a model.
        records: the records to run on.
        batch_size: rows per forward call.
        **forward_options: passed to `task.forward` (e.g. translation's `num_beams`).

    Returns:
        A list with one output per record, in record order.
    """
    with precision_scope(task.precision):
        features = task.encode(records, with_targets=False)[0]
        order = np.argsort(_row_lengths(features), kind="stable")
        outputs = [None] * len(order)
        progress = PassProgress(len(order), "examples")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = {name: tf.gather(value, rows) for name, value in features.items()}
            for index, output in zip(rows, task.forward(batch, **forward_options)):
                outputs[index] = output
            progress.update(start + len(rows))
        progress.close()
        return outputs


def compiled_forward(model):
    """The model's inference call, compiled once: a function from a dict of padded inputs to numpy.

    Inputs the model does not take are left out. On TensorFlow one `tf.function` whose signature
    comes from the model's inputs (batch and length unknown), so batches of any length reuse one
    trace; on JAX and PyTorch Keras' own predict function (`jax.jit`, `torch.no_grad`).

    Example:

    >>> from kerastl.tasks.inference import compiled_forward
    >>> run = compiled_forward(task.model)  # doctest: +SKIP
    >>> logits = run({"token_ids": ids, "padding_mask": mask})  # doctest: +SKIP
    """
    signature = tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), model.input)
    if keras.backend.backend() != "tensorflow":
        return lambda batch: keras.ops.convert_to_numpy(model.predict_on_batch(
            {name: np.asarray(batch[name], spec.dtype.as_numpy_dtype) for name, spec in signature.items()}))

    @tf.function(input_signature=[signature], autograph=False)
    def call(inputs):
        return model(inputs, training=False)

    def run(batch):
        return keras.ops.convert_to_numpy(call({name: tf.cast(batch[name], spec.dtype)
                                                for name, spec in signature.items()}))

    return run


def _row_lengths(features):
    """The length of every row, what batches are sorted by: the `length` feature when the task
    gives one (NER: its words' sub-tokens), else the length of `token_ids` or of the first
    ragged feature."""
    if "length" in features:
        return np.asarray(features["length"])
    ragged = features.get("token_ids")
    if not isinstance(ragged, tf.RaggedTensor):
        ragged = next(value for value in features.values() if isinstance(value, tf.RaggedTensor))
    return ragged.row_lengths().numpy()
