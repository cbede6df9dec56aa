"""Command-line options a task declares, the click types they share, and `--set` overrides.

A task lists its own flags of `kerastl train TASK` / `lr-find TASK` in `Task.cli_options`; each
`TaskOption` says whether its value goes to the task's constructor ("task") or to its file reader
("read"; `kerastl evaluate` takes these too). `--set task.NAME=VALUE` / `--set read.NAME=VALUE`
(`SETTING`) reaches any other constructor or reader option.

Example:

>>> from kerastl.options import COLUMN, SETTING, TaskOption, parse_setting
>>> option = TaskOption("--text-column", "text_column", applies_to="read", type=COLUMN, help="the text")
>>> COLUMN.convert("-1", None, None), COLUMN.convert("review", None, None)
(-1, 'review')
>>> parse_setting("task.freeze=4")
('task', 'freeze', 4)
>>> SETTING.convert("read.text_column=review", None, None)
('read', 'text_column', 'review')
"""

from dataclasses import dataclass

import click
import yaml

#: Where a `TaskOption`'s value goes.
TARGETS = ("task", "read")
#: The numeric precisions of `--precision`: `kerastl.training.precision.PRECISIONS` (which explains
#: them; a test keeps the two equal), here so that building the command line imports no TensorFlow.
PRECISIONS = ("auto", "float32", "mixed_bfloat16", "onednn_bfloat16")

#: The largest values kerastl accepts, from any source; each lies far beyond any real run and
#: keeps a typo (an extra zero, a pasted number) from becoming an overflow or an endless job.
MAX_SEED = 2 ** 32 - 1
MAX_EPOCHS = 100_000
MAX_BATCH_SIZE = 65_536
MAX_LENGTH = 65_536
MAX_LORA_RANK = 4_096
MAX_FROZEN_LAYERS = 1_024
EPOCHS = click.IntRange(1, MAX_EPOCHS)
BATCH_SIZE = click.IntRange(1, MAX_BATCH_SIZE)
SEED = click.IntRange(0, MAX_SEED)


@dataclass(frozen=True)
class TaskOption:
    """One flag of `kerastl train TASK` (and `lr-find TASK`; "read" ones also `evaluate`) that a task declares.

    Attributes:
        flag: the flag, e.g. "--scheme"; a flag of the form "--x/--no-x" is a boolean switch.
        name: the keyword argument it sets, e.g. "scheme".
        applies_to: "task" (a constructor argument) or "read" (a file reader option).
        type: a click type (e.g. `click.Choice([...])`, `COLUMN`, `int`); default string.
        help: the flag's help text.
    """

    flag: str
    name: str
    applies_to: str = "task"
    type: object = None
    help: str = ""

    def __post_init__(self):
        if self.applies_to not in TARGETS:
            raise ValueError(f"`applies_to` must be one of {TARGETS}. Received: applies_to={self.applies_to!r}")

    def click_option(self):
        """The `click.Option` for this flag (its value defaults to None: not given)."""
        if "/" in self.flag:
            return click.Option([self.flag, self.name], default=None, help=self.help)
        return click.Option([self.flag, self.name], type=self.type, default=None, help=self.help)


class ColumnType(click.ParamType):
    """A table column: a name, or a 0-based index (negative counts from the end: -1 is the last)."""

    name = "COLUMN"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value)
        return int(text) if text.lstrip("-").isdigit() else text


class FreezeType(click.ParamType):
    """What to freeze: "none", "all", or how many bottom transformer layers."""

    name = "none|all|N"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value in ("none", "all"):
            return value
        if str(value).isdigit():
            return int(value)
        self.fail("use 'none', 'all' or a number of layers", param, ctx)


class SettingType(click.ParamType):
    """A `--set` value "task.NAME=VALUE" or "read.NAME=VALUE", as `(target, name, value)` (see `parse_setting`)."""

    name = "task.NAME=VALUE|read.NAME=VALUE"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            return parse_setting(value)
        except click.BadParameter as error:
            self.fail(error.message, param, ctx)


COLUMN = ColumnType()
FREEZE = FreezeType()
SETTING = SettingType()


def parse_setting(text):
    """Split a `--set` value "task.NAME=VALUE" or "read.NAME=VALUE" into (target, name, value).

    The value is read as YAML, so numbers, booleans, null and lists keep their type.

    Raises:
        click.BadParameter: for a value of another shape or an unknown target.
    """
    key, equals, value = text.partition("=")
    target, dot, name = key.strip().partition(".")
    if not equals or not dot or not name or target not in ("task", "read"):
        raise click.BadParameter(f"{text!r} is not task.NAME=VALUE or read.NAME=VALUE "
                                 "(e.g. --set task.freeze=4 --set read.text_column=review)", param_hint="--set")
    try:
        parsed = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value
    return target, name, parsed
