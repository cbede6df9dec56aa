"""`BACKBONE_SIZES`: the named sizes of the backbones `kerastl pretrain` builds."""

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
