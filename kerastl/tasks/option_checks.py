"""The ranges of the options every task shares, checked once in `Task.__init__` whatever set them
(a flag, `--set task.NAME=...`, `config.yaml`, Python, a model folder's config)."""

import math
import numbers

from kerastl.errors import OptionError
from kerastl.options import MAX_FROZEN_LAYERS, MAX_LENGTH, MAX_LORA_RANK, MAX_SEED


def check_number(name, value, low, high, *, integer=False, above_low=False, below_high=False):
    """Return `value` if it is a finite number (an integer if `integer`) within [low, high]
    (`above_low` / `below_high` exclude the bound); else raise `OptionError` naming the option.

    Example:

    >>> check_number("dropout", 0.1, 0, 1, below_high=True)
    0.1
    """
    kind = numbers.Integral if integer else numbers.Real
    valid = isinstance(value, kind) and not isinstance(value, bool) and math.isfinite(value)
    if valid:
        valid = (value > low if above_low else value >= low) and (value < high if below_high else value <= high)
    if not valid:
        lower = f"above {low}" if above_low else f"at least {low}"
        upper = f"below {high}" if below_high else f"at most {high}"
        raise OptionError(f"`{name}` must be {'an integer' if integer else 'a finite number'} {lower} and {upper}; "
                          f"got {value!r}. Fix: set {name} (--{name.replace('_', '-')}, --set task.{name}=VALUE, "
                          "or the keyword in Python) within that range.")
    return value


def check_shared_options(max_length, freeze, lora_rank, dropout, learning_rate, weight_decay, warmup_ratio, seed):
    """Check `kerastl.tasks.Task`'s own constructor options; raise `OptionError` for the first one out of range."""
    check_number("max_length", max_length, 4, MAX_LENGTH, integer=True)
    if freeze not in ("none", "all"):
        check_number("freeze", freeze, 0, MAX_FROZEN_LAYERS, integer=True)
    if lora_rank is not None:
        check_number("lora_rank", lora_rank, 1, MAX_LORA_RANK, integer=True)
    check_number("dropout", dropout, 0, 1, below_high=True)
    check_number("learning_rate", learning_rate, 0, 1, above_low=True)
    check_number("weight_decay", weight_decay, 0, 1)
    check_number("warmup_ratio", warmup_ratio, 0, 1)
    check_number("seed", seed, 0, MAX_SEED, integer=True)
