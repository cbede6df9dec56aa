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
