"""The backbone's position limit, and the check that a task's `max_length` stays within it."""

import json
from pathlib import Path

from kerastl.backbones.resolve import resolve_backbone
from kerastl.errors import KerastlError


def position_limit(name):
    """The backbone's `max_sequence_length` from its local preset folder, or None when unknown.

    Example:

    >>> from kerastl.backbones import position_limit
    >>> position_limit("minilm-l6")  # doctest: +SKIP
    512
    """
    config_file = Path(resolve_backbone(name)) / "config.json"
    if not config_file.is_file():
        return None
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
        limit = config["config"]["max_sequence_length"]
    except (ValueError, KeyError, TypeError):
        return None
    return limit if isinstance(limit, int) and limit > 0 else None


def check_max_length(task):
    """Refuse a task whose `max_length` is above its backbone's position limit, before training.

    Raises:
        KerastlError: names the limit and the option to change.
    """
    limit = position_limit(task.backbone)
    max_length = getattr(task, "max_length", None)
    if limit is not None and isinstance(max_length, int) and max_length > limit:
        raise KerastlError(
            f"--max-length {max_length} is above the {limit} positions the backbone {task.backbone} has. "
            f"Fix: pass --max-length {limit} or less (max_length={limit} in Python).")
