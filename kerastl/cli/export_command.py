"""`kerastl export MODEL --output DIR`: write a TensorFlow SavedModel for serving, or a keras-hub preset."""

import json

import click


@click.command()
@click.argument("model", type=click.Path())
@click.option("--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the SavedModel (a new or empty folder, or an earlier export with --overwrite).")
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl export "
                   "(a folder of other files is never replaced).")
@click.option("--format", "export_format", type=click.Choice(["savedmodel", "keras-hub"]), default="savedmodel",
              show_default=True,
              help="savedmodel: raw strings in, the task's answer out (TensorFlow). keras-hub: the fine-tuned "
                   "backbone and tokenizer as a keras-hub preset (keras_hub.models.Backbone.from_preset(OUTPUT)), "
                   "with labels and calibration in kerastl_preset.json.")
def export(model, output, overwrite, export_format):
    """Export the model saved in MODEL as a TensorFlow SavedModel in --output.

    Its `serving_default` signature takes `texts`, a batch of raw strings, and returns the
    task's answer (sentiment: label, score and probabilities; NER: entities with character
    offsets; translation: the text); preprocessing runs inside the graph. Load it with
    `import tensorflow_text` then `tf.saved_model.load(OUTPUT)`.

    The SavedModel is TensorFlow's whatever the backend: on JAX or PyTorch the folder is
    exported by a child process on Keras' TensorFlow backend.
    """
    import kerastl
    from kerastl.atomic_files import check_output_folder
    from kerastl.cli.backend_option import configured_backend, log_backend

    if export_format == "keras-hub":
        from kerastl.export.keras_hub_preset import export_keras_hub_preset

        check_output_folder(output, "keras-hub", overwrite=overwrite)  # before the model is loaded
        log_backend()
        facts = export_keras_hub_preset(kerastl.load(model), output, overwrite=overwrite)
        click.echo(json.dumps(facts, indent=2, ensure_ascii=False, default=float))
        click.echo(f"Exported the {facts['task']} model's backbone and tokenizer to {output} as a keras-hub preset")
        return
    check_output_folder(output, "export", overwrite=overwrite)  # before the model is loaded
    in_tensorflow = configured_backend() == "tensorflow"
    log_backend("" if in_tensorflow else "; the export runs in a TensorFlow process")
    from kerastl.export import export_task
    from kerastl.export.tensorflow_process import export_folder_in_tensorflow

    if in_tensorflow:
        description = export_task(kerastl.load(model), output, overwrite=overwrite)
    else:  # no need to load the model here: the TensorFlow process reads the folder
        description = export_folder_in_tensorflow(model, output, kerastl.Task, overwrite=overwrite)
    click.echo(json.dumps(description, indent=2, ensure_ascii=False))
    click.echo(f"Exported the {description['task']} model to {output}")
