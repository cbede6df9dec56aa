"""`export_onnx`: write a trained classifier, multi-label classifier or NER tagger as an ONNX folder.

The folder:

| file | what it holds |
| --- | --- |
| `model.onnx` | the network: `token_ids` (int32), `padding_mask` (bool) and, for a pair classifier on a BERT, ELECTRA or ALBERT backbone, `segment_ids`, all `(batch, length)`; out `probabilities` (softmax at the calibrated temperature; sigmoids for multilabel; per token for NER) |
| `tokenizer.json` | the tokenizer, for Hugging Face `tokenizers` (`kerastl.export.onnx.tokenizer_json`) |
| `kerastl_onnx.json` | the task, labels, thresholds, special ids, `max_length`, NER's windows and decoding |
| `kerastl_onnx.py` | the runtime (`kerastl/export/onnx/runtime.py`): raw text in, `predict`'s answer out |

The graph is converted from TensorFlow (tf2onnx): on the JAX or PyTorch backend the export runs in a
child process on Keras' TensorFlow backend, as the SavedModel export does.
"""

import json
import shutil
from pathlib import Path

import keras
import numpy as np

from kerastl.atomic_files import atomic_folder, check_output_folder, output_lock, remove_leftovers
from kerastl.errors import KerastlError
from kerastl.export.onnx import runtime

#: The export's description; its presence marks a finished ONNX export.
ONNX_DESCRIPTION_FILE = runtime.DESCRIPTION_FILE
#: The ONNX operator set the graph is written with (onnxruntime 1.16 and later run it).
OPSET = 17
#: What `quantize` may be: None (float32) or "int8" (dynamic quantization of the weights).
QUANTIZATIONS = (None, "int8")


def export_onnx(task, path, overwrite=False, quantize=None):
    """Export `task` to the folder `path` as ONNX with its tokenizer and runtime (see the module's table).

    Args:
        task: a trained classification, multilabel or NER task.
        path: the output folder (new or empty, or an earlier ONNX export with `overwrite`).
        overwrite: replace an earlier ONNX export in `path`.
        quantize: None, or "int8": onnxruntime's dynamic quantization (int8 weights of the matrix
            products, one scale per output channel; activations quantized per call), a smaller and
            usually faster model.

    Returns:
        The description written to `kerastl_onnx.json`.

    Raises:
        KerastlError: a task the ONNX export does not cover (translation, plugins), a tokenizer
            `tokenizers` cannot express, or an unknown `quantize`.
        OutputError: `path` holds other files, or an export and `overwrite` is False.

    Example:

    >>> import kerastl
    >>> from kerastl.export.onnx import export_onnx
    >>> export_onnx(kerastl.load("my-model"), "my-model-onnx")  # doctest: +SKIP
    """
    if quantize not in QUANTIZATIONS:
        raise KerastlError(f"quantize={quantize!r} is not one of {QUANTIZATIONS}. Fix: leave it out, or use 'int8'.")
    if task.model is None:
        raise KerastlError(f"The {task.name or type(task).__name__} task has no model to export. "
                           "Fix: train it first, or load a trained one with kerastl.load(path).")
    check_output_folder(path, "onnx", overwrite=overwrite)
    _check_tools()
    description = onnx_description(task, quantize)  # first: a task the export does not cover stops here
    if keras.backend.backend() != "tensorflow":
        from kerastl.export.tensorflow_process import export_task_in_tensorflow

        return export_task_in_tensorflow(task, path, overwrite=overwrite, export_format="onnx",
                                         options={"quantize": quantize})
    from kerastl.export.onnx.tokenizer_json import hugging_face_tokenizer

    tokenizer = hugging_face_tokenizer(task.tokenizer)
    with output_lock(path):
        remove_leftovers(path)
        with atomic_folder(path) as folder:
            _write_network(task.model, description, folder / "model.onnx", quantize)
            tokenizer.save(str(folder / "tokenizer.json"))
            shutil.copyfile(runtime.__file__, folder / "kerastl_onnx.py")
            (folder / ONNX_DESCRIPTION_FILE).write_text(json.dumps(description, indent=2, ensure_ascii=False),
                                                        encoding="utf-8")
    return description


#: The packages the export (not the runtime) needs: `pip install 'kerastl[onnx]'`.
EXPORT_TOOLS = ("onnx", "onnxruntime", "tf2onnx", "tokenizers")


def _check_tools():
    import importlib.util

    missing = [name for name in EXPORT_TOOLS if importlib.util.find_spec(name) is None]
    if missing:
        raise KerastlError(f"the ONNX export needs {', '.join(missing)}, which this environment lacks. Fix: "
                           "pip install 'kerastl[onnx]' (or pip install onnx onnxruntime tf2onnx tokenizers).")


def onnx_description(task, quantize=None):
    """What the runtime needs beside the network: `kerastl_onnx.json`'s content for `task`.

    Raises:
        KerastlError: the task is not a classifier, a multi-label classifier or an NER tagger.
    """
    from kerastl.preprocessing import SpecialTokens
    from kerastl.preprocessing.tokenizer_kind import BYTE_PAIR, WORD_START_MARKERS, tokenizer_kind
    from kerastl.preprocessing.word_alignment import bare_marker_id, unknown_token_id

    kind = _onnx_kind(task)
    special = SpecialTokens.of(task.tokenizer)
    description = {
        "format_version": runtime.FORMAT_VERSION, "task": kind, "task_name": task.name,
        "max_length": int(task.max_length), "quantized": quantize,
        "special_ids": {"start": special.start, "end": special.end, "pad": special.pad,
                        "separator": list(special.separator)},
        "inputs": ["token_ids", "padding_mask"], "outputs": ["probabilities"],
    }
    if kind == "ner":
        size, stride = task.window_size_and_stride()
        tokenizer_type = tokenizer_kind(task.tokenizer)
        description["ner"] = {
            "tags": [str(name) for name in task.label_set.names], "entity_types": list(task.entity_types),
            "scheme": "iob2", "decoding": task.decoding, "word_pooling": task.word_pooling,
            "window_size": int(size), "window_stride": int(stride), "unknown_id": unknown_token_id(task.tokenizer),
            "marker_id": bare_marker_id(task.tokenizer, WORD_START_MARKERS.get(tokenizer_type)),
            "space_before_words": tokenizer_type == BYTE_PAIR,
        }
        description["temperature"] = float(task.temperature)  # the graph applies it
        return description
    description["labels"] = [str(name) for name in task.label_set.names]
    description["text_pairs"] = bool(task.text_pairs)
    if task.model_takes_segment_ids():
        description["inputs"].append("segment_ids")
    if kind == "multilabel":
        description["thresholds"] = [float(t) for t in task.thresholds]
    else:
        description["temperature"] = float(task.temperature)  # the graph applies it
    return description


def _onnx_kind(task):
    from kerastl.export.task_kinds import task_kind

    kind = task_kind(task)
    if kind is None:
        raise KerastlError(f"the ONNX export covers classification, multilabel and NER models; this is a "
                           f"'{task.name or type(task).__name__}' model, which it does not cover yet. "
                           "Fix: export a SavedModel instead (kerastl export MODEL --output DIR).")
    return kind


def _write_network(model, description, path, quantize):
    """Convert `model`, its output turned into the probabilities `description` (`onnx_description`)
    says, to ONNX at `path`."""
    import onnx
    import tensorflow as tf
    import tf2onnx

    specs = [tf.TensorSpec([None, None], tf.bool if name == "padding_mask" else tf.int32, name=name)
             for name in description["inputs"]]
    multilabel = description["task"] == "multilabel"
    temperature = description.get("temperature", 1.0)  # a Python number: a constant of the graph

    @tf.function(input_signature=specs, autograph=False)
    def network(token_ids, padding_mask, segment_ids=None):
        inputs = {"token_ids": token_ids, "padding_mask": padding_mask}
        if segment_ids is not None:
            inputs["segment_ids"] = segment_ids
        logits = tf.cast(model(inputs, training=False), tf.float32)
        if multilabel:
            return {"probabilities": tf.sigmoid(logits)}
        return {"probabilities": tf.nn.softmax(logits / tf.constant(temperature, tf.float32), axis=-1)}

    _patch_tf2onnx()
    graph, _ = tf2onnx.convert.from_function(network, input_signature=specs, opset=OPSET)
    _fold_captured_constants(graph, network.get_concrete_function())
    _replace_erfc(graph)
    if not quantize:
        onnx.save(graph, str(path))
        return
    from onnxruntime.quantization import QuantType, quantize_dynamic

    plain = Path(path).with_suffix(".float32.onnx")
    onnx.save(graph, str(plain))
    # One scale per output channel: on minilm-l6 it keeps SST-2 accuracy within 0.005 and CoNLL entity F1
    # within 0.001 of float32, where one scale per matrix lost 0.009 and 0.013 (benchmarks/README.md).
    quantize_dynamic(str(plain), str(path), weight_type=QuantType.QInt8, per_channel=True)
    plain.unlink()


def _fold_captured_constants(graph, concrete):
    """Make the tensors the traced model captured from outside (e.g. Gemma's embedding scale, computed
    when the model was built) constants of the ONNX graph; tf2onnx leaves them as extra inputs."""
    import tensorflow as tf
    from onnx import numpy_helper

    values = {internal.name: external.numpy()
              for external, internal in zip(concrete.captured_inputs, concrete.graph.internal_captures)
              if external.dtype != tf.resource}
    for graph_input in list(graph.graph.input):
        if graph_input.name in values:
            graph.graph.initializer.append(numpy_helper.from_array(values[graph_input.name], graph_input.name))
            graph.graph.input.remove(graph_input)


def _replace_erfc(graph):
    """Write TensorFlow's `Erfc` (exact GELU's), which ONNX lacks, as `1 - Erf(x)`."""
    from onnx import helper, numpy_helper

    nodes = list(graph.graph.node)
    if not any(node.op_type == "Erfc" for node in nodes):
        return
    one = "kerastl_one"
    graph.graph.initializer.append(numpy_helper.from_array(np.ones((), np.float32), one))
    del graph.graph.node[:]
    for node in nodes:
        if node.op_type != "Erfc":
            graph.graph.node.append(node)
            continue
        erf = f"{node.name}/erf"
        graph.graph.node.extend([helper.make_node("Erf", [node.input[0]], [erf], name=erf),
                                 helper.make_node("Sub", [one, erf], [node.output[0]], name=f"{node.name}/one_minus")])

def _patch_tf2onnx():
    """Keras' own fix of tf2onnx for numpy 2 (what `model.export(format="onnx")` applies), where it has one."""
    try:
        from keras.src.export.tf2onnx_lib import patch_tf2onnx
    except ImportError:  # a Keras without it: a tf2onnx that needs no fix
        return
    patch_tf2onnx()
