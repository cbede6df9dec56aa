"""The model card of a model folder: `README.md` in the Hugging Face model-card layout.

A card has YAML front matter (`library_name`, `pipeline_tag`, `base_model`, `license`, and
`model-index` with the validation metrics, which hubs read) and sections a reader of a shared
model looks for: what it does and its labels, the backbone and its license, the training data,
the metrics, calibration, intended use and limits, and how to load, predict and serve it.
`kerastl train` writes it; `kerastl evaluate MODEL --data FILE --update-card` adds the scores
on FILE.
"""

import json

import yaml

CARD_FILE = "README.md"
#: Hugging Face's pipeline tag and task-type name of each kind of task.
PIPELINES = {"classification": ("text-classification", "Text Classification"),
             "multilabel": ("text-classification", "Text Classification"),
             "ner": ("token-classification", "Token Classification"),
             "translation": ("translation", "Translation")}


def model_card(facts):
    """The card (Markdown with YAML front matter) of a model described by `facts`.

    Args:
        facts: a dict: `name` (the folder's name), `task`, `labels` (or None), `backbone`,
            `backbone_license`, `backbone_source`, and when known `train` (`data`, `examples`,
            `epochs`, `batch_size`, `learning_rate`, `kept_epoch`), `validation` (`data`,
            `examples`, `metrics`: flat name -> number), `calibration` (what `calibrate` returned),
            `evaluations` (a list of `{"data", "examples", "metrics"}` from `--update-card`).

    Returns:
        The card's text.

    Example:

    >>> card = model_card({"name": "my-model", "task": "classification", "labels": ["negative", "positive"],
    ...                    "backbone": "minilm-l6", "backbone_license": "apache-2.0"})
    >>> card.splitlines()[0], "kerastl.load" in card
    ('---', True)
    """
    pipeline, task_title = PIPELINES.get(facts["task"], ("other", facts["task"]))
    scored = [{**entry, "metrics": _numbers(entry.get("metrics") or {})}
              for entry in [facts.get("validation"), *(facts.get("evaluations") or [])] if entry]
    front = {"library_name": "kerastl", "tags": ["kerastl", "keras", facts["task"]], "pipeline_tag": pipeline,
             "base_model": facts.get("backbone_source") or facts["backbone"],
             "license": facts.get("backbone_license") or "unknown"}
    if scored:
        front["model-index"] = [{"name": facts["name"], "results": [
            {"task": {"type": pipeline, "name": task_title},
             "dataset": {"name": str(entry["data"]), "type": str(entry["data"]), "split": entry.get("split", "")},
             "metrics": [{"type": metric, "value": round(float(value), 4), "name": metric}
                         for metric, value in entry["metrics"].items()]}
            for entry in scored]}]
    parts = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             f"# {facts['name']}", "",
             f"A kerastl `{facts['task']}` model fine-tuned from the backbone `{facts['backbone']}` "
             f"(license: {facts.get('backbone_license') or 'unknown; see the backbone own card'}).", ""]
    if facts.get("labels"):
        parts += [f"**Labels** ({len(facts['labels'])}): " + ", ".join(f"`{label}`" for label in facts["labels"]), ""]
    parts += _training(facts.get("train"))
    parts += _scores(scored)
    parts += _calibration(facts.get("calibration"))
    parts += ["## Intended use and limits", "",
              "For texts like its training data (language, domain, length). Scores on other kinds of text are "
              "not measured here and are usually lower; check the model on your own labeled sample "
              "(`kerastl evaluate`) before you rely on it. The backbone's own biases carry over.", "",
              "## How to use", "", "```python", "import kerastl", "",
              f'model = kerastl.load("{facts["name"]}")',
              'print(model.predict(["Your text here."])[0])', "```", "", "```sh",
              f'kerastl predict {facts["name"]} "Your text here."',
              f"kerastl export {facts['name']} --output {facts['name']}-serving   # a string-in TensorFlow SavedModel",
              *([f"kerastl export {facts['name']} --format onnx --output {facts['name']}-onnx   # ONNX: serve "
                 f"with python {facts['name']}-onnx/kerastl_onnx.py TEXT (onnxruntime, numpy, tokenizers)"]
                if facts.get("task") in ("classification", "multilabel", "ner") else []),
              "```", ""]
    return "\n".join(parts)


def _training(train):
    if not train:
        return []
    rows = [("data", train.get("data")), ("examples", train.get("examples")), ("epochs", train.get("epochs")),
            ("batch size", train.get("batch_size")), ("peak learning rate", train.get("learning_rate"))]
    kept = train.get("kept_epoch") or {}
    if kept.get("epoch"):
        rows.append(("weights saved", f"epoch {kept['epoch']} ({kept.get('chosen_by', '')})"))
    return ["## Training", "", "| | |", "| --- | --- |", *[f"| {name} | {_cell(value)} |" for name, value in rows
                                                             if value is not None], ""]


def _scores(scored):
    if not scored:
        return []
    lines = ["## Evaluation", ""]
    for entry in scored:
        lines += [f"On `{entry['data']}` ({entry.get('examples', '?')} examples{entry.get('note', '')}):", "",
                  "| metric | value |", "| --- | --- |",
                  *[f"| {name} | {float(value):.4f} |" for name, value in entry["metrics"].items()], ""]
    return lines


def _calibration(calibration):
    if not calibration:
        return []
    shown = {key: value for key, value in calibration.items() if key not in ("reliability",)}
    return ["## Calibration", "", "What the task learned on the validation data after training:", "",
            "```json", json.dumps(shown, indent=1, ensure_ascii=False, default=str), "```", ""]


def _numbers(metrics):
    """The metrics among `metrics`: fractional numbers (scores); whole numbers are counts (examples,
    sentences, entities), facts of the data rather than metrics of the model."""
    return {name: value for name, value in metrics.items() if isinstance(value, float)}


def _cell(value):
    return str(value).replace("|", "\\|").replace("\n", " ")
