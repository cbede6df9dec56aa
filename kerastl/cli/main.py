"""The `kerastl` command group: built-in commands, plugin commands, one-line errors."""

import errno
import importlib.metadata
import os
import sys

import click

from kerastl.cli.backend_option import BACKENDS, log_to_stderr, select_backend
from kerastl.cli.native_logs import hide_native_logs
from kerastl.errors import KerastlError

COMMAND_ENTRY_POINT_GROUP = "kerastl.commands"
#: The longest error line printed: a message quoting a huge input (a header of 200,000 columns) is cut
#: in the middle, keeping what went wrong and where (its start) and the fix (its end).
MAX_ERROR_CHARACTERS = 2000
#: Failures of a write that the user fixes on their side: a full disk or quota, a read-only file system.
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
BUILT_IN_COMMANDS = {
    "backbones": "kerastl.cli.backbones_command:backbones",
    "curve": "kerastl.cli.curve_command:curve",
    "demo": "kerastl.cli.demo_command:demo",
    "evaluate": "kerastl.cli.evaluate_command:evaluate",
    "export": "kerastl.cli.export_command:export",
    "lr-find": "kerastl.cli.lr_find_command:lr_find",
    "predict": "kerastl.cli.predict_command:predict",
    "pretrain": "kerastl.cli.pretrain_command:pretrain",
    "push": "kerastl.cli.push_command:push",
    "report": "kerastl.cli.report_command:report",
    "tasks": "kerastl.cli.tasks_command:tasks",
    "train": "kerastl.cli.train_command:train",
}


class KerastlGroup(click.Group):
    """Loads commands lazily (TensorFlow is imported only when a command needs it), adds
    plugin commands from the `kerastl.commands` entry-point group, and prints kerastl's
    errors as one line without a traceback."""

    def list_commands(self, ctx):
        return sorted(set(BUILT_IN_COMMANDS) | set(_plugin_commands()))

    def get_command(self, ctx, name):
        target = BUILT_IN_COMMANDS.get(name)
        if target is not None:
            module, _, attribute = target.partition(":")
            return getattr(importlib.import_module(module), attribute)
        entry_point = _plugin_commands().get(name)
        return entry_point.load() if entry_point is not None else None

    def invoke(self, ctx):
        try:
            if ctx.params.get("backend"):
                select_backend(ctx.params["backend"])  # before any command imports Keras
            return super().invoke(ctx)
        except KerastlError as error:
            click.echo(f"Error: {_shortened(str(error))}", err=True)
            sys.exit(1)
        except OSError as error:
            if error.errno not in WRITE_ERRORS:
                raise
            where = f" ({error.filename})" if error.filename else ""
            click.echo(f"Error: cannot write{where}: {error.strerror}. Fix: free space on that disk, or write to "
                       "another folder (--output).", err=True)
            sys.exit(1)


def _shortened(message, limit=MAX_ERROR_CHARACTERS):
    """`message` on one line of at most about `limit` characters: its start (what and where) and its end (the fix)."""
    message = " ".join(message.split("\n"))
    if len(message) <= limit:
        return message
    return f"{message[:limit // 2]} [... {len(message) - limit:,} characters ...] {message[-limit // 2:]}"


def _plugin_commands():
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=COMMAND_ENTRY_POINT_GROUP)}


@click.group(cls=KerastlGroup)
@click.version_option(package_name="kerastl")
@click.option("--backend", type=click.Choice(BACKENDS),
              help="Keras backend for this command (sets KERAS_BACKEND). Default: Keras' own choice, "
                   "KERAS_BACKEND, else ~/.keras/keras.json, else tensorflow.")
def cli(backend):
    """kerastl: fine-tune pretrained NLP backbones on downstream tasks with Keras 3.

    Runs on the Keras backend you choose: kerastl --backend jax|torch|tensorflow COMMAND ...
    """


def main():
    """Entry point of the `kerastl` console script."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter off the terminal
    hide_native_logs()  # and the lines it writes before reading that
    log_to_stderr()  # "kerastl: Keras backend NAME" and other log lines
    cli(prog_name="kerastl")
