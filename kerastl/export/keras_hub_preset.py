"""`kerastl export MODEL --format keras-hub`: the fine-tuned backbone as a keras-hub preset.

The folder is what `backbone.save_to_preset` and `tokenizer.save_to_preset` write (`config.json`,
`model.weights.h5`, `tokenizer.json`, `assets/`, `metadata.json`), so
`keras_hub.models.Backbone.from_preset(DIR)` and `keras_hub.tokenizers.Tokenizer.from_preset(DIR)`
load it without kerastl, on any Keras backend. The task's own parts (labels, temperature,
thresholds, and which head it had) go into `kerastl_preset.json`, a side file keras-hub ignores.
"""

import json

from kerastl.atomic_files import atomic_folder, check_output_folder, output_lock, remove_leftovers
from kerastl.errors import KerastlError

#: The side file of a keras-hub preset export: what the task adds to the backbone.
PRESET_FACTS_FILE = "kerastl_preset.json"


def export_keras_hub_preset(task, path, overwrite=False):
    """Write `task`'s fine-tuned backbone and tokenizer into the folder `path` as a keras-hub preset.

    Args:
        task: a trained task whose model holds one backbone (`BackboneEncoder`).
        path: the output folder (new or empty, or an earlier such export with `overwrite`).
        overwrite: replace an earlier keras-hub preset export in `path`.

    Returns:
        The side file's facts (task, labels, temperature, thresholds, head).

    Raises:
        KerastlError: the model has no single backbone (translation), or it was trained with LoRA
            (its adapters are not part of a plain keras-hub backbone).
    """
    from kerastl.layers import BackboneEncoder

    check_output_folder(path, "keras-hub", overwrite=overwrite)
    encoders = [layer for layer in task.model.layers if isinstance(layer, BackboneEncoder)]
    if len(encoders) != 1:
        raise KerastlError(f"the '{task.name}' model has no single backbone encoder, so it has no keras-hub backbone "
                           "preset to write. Fix: export it as a SavedModel (kerastl export MODEL --output DIR).")
    if encoders[0].lora_rank is not None:
        raise KerastlError("the model was trained with LoRA adapters (--lora-rank), which a plain keras-hub backbone "
                           "does not hold. Fix: export it as a SavedModel, or train without --lora-rank.")
    label_set = getattr(task, "label_set", None)
    facts = {"task": task.name, "backbone_class": type(encoders[0].backbone).__name__,
             "labels": [str(name) for name in label_set.names] if label_set is not None else None,
             "temperature": getattr(task, "temperature", None), "thresholds": getattr(task, "thresholds", None),
             "pooling": encoders[0].pooling,
             "head": "not in the preset: keras-hub loads the fine-tuned backbone and tokenizer; the task's head "
                     "stays in the kerastl model folder (kerastl.load)"}
    with output_lock(path):
        remove_leftovers(path)
        with atomic_folder(path) as folder:
            encoders[0].backbone.save_to_preset(str(folder))
            task.tokenizer.save_to_preset(str(folder))
            (folder / PRESET_FACTS_FILE).write_text(json.dumps(facts, indent=2, ensure_ascii=False, default=float),
                                                    encoding="utf-8")
    return facts
