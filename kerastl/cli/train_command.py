"""`kerastl train TASK`: fine-tune a task and save it."""

import json

import click
from click.core import ParameterSource

from kerastl.backbones import DEFAULT_BACKBONE


def _given(**options):
    return {key: value for key, value in options.items() if value is not None}


@click.command()
@click.argument("task", required=False)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="A config.yaml of an earlier run to run again; flags given here override its values.")
@click.option("--train", "train_path", help="Training data: a file, folder, or tfds:NAME[:SPLIT].")
@click.option("--validation", "validation_path", help="Validation data, scored each epoch and after training.")
@click.option("--source", "source_path", type=click.Path(dir_okay=False),
              help="translation: training source sentences, one per line (with --target, instead of --train).")
@click.option("--target", "target_path", type=click.Path(dir_okay=False),
              help="translation: the line-aligned target sentences of --source.")
@click.option("--validation-source", type=click.Path(dir_okay=False), help="translation: validation sources.")
@click.option("--validation-target", type=click.Path(dir_okay=False), help="translation: validation targets.")
@click.option("--output", type=click.Path(file_okay=False),
              help="Folder for the trained model, metrics.json, config.yaml and plots.")
@click.option("--backbone", default=DEFAULT_BACKBONE, show_default=True, help="Backbone name or folder.")
@click.option("--epochs", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1))
@click.option("--learning-rate", type=float, help="Peak learning rate (default: the task's).")
@click.option("--max-length", type=click.IntRange(min=4), help="Longest token sequence (default: the task's).")
@click.option("--freeze", help="'none', 'all', or how many bottom transformer layers to freeze.")
@click.option("--lora-rank", type=click.IntRange(min=1), help="Train low-rank adapters of this rank instead.")
@click.option("--seed", type=int, help="Random seed.")
@click.option("--precision", type=click.Choice(["auto", "float32", "mixed_bfloat16"]),
              help="Numeric precision of the backbone (default: the task's; 'auto' uses bfloat16 where the "
                   "CPU has bfloat16 instructions).")
@click.option("--text-column", help="Column (name or index) holding the text, for table files.")
@click.option("--label-column", help="Column (name or index) holding the label, for table files.")
@click.option("--source-column", type=int,
              help="translation: 0-based column of the sources in a pair table (default 0; Tatoeba's kor.txt "
                   "is English first, so Korean->English is --source-column 1 --target-column 0).")
@click.option("--target-column", type=int, help="translation: 0-based column of the targets (default 1).")
@click.option("--token-column", type=int, help="0-based column of the words, for CoNLL files (ner).")
@click.option("--tag-column", type=int, help="0-based column of the tags, for CoNLL files (ner; default: last).")
@click.option("--scheme", type=click.Choice(["iob1", "iob2", "bioes"]),
              help="Tag scheme of the data files (ner; default: iob1, as CoNLL-2003).")
@click.option("--tensorboard/--no-tensorboard", default=False,
              help="Also write TensorBoard logs to OUTPUT/tensorboard.")
@click.option("--checkpoint-every", default=500, show_default=True, type=click.IntRange(min=0),
              help="Checkpoint into OUTPUT/checkpoint every N steps (0: never); the same command run "
                   "again after an interruption resumes from the last checkpoint.")
@click.option("--strategy", type=click.Choice(["mirrored", "multiworker", "tpu"]),
              help="Train over several devices (mirrored), workers (multiworker, from TF_CONFIG: run the same "
                   "command on every worker; only the chief writes --output) or a TPU.")
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl model "
                   "(a folder of other files is never replaced).")
@click.pass_context
def train(ctx, task, config_path, train_path, validation_path, output, backbone, epochs, batch_size, learning_rate,
          max_length, freeze, lora_rank, seed, text_column, label_column, token_column=None, tag_column=None,
          scheme=None, tensorboard=False, source_path=None, target_path=None, validation_source=None,
          validation_target=None, checkpoint_every=None, strategy=None, precision=None, source_column=None,
          target_column=None, overwrite=False):
    """Fine-tune TASK on --train and save the model in --output.

    With --config FILE (the config.yaml of an earlier run), TASK, --train and --output may
    come from the file; flags given here override its values.
    """
    from kerastl.reporting import summary_line
    from kerastl.run_config import read_run_config
    from kerastl.training_run import run_training

    config = read_run_config(config_path) if config_path else {}
    train_path = _file_pair(ctx, train_path, source_path, target_path, "")
    validation_path = _file_pair(ctx, validation_path, validation_source, validation_target, "validation-")
    task = task or config.get("task")
    train_path = train_path or config.get("train")
    validation_path = validation_path or config.get("validation")
    output = output or config.get("output")
    for value, missing in ((task, "argument 'TASK'"), (train_path, "option '--train' (or --source/--target)"),
                           (output, "option '--output'")):
        if value is None:
            raise click.UsageError(f"Missing {missing} (give it here, or pass a --config file that has it).", ctx=ctx)
    epochs, batch_size, tensorboard = (
        value if _on_command_line(ctx, name) or config.get(name) is None else config[name]
        for name, value in (("epochs", epochs), ("batch_size", batch_size), ("tensorboard", tensorboard))
    )

    if freeze is not None and freeze not in ("none", "all"):
        if not freeze.isdigit():
            raise click.BadParameter("use 'none', 'all' or a number of layers", param_hint="--freeze")
        freeze = int(freeze)
    task_options = dict(config.get("task_options") or {})
    if config.get("seed") is not None:
        task_options["seed"] = config["seed"]
    if _on_command_line(ctx, "backbone") or "backbone" not in task_options:
        task_options["backbone"] = backbone
    task_options.update(_given(learning_rate=learning_rate, max_length=max_length, freeze=freeze,
                               lora_rank=lora_rank, seed=seed, precision=precision))
    read_options = dict(config.get("read_options") or {})
    read_options.update(_given(text_column=_column(text_column), label_column=_column(label_column),
                               token_column=token_column, tag_column=tag_column, scheme=scheme,
                               source_column=source_column, target_column=target_column))
    summary = run_training(task, train_path, output, validation=validation_path, task_options=task_options,
                           read_options=read_options, epochs=epochs, batch_size=batch_size, tensorboard=tensorboard,
                           checkpoint_every=checkpoint_every, distribution=strategy, overwrite=overwrite)
    if "validation" in summary:
        click.echo(json.dumps(_headline(summary["validation"]), indent=2))
    click.echo(summary_line(summary, output))


def _file_pair(ctx, path, source, target, prefix):
    """Aligned --source/--target files as a `(Path, Path)` pair (read by the translation task)."""
    from pathlib import Path

    if source is None and target is None:
        return path
    if source is None or target is None:
        raise click.UsageError(f"--{prefix}source and --{prefix}target go together: give both files.", ctx=ctx)
    if path is not None:
        option = "--validation" if prefix else "--train"
        raise click.UsageError(f"Give either {option} or --{prefix}source/--{prefix}target, not both.", ctx=ctx)
    return (Path(source), Path(target))


def _on_command_line(ctx, name):
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def _column(value):
    return int(value) if value is not None and value.lstrip("-").isdigit() else value


def _headline(metrics):
    return {key: value for key, value in metrics.items() if not isinstance(value, dict)}
