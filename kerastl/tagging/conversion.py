"""`convert_tags`: rewrite a tag sequence from one scheme into another through its entities."""

from kerastl.tagging.bioes import bioes_tags
from kerastl.tagging.iob1 import iob1_tags
from kerastl.tagging.iob2 import iob2_tags
from kerastl.tagging.spans import tags_to_spans

#: The tag schemes kerastl reads and writes, and the writer of each.
SCHEMES = {"iob1": iob1_tags, "iob2": iob2_tags, "bioes": bioes_tags}


def convert_tags(tags, source, target, where=None):
    """Convert `tags` from the `source` scheme to the `target` scheme.

    The conversion goes through the entity spans, so any pair of schemes converts consistently
    and converting back gives the entities (and, for well-formed input, the tags) unchanged.

    Args:
        tags: a list of tag strings.
        source: the scheme of `tags`: "iob1", "iob2" or "bioes".
        target: the scheme to write: "iob1", "iob2" or "bioes".
        where: a `Location` named by errors.

    Returns:
        A list of tags of the same length.

    Raises:
        ValueError: an unknown scheme name.
        DataError: a tag that does not belong to `source`.

    Example:

    >>> from kerastl.tagging import convert_tags
    >>> convert_tags(["I-PER", "I-PER", "O", "I-LOC"], "iob1", "iob2")
    ['B-PER', 'I-PER', 'O', 'B-LOC']
    """
    for name, value in (("source", source), ("target", target)):
        if value not in SCHEMES:
            raise ValueError(f"`{name}` must be one of {sorted(SCHEMES)}. Received: {name}={value!r}")
    tags = list(tags)
    return SCHEMES[target](tags_to_spans(tags, source, where), len(tags))
