"""`iob2_tags`: write entity spans as IOB2 tags (B- on every entity's first word)."""


def iob2_tags(spans, length):
    """Write `spans` as IOB2 tags: B- on the first word of every entity, I- on the rest.

    Args:
        spans: `TagSpan`s (or `(type, start, end)` tuples), not overlapping.
        length: the number of words.

    Returns:
        A list of `length` tags.

    Example:

    >>> from kerastl.tagging import iob2_tags
    >>> iob2_tags([("PER", 0, 2)], 3)
    ['B-PER', 'I-PER', 'O']
    """
    tags = ["O"] * length
    for kind, start, end in spans:
        for index in range(start, end):
            tags[index] = f"I-{kind}"
        tags[start] = f"B-{kind}"
    return tags
