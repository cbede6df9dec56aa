"""`kerastl export MODEL --output DIR`: write a TensorFlow SavedModel for serving."""

import json

import click


@click.command()
@click.argument("model", type=click.Path())
@click.option("--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the SavedModel (replaced if it exists).")
def export(model, output):
    """Export the model saved in MODEL as a TensorFlow SavedModel in --output.

    Its `serving_default` signature takes `texts`, a batch of raw strings, and returns the
    task's answer (sentiment: label, score and probabilities; NER: entities with character
    offsets; translation: the text); preprocessing runs inside the graph. Load it with
    `import tensorflow_text` then `tf.saved_model.load(OUTPUT)`.
    """
    import kerastl
    from kerastl.export import export_task

    description = export_task(kerastl.load(model), output)
    click.echo(json.dumps(description, indent=2, ensure_ascii=False))
    click.echo(f"Exported the {description['task']} model to {output}")
