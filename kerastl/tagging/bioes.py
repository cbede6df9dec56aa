"""`bioes_tags`: write entity spans as BIOES tags (Begin, Inside, Outside, End, Single)."""


def bioes_tags(spans, length):
    """Write `spans` as BIOES tags: S- for one-word entities, else B-, I-..., E-.

    Args:
        spans: `TagSpan`s (or `(type, start, end)` tuples), not overlapping.
        length: the number of words.

    Returns:
        A list of `length` tags.

    Example:

    >>> from kerastl.tagging import bioes_tags
    >>> bioes_tags([("PER", 0, 3), ("LOC", 4, 5)], 5)
    ['B-PER', 'I-PER', 'E-PER', 'O', 'S-LOC']
    """
    tags = ["O"] * length
    for kind, start, end in spans:
        if end - start == 1:
            tags[start] = f"S-{kind}"
            continue
        for index in range(start, end):
            tags[index] = f"I-{kind}"
        tags[start] = f"B-{kind}"
        tags[end - 1] = f"E-{kind}"
    return tags
