"""`kerastl export MODEL --output DIR`: write a TensorFlow SavedModel for serving, an ONNX folder, or a keras-hub preset."""

import json

import click


@click.command()
@click.argument("model", type=click.Path())
@click.option("--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the SavedModel (a new or empty folder, or an earlier export with --overwrite).")
@click.option("--overwrite", is_flag=True,
              help="Replace --output when it holds a finished kerastl export "
                   "(a folder of other files is never replaced).")
@click.option("--format", "export_format", type=click.Choice(["savedmodel", "onnx", "keras-hub"]),
              default="savedmodel", show_default=True,
              help="savedmodel: raw strings in, the task's answer out (TensorFlow). onnx: model.onnx, "
                   "tokenizer.json and kerastl_onnx.py, which answers raw text with onnxruntime, numpy and "
                   "tokenizers only (classification, multilabel, NER). keras-hub: the fine-tuned "
                   "backbone and tokenizer as a keras-hub preset (keras_hub.models.Backbone.from_preset(OUTPUT)), "
                   "with labels and calibration in kerastl_preset.json.")
@click.option("--quantize", type=click.Choice(["int8"]), default=None,
              help="With --format onnx: int8 weights (onnxruntime's dynamic quantization), a smaller and "
                   "usually faster model; benchmarks/onnx_int8.py measures what it costs in accuracy.")
@click.option("--backbone-only", is_flag=True,
              help="With --format keras-hub: write the fine-tuned backbone and tokenizer alone, not a whole "
                   "keras-hub TextClassifier.")
def export(model, output, overwrite, export_format, quantize, backbone_only):
    """Export the model saved in MODEL as a TensorFlow SavedModel in --output.

    Its `serving_default` signature takes `texts`, a batch of raw strings, and returns the
    task's answer (sentiment: label, score and probabilities; NER: entities with character
    offsets; translation: the text); preprocessing runs inside the graph. Load it with
    `import tensorflow_text` then `tf.saved_model.load(OUTPUT)`.

    With --format onnx the folder serves without TensorFlow or kerastl: `python
    OUTPUT/kerastl_onnx.py "some text"`, or `kerastl_onnx.load(OUTPUT).predict(texts)` in Python.

    The SavedModel (and the ONNX graph, converted from it) is TensorFlow's whatever the backend: on
    JAX or PyTorch the folder is exported by a child process on Keras' TensorFlow backend.
    """
    import kerastl
    from kerastl.atomic_files import check_output_folder
    from kerastl.cli.backend_option import configured_backend, log_backend

    if backbone_only and export_format != "keras-hub":
        raise click.UsageError("--backbone-only applies to --format keras-hub. Fix: add --format keras-hub, or "
                               "leave --backbone-only out.")
    if quantize and export_format != "onnx":
        raise click.UsageError(f"--quantize applies to --format onnx, not {export_format}. "
                               "Fix: add --format onnx, or leave --quantize out.")
    if export_format == "keras-hub":
        from kerastl.export.keras_hub_preset import export_keras_hub_preset

        check_output_folder(output, "keras-hub", overwrite=overwrite)  # before the model is loaded
        log_backend()
        facts = export_keras_hub_preset(kerastl.load(model), output, overwrite=overwrite, backbone_only=backbone_only)
        click.echo(json.dumps(facts, indent=2, ensure_ascii=False, default=float))
        if facts["text_classifier"]:
            click.echo(f"Exported the {facts['task']} model to {output} as a keras-hub {facts['text_classifier']} "
                       f"preset: keras_hub.models.TextClassifier.from_preset({output!r})")
        else:
            click.echo(f"Exported the {facts['task']} model's backbone and tokenizer to {output} as a keras-hub preset")
        return
    check_output_folder(output, "onnx" if export_format == "onnx" else "export",
                        overwrite=overwrite)  # before the model is loaded
    in_tensorflow = configured_backend() == "tensorflow"
    log_backend("" if in_tensorflow else "; the export runs in a TensorFlow process")
    from kerastl.export import export_task
    from kerastl.export.onnx import export_onnx
    from kerastl.export.tensorflow_process import export_folder_in_tensorflow

    options = {"quantize": quantize} if export_format == "onnx" else {}
    if in_tensorflow:
        write = export_onnx if export_format == "onnx" else export_task
        description = write(kerastl.load(model), output, overwrite=overwrite, **options)
    else:  # no need to load the model here: the TensorFlow process reads the folder
        description = export_folder_in_tensorflow(model, output, kerastl.Task, overwrite=overwrite,
                                                  export_format=export_format, options=options)
    click.echo(json.dumps(description, indent=2, ensure_ascii=False))
    if export_format == "onnx":
        click.echo(f"Exported the {description['task_name']} model to {output} as ONNX; serve it with "
                   f"python {output}/kerastl_onnx.py TEXT (needs onnxruntime, numpy and tokenizers only)")
    else:
        click.echo(f"Exported the {description['task']} model to {output}")
