"""`kerastl evaluate MODEL --data ...`: score a saved model on labeled data.

`evaluate` is a group of one command per registered task, as `kerastl train`: each takes the
task's reader flags (`--text-column`, NER's `--scheme`, a plugin's own, ...) and `--set read.NAME=VALUE`.
The model folder tells the task, so `kerastl evaluate MODEL --data FILE [the task's reader flags]`
runs the command of the task MODEL holds; `kerastl evaluate TASK MODEL ...` names it (and
`kerastl evaluate TASK --help` lists its flags). A first argument that is a task's name is the task.
"""

import json
from pathlib import Path

import click

from kerastl.cli.task_commands import (TaskGroup, settings_param, short_help, task_class_or_none, task_params,
                                       task_values)
from kerastl.options import BATCH_SIZE

#: The file of a model folder that names its task (`kerastl.tasks.model_folder.TASK_FILE`).
TASK_FILE = "kerastl.json"


class EvaluateGroup(TaskGroup):
    """`kerastl evaluate`: TASK MODEL, or MODEL alone (the command of the task its `kerastl.json` names)."""

    def resolve_command(self, ctx, args):
        if args[0].startswith("-") or task_class_or_none(args[0]) is not None:
            return super().resolve_command(ctx, args)
        name = _folder_task(args[0])
        command = self.get_command(ctx, name) if name is not None else None
        if command is None:  # not a model folder: loading it says why
            return None, evaluate_command("", None), args
        return name, command, args


def _folder_task(model):
    """The task name a model folder's `kerastl.json` records, or None when it cannot tell."""
    try:
        name = json.loads((Path(model) / TASK_FILE).read_text(encoding="utf-8")).get("task")
    except (OSError, ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def evaluate_params():
    """The options every task's `kerastl evaluate` command has."""
    return [
        click.Argument(["model"], type=click.Path()),
        click.Option(["--data"], required=True, help="Labeled data: a file, folder, or tfds:NAME[:SPLIT]."),
        click.Option(["--batch-size"], default=64, show_default=True, type=BATCH_SIZE),
        click.Option(["--update-card"], is_flag=True,
                     help="Add these scores to the model card (MODEL/README.md), replacing earlier ones on --data."),
        settings_param("Set any file reader option of the task (e.g. --set read.text_column=review); values are "
                       "YAML. The task's constructor options (task.NAME) are those the model was saved with.",
                       metavar="read.NAME=VALUE"),
    ]


def evaluate_command(name, task_class):
    """The `kerastl evaluate` command of `task_class` (None: any model, no reader flags of a task)."""

    def callback(**values):
        _evaluate(task_class, task_values(task_class, values)["read"], **values)

    params = evaluate_params() + (task_params(task_class, targets=("read",)) if task_class is not None else [])
    about = f"the '{name}' model" if task_class is not None else "the model"
    return click.Command(name, callback=callback, params=params, short_help=short_help(task_class),
                         help=f"Print the metrics of {about} saved in MODEL on --data, as JSON.")


evaluate = EvaluateGroup(
    "evaluate", evaluate_command, subcommand_metavar="MODEL --data FILE [OPTIONS] | TASK MODEL --data FILE [OPTIONS]",
    help="Print the metrics of the model saved in MODEL on --data, as JSON.\n\n"
         "The model's task adds its reader flags (kerastl evaluate TASK --help lists them).",
    epilog="Each task adds reader options of its own: kerastl evaluate TASK --help lists them.")


def _evaluate(task_class, read_options, model, data, batch_size, settings, update_card):
    import kerastl
    from kerastl.cli.backend_option import log_backend

    log_backend()

    for target, name, _ in settings:
        if target != "read":
            raise click.BadParameter(f"'task.{name}': evaluate keeps the options the model was saved with; "
                                     "it takes reader options only (--set read.NAME=VALUE).", param_hint="--set")
    read_options = {**read_options, **{name: value for _, name, value in settings}}
    task = task_class.load(model) if task_class is not None else kerastl.load(model)
    metrics = task.evaluate(data, batch_size=batch_size, **read_options)
    click.echo(json.dumps(metrics, indent=2, ensure_ascii=False))
    if update_card:
        _update_card(task, model, data, metrics)


def _update_card(task, model, data, metrics):
    """Put the scores on `data` into the model card of the folder `model` (replacing those on the same data)."""
    from kerastl.reporting import headline_metrics
    from kerastl.runs.run_config import data_source_for_config
    from kerastl.tasks.model_folder import card_facts, read_card_facts, write_model_card

    facts = read_card_facts(model) or card_facts(task, Path(model).name)
    source = data_source_for_config(data) or str(data)
    kept = [entry for entry in facts.get("evaluations") or [] if entry.get("data") != source]
    facts["evaluations"] = kept + [{"data": source, "examples": metrics.get("examples", "?"),
                                    "metrics": headline_metrics(metrics)}]
    write_model_card(model, facts)
