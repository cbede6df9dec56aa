"""`new_backbone` and `BACKBONE_SIZES`: the backbones `kerastl pretrain` builds from scratch."""

from kerastl.errors import KerastlError

#: Transformer sizes by name. "tiny" is for tests and quick trials, "small" trains on a CPU in
#: minutes to an hour, "base" is BERT-base / GPT-2-small sized (needs an accelerator).
BACKBONE_SIZES = {
    "tiny": {"num_layers": 2, "hidden_dim": 64, "num_heads": 2, "intermediate_dim": 128},
    "mini": {"num_layers": 4, "hidden_dim": 128, "num_heads": 2, "intermediate_dim": 512},
    "small": {"num_layers": 4, "hidden_dim": 256, "num_heads": 4, "intermediate_dim": 1024},
    "base": {"num_layers": 12, "hidden_dim": 768, "num_heads": 12, "intermediate_dim": 3072},
}


def backbone_size(name):
    """Return the transformer dimensions of a named size (a copy, safe to change).

    Args:
        name: a key of `BACKBONE_SIZES`.

    Returns:
        A dict with `num_layers`, `hidden_dim`, `num_heads` and `intermediate_dim`.

    Raises:
        KerastlError: for an unknown name; the message lists the known ones.

    Example:

    >>> from kerastl.pretrain import backbone_size
    >>> backbone_size("tiny")["num_layers"]
    2
    """
    if name not in BACKBONE_SIZES:
        raise KerastlError(
            f"Unknown backbone size '{name}'. Fix: use one of {', '.join(BACKBONE_SIZES)}."
        )
    return dict(BACKBONE_SIZES[name])


#: Positions a new backbone supports at least (tasks may read longer texts than pretraining).
NEW_BACKBONE_POSITIONS = 512


def new_backbone(objective, tokenizer, size="small", sequence_length=128, dropout=0.1):
    """A keras-hub backbone with random weights, for pretraining from scratch.

    Args:
        objective: "mlm" builds a `BertBackbone` (an encoder), "clm" a `GPT2Backbone` (a
            causal decoder).
        tokenizer: the tokenizer whose vocabulary the embedding covers.
        size: a name of `BACKBONE_SIZES`, or a dict of the four transformer dimensions.
        sequence_length: the pretraining window; the backbone supports at least 512 positions.
        dropout: dropout in the backbone.

    Example:

    >>> from kerastl.pretrain import new_backbone
    >>> backbone = new_backbone("mlm", tokenizer, "tiny")  # doctest: +SKIP
    """
    import keras_hub

    dimensions = backbone_size(size) if isinstance(size, str) else dict(size)
    backbone_class = {"mlm": keras_hub.models.BertBackbone, "clm": keras_hub.models.GPT2Backbone}[objective]
    return backbone_class(vocabulary_size=tokenizer.vocabulary_size(), dropout=dropout,
                          max_sequence_length=max(NEW_BACKBONE_POSITIONS, sequence_length + 1), **dimensions)
