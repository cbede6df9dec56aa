"""`TagSpan` and `tags_to_spans`: read the entities a tag sequence marks, conlleval's way."""

from typing import NamedTuple

from kerastl.errors import DataError

#: The tag prefixes each scheme may use ("O" stands alone).
SCHEME_PREFIXES = {"iob1": ("B", "I"), "iob2": ("B", "I"), "bioes": ("B", "I", "E", "S")}


class TagSpan(NamedTuple):
    """An entity in a tag sequence: its type and the word span `[start, end)`."""

    type: str
    start: int
    end: int


def tags_to_spans(tags, scheme="iob2", where=None):
    """Return the entities that `tags` mark, in order.

    Reading is lenient like conlleval's (and seqeval's default mode): an I- (or E-) tag that
    does not continue an entity of its type starts a new one, so IOB1 and IOB2 read the same way
    and a model's imperfect predictions still give entities.

    Args:
        tags: tag strings such as "B-PER", "I-LOC", "O" (BIOES also "E-" and "S-").
        scheme: "iob1", "iob2" or "bioes"; only decides which prefixes are allowed.
        where: a `Location` named by errors.

    Returns:
        A list of `TagSpan(type, start, end)` with `end` exclusive.

    Raises:
        DataError: a tag that is neither "O" nor PREFIX-TYPE with a prefix of the scheme.

    Example:

    >>> from kerastl.tagging import tags_to_spans
    >>> tags_to_spans(["B-PER", "I-PER", "O", "I-LOC"])
    [TagSpan(type='PER', start=0, end=2), TagSpan(type='LOC', start=3, end=4)]
    """
    spans = []
    current = None  # [type, start] of the open entity
    for index, tag in enumerate(tags):
        prefix, kind = split_tag(tag, scheme, where)
        if current is not None and (prefix in ("O", "B", "S") or kind != current[0]):
            spans.append(TagSpan(current[0], current[1], index))
            current = None
        if prefix == "O":
            continue
        if current is None:
            current = [kind, index]
        if prefix in ("E", "S"):
            spans.append(TagSpan(kind, current[1], index + 1))
            current = None
    if current is not None:
        spans.append(TagSpan(current[0], current[1], len(tags)))
    return spans


def split_tag(tag, scheme="iob2", where=None):
    """Split "B-PER" into ("B", "PER"); "O" gives ("O", None). Raise `DataError` otherwise."""
    if scheme not in SCHEME_PREFIXES:
        raise ValueError(f"`scheme` must be one of {sorted(SCHEME_PREFIXES)}. Received: scheme={scheme!r}")
    if tag == "O":
        return "O", None
    prefix, dash, kind = str(tag).partition("-")
    if dash and kind and prefix in SCHEME_PREFIXES[scheme]:
        return prefix, kind
    hint = " (E- and S- tags are BIOES: pass scheme='bioes')" if dash and prefix in ("E", "S") else ""
    raise DataError(
        f"the tag {tag!r} is not a {scheme.upper()} tag{hint}",
        where=where,
        fix=f"use 'O' or {'/'.join(SCHEME_PREFIXES[scheme])}-TYPE tags, or pass the scheme the data uses "
        "(scheme='iob1', 'iob2' or 'bioes'; --scheme on the command line)",
    )
