"""`iob1_tags`: write entity spans as IOB1 tags (CoNLL-2003's scheme)."""


def iob1_tags(spans, length):
    """Write `spans` as IOB1 tags: I- everywhere, B- only where an entity directly follows one
    of the same type.

    Args:
        spans: `TagSpan`s (or `(type, start, end)` tuples), not overlapping.
        length: the number of words.

    Returns:
        A list of `length` tags.

    Example:

    >>> from kerastl.tagging import iob1_tags
    >>> iob1_tags([("LOC", 0, 1), ("LOC", 1, 2), ("PER", 3, 4)], 4)
    ['I-LOC', 'B-LOC', 'O', 'I-PER']
    """
    tags = ["O"] * length
    previous = None
    for kind, start, end in sorted(spans, key=lambda span: span[1]):
        for index in range(start, end):
            tags[index] = f"I-{kind}"
        if previous is not None and previous[2] == start and previous[0] == kind:
            tags[start] = f"B-{kind}"
        previous = (kind, start, end)
    return tags
