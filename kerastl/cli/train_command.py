"""`kerastl train TASK`: fine-tune a task and save it.

The command has the options every task shares; each task adds its own (`Task.cli_options`),
so `kerastl train ner --help` lists NER's and a plugin's task lists its own. `--set
task.NAME=VALUE` / `--set read.NAME=VALUE` reaches any constructor or reader option of any task.
"""

import json

import click
from click.core import ParameterSource

from kerastl.backbones import DEFAULT_BACKBONE
from kerastl.options import FREEZE, parse_setting
from kerastl.precision import PRECISIONS

#: Where `TaskTrainCommand` keeps the options of the task being trained.
TASK_OPTIONS_KEY = "kerastl.task_options"


class LearningRateType(click.ParamType):
    """A learning rate: a positive number, or "auto" (a short sweep finds one)."""

    name = "RATE|auto"

    def convert(self, value, param, ctx):
        from kerastl.errors import KerastlError
        from kerastl.runs.run_config import parse_learning_rate

        try:
            return parse_learning_rate(value)
        except KerastlError as error:
            self.fail(str(error), param, ctx)


class TaskTrainCommand(click.Command):
    """A click command whose options are the shared ones plus those of the TASK argument.

    The task is the first argument that is not an option (or the `task:` of a `--config` file);
    its `cli_options` become options of this invocation only.
    """

    def parse_args(self, ctx, args):
        task_class = _task_class(_task_name(args, self.params))
        ctx.meta[TASK_OPTIONS_KEY] = list(task_class.cli_options) if task_class is not None else []
        return super().parse_args(ctx, args)

    def get_params(self, ctx):
        params = super().get_params(ctx)
        own = [option.click_option() for option in ctx.meta.get(TASK_OPTIONS_KEY, [])]
        return params[:-1] + own + params[-1:]  # --help stays last

    def format_epilog(self, ctx, formatter):
        if not ctx.meta.get(TASK_OPTIONS_KEY):
            formatter.write_paragraph()
            formatter.write_text(f"Each task adds options of its own: kerastl {ctx.info_name} TASK --help lists them.")
        super().format_epilog(ctx, formatter)


@click.command(cls=TaskTrainCommand)
@click.argument("task", required=False)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="A config.yaml of an earlier run to run again; flags given here override its values.")
@click.option("--train", "train_path", help="Training data: a file, folder, or tfds:NAME[:SPLIT].")
@click.option("--validation", "validation_path", help="Validation data, scored each epoch and after training.")
@click.option("--output", type=click.Path(file_okay=False),
              help="Folder for the trained model, metrics.json, config.yaml and plots.")
@click.option("--backbone", default=DEFAULT_BACKBONE, show_default=True, help="Backbone name or folder.")
@click.option("--epochs", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1))
@click.option("--learning-rate", type=LearningRateType(),
              help="Peak learning rate (default: the task's), or 'auto': a short sweep on --train first picks it "
                   "(as `kerastl lr-find`; OUTPUT/lr_find.png shows it).")
@click.option("--max-length", type=click.IntRange(min=4), help="Longest token sequence (default: the task's).")
@click.option("--freeze", type=FREEZE, help="'none', 'all', or how many bottom transformer layers to freeze.")
@click.option("--lora-rank", type=click.IntRange(min=1), help="Train low-rank adapters of this rank instead.")
@click.option("--seed", type=int, help="Random seed.")
@click.option("--precision", type=click.Choice(PRECISIONS),
              help="Numeric precision of the backbone (default: the task's): 'mixed_bfloat16' computes its "
                   "layers in bfloat16, 'onednn_bfloat16' only its matrix products (on the CPU, the model "
                   "stays float32); 'auto' uses 'mixed_bfloat16' where the CPU has bfloat16 instructions.")
@click.option("--set", "settings", multiple=True, metavar="task.NAME=VALUE|read.NAME=VALUE",
              help="Set any constructor (task.) or file reader (read.) option of the task, e.g. "
                   "--set task.dropout=0.2 --set read.text_column=review; values are YAML. Applied last.")
@click.option("--tensorboard/--no-tensorboard", default=False,
              help="Also write TensorBoard logs to OUTPUT/tensorboard.")
@click.option("--checkpoint-every", default=500, show_default=True, type=click.IntRange(min=0),
              help="Checkpoint into OUTPUT/checkpoint every N steps (0: never); the same command run "
                   "again after an interruption resumes from the last checkpoint.")
@click.option("--strategy", type=click.Choice(["mirrored", "multiworker", "tpu"]),
              help="Train over several devices (mirrored), workers (multiworker, from TF_CONFIG: run the same "
                   "command on every worker; only the chief writes --output) or a TPU.")
@click.option("--early-stopping-patience", type=click.IntRange(min=1),
              help="Stop after N epochs without a better validation score (the task's metric) and keep the best "
                   "epoch's weights.")
@click.option("--restore-best/--keep-last", default=None,
              help="Save the best validation epoch's weights (default with --early-stopping-patience) or the "
                   "last epoch's (default otherwise).")
@click.option("--accumulate-steps", type=click.IntRange(min=1),
              help="Update every N batches with their mean gradient: an effective batch of N x --batch-size at "
                   "the memory of one batch.")
@click.option("--calibrate/--no-calibrate", default=True, show_default=True,
              help="After training, let the task learn on --validation what its answers depend on beyond the "
                   "weights (a temperature that makes scores match accuracy, per-label thresholds).")
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl model "
                   "(a folder of other files is never replaced).")
@click.pass_context
def train(ctx, task, config_path, train_path, validation_path, output, backbone, epochs, batch_size, learning_rate,
          max_length, freeze, lora_rank, seed, precision, settings, tensorboard, checkpoint_every, strategy,
          early_stopping_patience, restore_best, accumulate_steps, calibrate, overwrite, **task_values):
    """Fine-tune TASK on --train and save the model in --output.

    With --config FILE (the config.yaml of an earlier run), TASK, --train and --output may
    come from the file; flags given here override its values.
    """
    from kerastl.reporting import summary_line
    from kerastl.runs.run_config import read_run_config
    from kerastl.tasks import get_task
    from kerastl.runs.train import run_training

    config = read_run_config(config_path) if config_path else {}
    task = task or config.get("task")
    if task is None:
        raise click.UsageError("Missing argument 'TASK' (give it here, or pass a --config file that has it).", ctx=ctx)
    given = task_option_values(ctx, task_values)
    train_path, validation_path = get_task(task).data_from_cli(train_path, validation_path, given["data"])
    train_path = train_path or config.get("train")
    validation_path = validation_path or config.get("validation")
    output = output or config.get("output")
    for value, missing in ((train_path, "option '--train'"), (output, "option '--output'")):
        if value is None:
            raise click.UsageError(f"Missing {missing} (give it here, or pass a --config file that has it).", ctx=ctx)
    epochs, batch_size, tensorboard, early_stopping_patience, restore_best, accumulate_steps, calibrate = (
        value if _on_command_line(ctx, name) or config.get(name) is None else config[name]
        for name, value in (("epochs", epochs), ("batch_size", batch_size), ("tensorboard", tensorboard),
                            ("early_stopping_patience", early_stopping_patience), ("restore_best", restore_best),
                            ("accumulate_steps", accumulate_steps), ("calibrate", calibrate))
    )
    task_options = dict(config.get("task_options") or {})
    if config.get("seed") is not None:
        task_options["seed"] = config["seed"]
    if _on_command_line(ctx, "backbone") or "backbone" not in task_options:
        task_options["backbone"] = backbone
    shared = {"learning_rate": learning_rate if learning_rate != "auto" else None, "max_length": max_length,
              "freeze": freeze, "lora_rank": lora_rank, "seed": seed, "precision": precision}
    task_options.update({key: value for key, value in shared.items() if value is not None})
    task_options.update(given["task"])
    read_options = {**(config.get("read_options") or {}), **given["read"]}
    for target, name, value in (parse_setting(setting) for setting in settings):
        (task_options if target == "task" else read_options)[name] = value
    summary = run_training(task, train_path, output, validation=validation_path, task_options=task_options,
                           read_options=read_options, epochs=epochs, batch_size=batch_size, tensorboard=tensorboard,
                           checkpoint_every=checkpoint_every, distribution=strategy, overwrite=overwrite,
                           early_stopping_patience=early_stopping_patience, restore_best=restore_best,
                           accumulate_steps=accumulate_steps or 1, calibrate=calibrate,
                           learning_rate="auto" if learning_rate == "auto" else None)
    if summary.get("learning_rate", {}).get("auto"):
        found = summary["learning_rate"]
        click.echo(f"Learning rate {found['used']:.3g}: suggested by a {found['steps']}-step sweep "
                   f"of {found['seconds']:.0f} s ({output}/{found['plot']})")
    if "validation" in summary:
        click.echo(json.dumps(_headline(summary["validation"]), indent=2))
    click.echo(summary_line(summary, output))


def task_option_values(ctx, values):
    """The values of the task's own flags given on the command line, by where they go:
    `{"task": {...}, "read": {...}, "data": {...}}` (see `kerastl.options.TaskOption`)."""
    given = {"task": {}, "read": {}, "data": {}}
    for option in ctx.meta.get(TASK_OPTIONS_KEY, []):
        if values.get(option.name) is not None:
            given[option.applies_to][option.name] = values[option.name]
    return given


def _task_name(args, params):
    """The TASK argument among raw command-line `args`, or the task of their `--config` file."""
    takes_value = {opt for param in params if isinstance(param, click.Option) and not param.is_flag
                   for opt in param.opts}
    config, index = None, 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            return args[index + 1] if index + 1 < len(args) else None
        if not arg.startswith("-"):
            return arg
        name, equals, value = arg.partition("=")
        if name == "--config":
            config = value if equals else (args[index + 1] if index + 1 < len(args) else None)
        # The shared options that take a value skip it; so does a task's own option (unknown until
        # the task is known), which takes a value unless another option follows.
        known = name in takes_value or any(name == opt for param in params for opt in getattr(param, "opts", ()))
        takes_next = name in takes_value if known else index + 1 < len(args) and not args[index + 1].startswith("-")
        index += 2 if takes_next and not equals else 1
    return _config_task(config)


def _config_task(path):
    if path is None:
        return None
    from kerastl.errors import KerastlError
    from kerastl.runs.run_config import read_run_config

    try:
        return read_run_config(path).get("task")
    except KerastlError:
        return None  # the command reports the bad file itself


def _task_class(name):
    """The registered task class `name`, or None (an unknown task is reported by the command)."""
    if not isinstance(name, str):
        return None
    from kerastl.errors import KerastlError
    from kerastl.tasks import get_task

    try:
        return get_task(name)
    except KerastlError:
        return None


def _on_command_line(ctx, name):
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def _headline(metrics):
    return {key: value for key, value in metrics.items() if not isinstance(value, dict)}
