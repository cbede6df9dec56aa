"""The task registry: names to task classes, built in or from plugins.

A task registers under a name by decorator or by call. Plugins register through the
`kerastl.tasks` entry-point group of their package metadata; entry points are listed once, on
the first lookup, and each one is imported only when its name is asked for.

Example:

>>> from kerastl.tasks.registry import TaskRegistry
>>> registry = TaskRegistry(entry_point_group=None)
>>> @registry.register("echo")
... class EchoTask:
...     pass
>>> registry.get("echo") is EchoTask
True
"""

import importlib
import importlib.metadata
import inspect

from kerastl.errors import TaskRegistrationError, UnknownTaskError

ENTRY_POINT_GROUP = "kerastl.tasks"
#: kerastl's own tasks: name -> (the module whose decorator registers it, its aliases). Listing them
#: imports nothing; asking for one imports its module (and Keras with it).
BUILT_IN_TASKS = {
    "classification": ("kerastl.tasks.classification.task", ("sentiment",)),
    "multilabel": ("kerastl.tasks.classification.multi_label_task", ("multi-label",)),
    "ner": ("kerastl.tasks.ner.task", ()),
    "translation": ("kerastl.tasks.translation.task", ()),
}


class TaskRegistry:
    """A small registry of task classes by name.

    Args:
        entry_point_group: the entry-point group plugins use to add tasks, or None to read none.
        built_in: tasks known before they are imported, as `BUILT_IN_TASKS` lists them.
    """

    def __init__(self, entry_point_group=ENTRY_POINT_GROUP, built_in=None):
        self.entry_point_group = entry_point_group
        self._tasks = {}
        self._aliases = {}
        self._entry_points = None
        self._built_in = dict(built_in or {})
        self._built_in_names = {alias: name for name, (_, aliases) in self._built_in.items()
                                for alias in (name, *aliases)}

    def register(self, name, task_class=None, aliases=()):
        """Register `task_class` under `name`; without `task_class`, return a decorator.

        Args:
            name: the task's name (saved models record it).
            task_class: the class.
            aliases: other names that also give `task_class` (e.g. a former name that saved
                models still carry).

        Raises:
            TaskRegistrationError: when another class already holds `name` or an alias.
        """
        if task_class is None:
            return lambda cls: self.register(name, cls, aliases)
        for claimed in (name, *aliases):
            self._import_built_in(claimed, unless_from=task_class.__module__)  # so a clash is seen now
        for claimed in (name, *aliases):
            if not isinstance(claimed, str) or not claimed:
                raise TaskRegistrationError(f"A task name must be a non-empty string. Received: name={claimed!r}")
            taken = self._tasks.get(claimed) or self._tasks.get(self._aliases.get(claimed))
            if taken is not None and taken is not task_class:
                raise TaskRegistrationError(
                    f"Task name '{claimed}' is already taken by {_qualified_name(taken)} "
                    f"(defined in {_source_file(taken)}); {_qualified_name(task_class)} cannot claim it too. "
                    "Pick another name for the new task."
                )
        task_class.name = name
        self._tasks[name] = task_class
        self._aliases.update({alias: name for alias in aliases})
        return task_class

    def canonical_name(self, name):
        """The name a task is registered under, for one of its aliases (any other name unchanged)."""
        return self._aliases.get(name) or self._built_in_names.get(name, name)

    def _import_built_in(self, name, unless_from=None):
        """Import the module of the built-in task `name` (its decorator registers it), once."""
        canonical = self._built_in_names.get(name)
        if canonical is not None and canonical not in self._tasks:
            module = self._built_in[canonical][0]
            if module != unless_from:
                importlib.import_module(module)

    def get(self, name):
        """Return the task class registered as `name`, importing its plugin if needed.

        Raises:
            UnknownTaskError: when no built-in task or installed plugin has that name.
        """
        name = self.canonical_name(name)
        self._import_built_in(name)
        if name not in self._tasks:
            entry_point = self._plugin_entry_points().get(name)
            if entry_point is not None:
                self.register(name, entry_point.load())
        if name not in self._tasks:
            raise UnknownTaskError(
                f"Unknown task '{name}'. Available tasks: {', '.join(self.names()) or 'none'}. "
                f"Plugins add tasks through the '{self.entry_point_group}' entry-point group."
            )
        return self._tasks[name]

    def name_of(self, task_class):
        """Return the name `task_class` itself is registered under (by call, decorator or entry
        point), or None. A subclass of a registered task does not inherit its name."""
        for name, registered in self._tasks.items():
            if registered is task_class:
                return name
        target = f"{task_class.__module__}:{task_class.__qualname__}"
        for name, entry_point in self._plugin_entry_points().items():
            if entry_point.value == target:
                return name
        return None

    def names(self):
        """Return the sorted names of all tasks, registered or offered by an installed plugin."""
        return sorted(set(self._tasks) | set(self._aliases) | set(self._built_in_names)
                      | set(self._plugin_entry_points()))

    def find(self, name):
        """Tell where the task `name` is defined: a dict with `module`, `file`, `line`, `plugin`."""
        task_class = self.get(name)
        entry_point = self._plugin_entry_points().get(self.canonical_name(name))
        try:
            line = inspect.getsourcelines(task_class)[1]
        except (OSError, TypeError):
            line = None
        return {
            "module": task_class.__module__,
            "file": _source_file(task_class),
            "line": line,
            "plugin": entry_point.dist.name if entry_point is not None and entry_point.dist else None,
        }

    def __contains__(self, name):
        return (self.canonical_name(name) in self._tasks or name in self._built_in_names
                or name in self._plugin_entry_points())

    def _plugin_entry_points(self):
        if self._entry_points is None:
            found = {}
            if self.entry_point_group:
                for entry_point in importlib.metadata.entry_points(group=self.entry_point_group):
                    found.setdefault(entry_point.name, entry_point)
            self._entry_points = found
        return self._entry_points


def _qualified_name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def _source_file(obj):
    try:
        return inspect.getsourcefile(obj) or "<unknown>"
    except TypeError:
        return "<built-in>"


#: The registry kerastl and its plugins use.
task_registry = TaskRegistry(built_in=BUILT_IN_TASKS)


def register_task(name, task_class=None, aliases=()):
    """Register a task class under `name` (and `aliases`) in kerastl's registry (decorator or call).

    Example:

    >>> from kerastl.tasks import Task, register_task
    >>> @register_task("my_topics")   # doctest: +SKIP
    ... class TopicTask(Task):
    ...     ...
    """
    return task_registry.register(name, task_class, aliases)


def get_task(name):
    """Return the task class registered as `name` (built in or from a plugin)."""
    return task_registry.get(name)


def new_task(name, **options):
    """The task registered as `name` (or the task class `name`) built with `options`, the way the
    command line builds it from flags, `--set task.NAME=...` and `config.yaml`.

    Raises:
        OptionError: an option the task does not take, or a value its constructor refuses, named
            in one line (a `KerastlError` the constructor raises itself passes through unchanged).
    """
    from kerastl.errors import KerastlError, OptionError

    task_class = get_task(name) if isinstance(name, str) else name
    try:
        return task_class(**options)
    except KerastlError:
        raise
    except TypeError as error:  # an unknown keyword, or a value of the wrong type
        raise OptionError(f"the {task_class.name} task cannot take these options ({error}). Fix: check the "
                          f"names and values under --set task.NAME=VALUE / task_options; "
                          f"`kerastl train {task_class.name} --help` lists them.") from None
    except ValueError as error:
        raise OptionError(f"the {task_class.name} task refuses an option: {error} Fix: change that option.") from None


def available_tasks():
    """Return the sorted names of every task kerastl can build."""
    return task_registry.names()
