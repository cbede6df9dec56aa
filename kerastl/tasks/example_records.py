"""Turn one user example (a string, a pair, or a dict) into a task record."""

from kerastl.errors import DataError


def record_from_pair(example, task_name, input_field, target_field, input_aliases=()):
    """Read an input-only string, an `(input, target)` pair, or a dict into a record.

    Args:
        example: the user's example.
        task_name: named in errors ("sentiment", "translation", ...).
        input_field: the record key of the input text ("text", "source").
        target_field: the record key of the target ("label", "target"); absent when not given.
        input_aliases: other dict keys accepted for the input (e.g. "sentence").

    Returns:
        A dict with `input_field`, `where`, and `target_field` when the example has one.

    Raises:
        DataError: for an example of another shape, or an input that is not a string.

    Example:

    >>> from kerastl.tasks.example_records import record_from_pair
    >>> record_from_pair(("a fine film", "positive"), "sentiment", "text", "label")
    {'text': 'a fine film', 'label': 'positive', 'where': None}
    """
    if isinstance(example, str):
        return {input_field: example, "where": None}
    if isinstance(example, dict):
        text = example.get(input_field)
        for alias in input_aliases:
            text = example.get(alias) if text is None else text
        record = {input_field: text, "where": example.get("where")}
        if example.get(target_field) is not None:
            record[target_field] = example[target_field]
    elif isinstance(example, (tuple, list)) and len(example) == 2:
        record = {input_field: example[0], target_field: example[1], "where": None}
    else:
        raise DataError(
            f"cannot read a {task_name} example from {example!r}",
            fix=f"pass a string, a ({input_field}, {target_field}) pair, "
                f"or a dict with '{input_field}' and '{target_field}'",
        )
    if not isinstance(record[input_field], str):
        raise DataError(f"a {task_name} example needs a {input_field} string; got {record[input_field]!r}",
                        where=record["where"])
    return record


#: Dict keys read as the first text of a pair, in order (GLUE/SNLI and Hugging Face names).
TEXT_KEYS = ("text", "sentence", "sentence1", "premise")
#: Dict keys read as the second text of a pair, in order.
TEXT_PAIR_KEYS = ("text_pair", "sentence2", "hypothesis")


def record_from_text_example(example, task_name, reads_pairs=False):
    """Read a text example, or a text-pair one, into `{"text", "text_pair"?, "label"?, "where"}`.

    Besides what `record_from_pair` reads (a string, `(text, label)`, a dict), a pair
    comes as `(text, text_pair, label)` or a dict with `text_pair` (or `sentence2` /
    `hypothesis`, beside `sentence1` / `premise` for the text). A task that `reads_pairs` (a
    model trained on pairs) also reads `(text, text_pair)` without a label, and a string
    `"text<TAB>text_pair"` (a line of `kerastl predict`'s input).

    Args:
        example: the user's example.
        task_name: named in errors.
        reads_pairs: whether two strings are a text and its pair rather than a text and its label.

    Returns:
        The record; "text_pair" only for a pair.

    Raises:
        DataError: for an example of another shape, a text that is not a string, or an empty
            `text_pair`.

    Example:

    >>> from kerastl.tasks.example_records import record_from_text_example
    >>> record_from_text_example(("A man sleeps.", "A person rests.", "entailment"), "classification")
    {'text': 'A man sleeps.', 'text_pair': 'A person rests.', 'label': 'entailment', 'where': None}
    """
    if isinstance(example, dict):
        record = record_from_pair({**example, "text": _first_present(example, TEXT_KEYS)}, task_name, "text",
                                  "label")
        text_pair = _first_present(example, TEXT_PAIR_KEYS)
        if text_pair is not None:
            record["text_pair"] = text_pair
    elif isinstance(example, (tuple, list)) and (len(example) == 3 or (reads_pairs and len(example) == 2)):
        record = {"text": example[0], "text_pair": example[1], **({"label": example[2]} if len(example) == 3 else {}),
                  "where": None}
    elif reads_pairs and isinstance(example, str) and "\t" in example:
        text, text_pair = example.split("\t", 1)
        record = {"text": text, "text_pair": text_pair, "where": None}
    else:
        return record_from_pair(example, task_name, "text", "label")
    if not isinstance(record["text"], str):
        raise DataError(f"a {task_name} example needs a text string; got {record['text']!r}", where=record["where"])
    if "text_pair" in record and not (isinstance(record["text_pair"], str) and record["text_pair"].strip()):
        raise DataError(f"a {task_name} example's text_pair must be a non-empty string; got {record['text_pair']!r}",
                        where=record["where"], fix="give every example a second text, or none to any")
    return record


def _first_present(example, keys):
    return next((example[key] for key in keys if example.get(key) is not None), None)
