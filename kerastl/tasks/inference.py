"""The one inference loop of every task: sort by length, batch, forward, restore the order.

`Task.predict`, `Task.evaluate` and the per-epoch validation all run `predict_outputs`. A
task plugs in through three hooks (see `kerastl.tasks.Task`):

- `inference_features(records)`: what the model reads, one row per record (default: the
  task's `encode` without targets), and optionally each row's `length` to sort by;
- `forward(batch, **options)`: one batch of rows in, one output per row out (default: the
  model on the padded token ids; translation generates, NER tags words in the graph);
- `decode(outputs, records)`: the outputs, back in record order, into typed predictions.

Inside `reused_outputs(task)` the loop remembers its outputs: a training run predicts its
validation records after the last epoch, again to calibrate and again for its final metrics,
and the model runs once for the three (NER too: its outputs are sub-token logits, and the
temperature calibration tries is applied in `decode`).
"""

import contextlib
import hashlib
import json

import keras
import numpy as np
import tensorflow as tf

from kerastl.precision import precision_scope


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
    with precision_scope(task.precision):
        return _remembered_outputs(task, task.inference_features(records), batch_size, forward_options)


def _remembered_outputs(task, features, batch_size, forward_options):
    """`_forward_all`, or inside `reused_outputs` what it returned before for the same key."""
    memo = getattr(task, "_output_memo", None)
    if memo is None:
        return _forward_all(task, features, batch_size, forward_options)
    weights = weights_fingerprint(task.model)
    key = (weights, _features_digest(features), batch_size, repr(sorted(forward_options.items())),
           json.dumps(task.forward_state(), sort_keys=True, default=str))
    for stale in [known for known in memo if known[0] != weights]:
        del memo[stale]
    if key not in memo:
        memo[key] = _forward_all(task, features, batch_size, forward_options)
    return list(memo[key])


@contextlib.contextmanager
def reused_outputs(task):
    """Within the block, `predict_outputs` runs the model once for the same rows, options and weights.

    A repeated call returns the outputs of the first as long as the features of the rows, the
    batch size, the forward options, the model's weights (`weights_fingerprint`) and what else
    the task's `forward` reads (`Task.forward_state`) are the same. Outputs of earlier weights
    are dropped at the next call. Blocks nest: an inner block shares the outer one's memory.
    """
    if getattr(task, "_output_memo", None) is not None:
        yield
        return
    task._output_memo = {}
    try:
        yield
    finally:
        task._output_memo = None


def weights_fingerprint(model):
    """The sum and sum of squares of each of `model`'s weights, in float64: a value that changes
    when a training step, a restore or an assignment changes any weight."""
    sums = [(tf.reduce_sum(values), tf.reduce_sum(tf.square(values)))
            for values in (tf.cast(weight.value, tf.float64) for weight in model.weights)]
    return tuple(float(value) for pair in sums for value in pair)


def _forward_all(task, features, batch_size, forward_options):
    """The loop itself: rows sorted by length, batched, forwarded, put back in their order."""
    order = np.argsort(_row_lengths(features), kind="stable")
    outputs = [None] * len(order)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        batch = {name: tf.gather(value, rows) for name, value in features.items()}
        for index, output in zip(rows, task.forward(batch, **forward_options)):
            outputs[index] = output
    return outputs


def _features_digest(features):
    """A digest of the values and row structure of every feature."""
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(features):
        value = features[name]
        parts = [*value.nested_row_splits, value.flat_values] if isinstance(value, tf.RaggedTensor) else [value]
        digest.update(name.encode())
        for part in parts:
            array = np.asarray(part)
            digest.update(f"{array.dtype}{array.shape}".encode())
            digest.update(array.tobytes() if array.dtype != object else repr(array.tolist()).encode())
    return digest.hexdigest()


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
    """The length of every row, what batches are sorted by: the `length` feature when the task
    gives one (NER: its words' sub-tokens), else the length of `token_ids` or of the first
    ragged feature."""
    if "length" in features:
        return np.asarray(features["length"])
    ragged = features.get("token_ids")
    if not isinstance(ragged, tf.RaggedTensor):
        ragged = next(value for value in features.values() if isinstance(value, tf.RaggedTensor))
    return ragged.row_lengths().numpy()
