"""Click groups with one command per registered task: `kerastl train TASK`, `lr-find TASK`, `evaluate`.

Each group lists the registered tasks (built in, and plugins of the `kerastl.tasks` entry-point
group) and builds a task's command only when it is asked for: the command has the options the
group shares plus the task's own `cli_options` (`kerastl.options.TaskOption`), so
`kerastl train ner --help` lists NER's flags and a plugin task's command lists its own.
The registry is imported only when a task's command is needed (it imports the tasks).
"""

import click

from kerastl.options import SETTING


class TaskGroup(click.Group):
    """A group whose commands are the registered tasks.

    Args:
        name: the group's name ("train").
        make_command: `make_command(name, task_class)` -> the `click.Command` of one task.
        **attrs: passed to `click.Group` (help, epilog, ...).
    """

    def __init__(self, name, make_command, **attrs):
        attrs.setdefault("subcommand_metavar", "TASK [OPTIONS]")
        attrs.setdefault("options_metavar", "")  # the group's only option is --help
        super().__init__(name, **attrs)
        self.make_command = make_command
        self._made = {}

    def list_commands(self, ctx):
        from kerastl.tasks import available_tasks

        return available_tasks()

    def get_command(self, ctx, name):
        if name not in self._made:
            task_class = task_class_or_none(name)
            if task_class is None:
                return None
            command = self.make_command(name, task_class)
            canonical = _canonical_name(name)
            if canonical != name:
                command.short_help = f"The '{canonical}' task, by another name."
            self._made[name] = command
        return self._made[name]

    def resolve_command(self, ctx, args):
        from kerastl.tasks import get_task

        get_task(args[0])  # an unknown task is kerastl's one-line error, which names the tasks there are
        return super().resolve_command(ctx, args)


def task_defaults(task_class):
    """The default values of `task_class`' constructor arguments (its own and `Task`'s), by name."""
    import inspect

    defaults = {}
    for cls in reversed(getattr(task_class, "__mro__", ())):
        init = cls.__dict__.get("__init__")
        if init is not None:
            defaults.update({name: parameter.default for name, parameter in inspect.signature(init).parameters.items()
                             if parameter.default is not inspect.Parameter.empty})
    return defaults


def task_class_or_none(name):
    """The task class registered as `name`, or None."""
    from kerastl.errors import KerastlError
    from kerastl.tasks import get_task

    try:
        return get_task(name)
    except KerastlError:
        return None


def _canonical_name(name):
    from kerastl.tasks import task_registry

    return task_registry.canonical_name(name)


def task_params(task_class, targets=("task", "read")):
    """The `click.Option`s of `task_class`'s own flags that go to `targets`."""
    return [option.click_option() for option in getattr(task_class, "cli_options", ()) if option.applies_to in targets]


def settings_param(help_text, metavar="task.NAME=VALUE|read.NAME=VALUE"):
    """The `--set task.NAME=VALUE|read.NAME=VALUE` option (repeatable, parsed by `kerastl.options.SETTING`)."""
    return click.Option(["--set", "settings"], type=SETTING, multiple=True, metavar=metavar, help=help_text)


def task_values(task_class, values):
    """Split the values of a task's own flags out of a command's `values` (removed from it):
    `{"task": {...}, "read": {...}}`, only the flags given."""
    given = {"task": {}, "read": {}}
    for option in getattr(task_class, "cli_options", ()):
        value = values.pop(option.name, None)
        if value is not None:
            given[option.applies_to][option.name] = value
    return given


def apply_settings(settings, task_options, read_options):
    """Apply parsed `--set` values (target, name, value) to the task or reader options, in order."""
    for target, name, value in settings:
        (task_options if target == "task" else read_options)[name] = value


def short_help(task_class):
    """The first line of a task class's docstring, for its group's list of commands."""
    doc = (getattr(task_class, "__doc__", None) or "").strip() if task_class is not None else ""
    return doc.splitlines()[0] if doc else ""
