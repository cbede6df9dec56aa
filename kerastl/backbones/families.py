"""What kind of model a keras-hub backbone is: a bidirectional encoder, a causal decoder, or seq2seq.

keras-hub says it through its task classes: a backbone class that a `Seq2SeqLM` task takes is
an encoder-decoder (BART, T5); one that a `CausalLM` takes is a causal decoder (GPT-2, Gemma,
Llama, Qwen, ...); every other text backbone (BERT, RoBERTa, DeBERTa-v3, XLM-R, ALBERT,
ELECTRA, ...) reads a whole text at once.
"""

import functools

ENCODER, DECODER, SEQ2SEQ = "encoder", "decoder", "seq2seq"


def architecture_of(backbone):
    """Return "encoder", "decoder" (causal) or "seq2seq" for a keras-hub backbone (or its class).

    Example:

    >>> from kerastl.backbones.families import architecture_of
    >>> architecture_of(keras_hub.models.GPT2Backbone)  # doctest: +SKIP
    'decoder'
    """
    backbone_class = backbone if isinstance(backbone, type) else type(backbone)
    seq2seq, causal = _backbone_classes_of_tasks()
    if any(issubclass(backbone_class, known) for known in seq2seq):
        return SEQ2SEQ
    if any(issubclass(backbone_class, known) for known in causal):
        return DECODER
    return ENCODER


@functools.lru_cache(maxsize=1)
def _backbone_classes_of_tasks():
    import keras_hub

    def backbone_classes(task_class):
        classes, pending = set(), [task_class]
        while pending:
            for subclass in pending.pop().__subclasses__():
                pending.append(subclass)
                if isinstance(getattr(subclass, "backbone_cls", None), type):
                    classes.add(subclass.backbone_cls)
        return tuple(classes)

    return backbone_classes(keras_hub.models.Seq2SeqLM), backbone_classes(keras_hub.models.CausalLM)
