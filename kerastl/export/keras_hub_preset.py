"""`kerastl export MODEL --format keras-hub`: the fine-tuned model as a keras-hub preset.

The folder is what keras-hub's `save_to_preset` writes (`config.json`, `model.weights.h5`,
`tokenizer.json`, `assets/`, `metadata.json`), so `keras_hub.models.Backbone.from_preset(DIR)` and
`keras_hub.tokenizers.Tokenizer.from_preset(DIR)` load it without kerastl, on any Keras backend.

A single-label classifier whose head keras-hub's own `TextClassifier` has (BERT and ALBERT
backbones trained with `pooling="pooler"`: the backbone's pooled output, then one dense layer) is
written whole, with `task.json` and `preprocessor.json`: `keras_hub.models.TextClassifier.from_preset(DIR)`
returns its logits (the probabilities at temperature T are `softmax(logits / T)`). A classifier with
another head is refused with the option that makes it expressible, unless `backbone_only`. Other
tasks write the backbone and tokenizer. The task's own parts (labels, temperature, thresholds, which
head it had) go into `kerastl_preset.json`, a side file keras-hub ignores.
"""

import json

from kerastl.atomic_files import atomic_folder, check_output_folder, output_lock, remove_leftovers
from kerastl.errors import KerastlError

#: The side file of a keras-hub preset export: what the task adds to the backbone.
PRESET_FACTS_FILE = "kerastl_preset.json"


def export_keras_hub_preset(task, path, overwrite=False, backbone_only=False):
    """Write `task`'s fine-tuned model into the folder `path` as a keras-hub preset.

    Args:
        task: a trained task whose model holds one backbone (`BackboneEncoder`).
        path: the output folder (new or empty, or an earlier such export with `overwrite`).
        overwrite: replace an earlier keras-hub preset export in `path`.
        backbone_only: write the backbone and tokenizer alone, even for a classifier.

    Returns:
        The side file's facts (task, labels, temperature, thresholds, head, `text_classifier`: the
        keras-hub class written whole, or None).

    Raises:
        KerastlError: the model has no single backbone (translation), it was trained with LoRA (its
            adapters are not part of a plain keras-hub backbone), or it is a classifier whose head
            keras-hub's `TextClassifier` cannot express and `backbone_only` is False.
    """
    from kerastl.layers import BackboneEncoder

    check_output_folder(path, "keras-hub", overwrite=overwrite)
    encoders = [layer for layer in task.model.layers if isinstance(layer, BackboneEncoder)]
    if len(encoders) != 1:
        raise KerastlError(f"the '{task.name}' model has no single backbone encoder, so it has no keras-hub backbone "
                           "preset to write. Fix: export it as a SavedModel (kerastl export MODEL --output DIR).")
    encoder = encoders[0]
    if encoder.lora_rank is not None:
        raise KerastlError("the model was trained with LoRA adapters (--lora-rank), which a plain keras-hub backbone "
                           "does not hold. Fix: export it as a SavedModel, or train without --lora-rank.")
    classifier_class = None if backbone_only else keras_hub_classifier_class(task, encoder)
    label_set = getattr(task, "label_set", None)
    facts = {"task": task.name, "backbone_class": type(encoder.backbone).__name__,
             "labels": [str(name) for name in label_set.names] if label_set is not None else None,
             "temperature": getattr(task, "temperature", None), "thresholds": getattr(task, "thresholds", None),
             "pooling": encoder.pooling,
             "text_classifier": classifier_class.__name__ if classifier_class else None,
             "head": ("in the preset: keras_hub.models.TextClassifier.from_preset loads the whole classifier; its "
                      "logits divided by the temperature give the probabilities" if classifier_class else
                      "not in the preset: keras-hub loads the fine-tuned backbone and tokenizer; the task's head "
                      "stays in the kerastl model folder (kerastl.load)")}
    with output_lock(path):
        remove_leftovers(path)
        with atomic_folder(path) as folder:
            if classifier_class is not None:
                _text_classifier(task, encoder, classifier_class).save_to_preset(str(folder))
            else:
                encoder.backbone.save_to_preset(str(folder))
                task.tokenizer.save_to_preset(str(folder))
            (folder / PRESET_FACTS_FILE).write_text(json.dumps(facts, indent=2, ensure_ascii=False, default=float),
                                                    encoding="utf-8")
    return facts


def keras_hub_classifier_class(task, encoder):
    """The keras-hub `TextClassifier` class that expresses `task` whole, or None for a task that is not
    a single-label classifier.

    Raises:
        KerastlError: a single-label classifier whose head keras-hub's classifier for its backbone
            does not have, naming the training option that gives it that head.
    """
    import keras_hub

    from kerastl.export.task_kinds import task_kind
    from kerastl.layers.backbone_encoder import has_pooler

    if task_kind(task) != "classification":
        return None
    backbone_class = type(encoder.backbone)
    candidates = [getattr(keras_hub.models, name) for name in dir(keras_hub.models) if name.endswith("TextClassifier")]
    classes = [candidate for candidate in candidates if isinstance(candidate, type)
               and getattr(candidate, "backbone_cls", None) is backbone_class]
    if classes and encoder.pooling == "pooler" and _classification_head(task).hidden_dim is None:
        return classes[0]
    reason = (f"it pools with '{encoder.pooling}'" if encoder.pooling != "pooler" else "its head has a hidden layer")
    if encoder.pooling != "pooler" and has_pooler(encoder.backbone):
        fix = "train it with --set task.pooling=pooler (the backbone's own pooler, keras-hub's classifier head)"
    else:
        fix = (f"kerastl has no training option for keras-hub's {backbone_class.__name__} classifier head "
               "(it has one for BERT and ALBERT backbones: --set task.pooling=pooler)")
    raise KerastlError(f"keras_hub.models.TextClassifier cannot express this classifier's head: {reason}. Fix: "
                       f"{fix}; or pass --backbone-only to write the fine-tuned backbone and tokenizer alone.")


def _text_classifier(task, encoder, classifier_class):
    """`classifier_class` on the fine-tuned backbone and tokenizer, with the task's output layer's weights."""
    preprocessor = classifier_class.preprocessor_cls(tokenizer=task.tokenizer, sequence_length=task.max_length)
    classifier = classifier_class(backbone=encoder.backbone, preprocessor=preprocessor,
                                  num_classes=len(task.label_set), dropout=task.dropout)
    classifier.output_dense.set_weights(_classification_head(task).output_layer.get_weights())
    return classifier


def _classification_head(task):
    return task.model.get_layer("classification_head")
