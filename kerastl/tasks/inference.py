"""The one inference loop of every task: sort by length, batch, forward, restore the order.

`Task.predict`, `Task.evaluate` and the per-epoch validation all run `predict_outputs`. A
task plugs in through three hooks (see `kerastl.tasks.Task`):

- `inference_features(records)`: what the model reads, one row per record (default: the
  task's `encode` without targets);
- `forward(batch, **options)`: one batch of rows in, one output per row out (default: the
  model on the padded token ids; translation generates, NER tags words in the graph);
- `decode(outputs, records)`: the outputs, back in record order, into typed predictions.
"""

import keras
import numpy as np
import tensorflow as tf


def predict_outputs(task, records, batch_size=64, **forward_options):
    """Run `task.forward` over `records` in batches of similar length; one output per record.

    Rows are sorted from shortest to longest (so a batch carries little padding), cut into
    batches of `batch_size`, and each batch's outputs go back to their records' positions.

    Args:
        task: a `kerastl.tasks.Task` with a model.
        records: the records to run on.
        batch_size: rows per forward call.
        **forward_options: passed to `task.forward` (e.g. translation's `num_beams`).

    Returns:
        A list with one output per record, in record order.
    """
    features = task.inference_features(records)
    order = np.argsort(_row_lengths(features), kind="stable")
    outputs = [None] * len(order)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        batch = {name: tf.gather(value, rows) for name, value in features.items()}
        for index, output in zip(rows, task.forward(batch, **forward_options)):
            outputs[index] = output
    return outputs


def padded_batch(features, pad_id):
    """Pad a batch of ragged features to its longest row; add the `padding_mask` of `token_ids`."""
    from kerastl.export.serving_inputs import padded_inputs

    batch = padded_inputs(features["token_ids"], pad_id)
    for name, value in features.items():
        if name != "token_ids":
            batch[name] = value.to_tensor() if isinstance(value, tf.RaggedTensor) else value
    return batch


def traced_call(model):
    """The model's inference call as one `tf.function`, traced once for every batch shape.

    The signature comes from the model's inputs (batch and length unknown), so batches of any
    length reuse one trace; features the model does not take are left out.
    """
    signature = tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), model.input)

    @tf.function(input_signature=[signature], autograph=False)
    def call(inputs):
        return model(inputs, training=False)

    def run(batch):
        return keras.ops.convert_to_numpy(call({name: tf.cast(batch[name], spec.dtype)
                                                for name, spec in signature.items()}))

    return run


def _row_lengths(features):
    """The length of every row: of `token_ids`, or of the first ragged feature."""
    ragged = features.get("token_ids")
    if not isinstance(ragged, tf.RaggedTensor):
        ragged = next(value for value in features.values() if isinstance(value, tf.RaggedTensor))
    return ragged.row_lengths().numpy()
