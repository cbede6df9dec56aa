"""`kerastl report`: one self-contained HTML page about a training run."""

import base64
import json
from pathlib import Path

from kerastl.atomic_files import atomic_file, check_output_file
from kerastl.errors import DataError, json_type_name
from kerastl.reporting.entity_marks import STYLE as ENTITY_STYLE
from kerastl.reporting.entity_marks import sentences_html
from kerastl.reporting.html_builder import Html, element, join, void_element
from kerastl.reporting.report_item import ReportItem

REPORT_FILE = "report.html"
METRICS_FILE = "metrics.json"  # as `kerastl.training_run` writes it
#: The tag every page carries: `kerastl report` replaces only files that hold it.
GENERATOR = Html('<meta name="generator" content="kerastl report">')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NOT_FROM_KERASTL = "pass the --output folder of a `kerastl train` run, or train the model again"

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.where { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.95em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { background: #eef7ee; font-weight: 600; }
img { max-width: 100%; border: 1px solid #eee; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.9em; }
.caption, .missing { color: #666; font-size: 0.9em; }
"""


def render_html_report(folder):
    """Return the HTML page describing the run saved in `folder`.

    Args:
        folder: an output folder of `kerastl train` (with `metrics.json`).

    Returns:
        The page as a string; images are inlined as base64 PNG, so it stands alone.

    Raises:
        DataError: when `folder` holds no readable `metrics.json`, or it is not one
            `kerastl train` wrote (wrong types, an image outside the run folder).
    """
    folder = Path(folder)
    metrics_path = folder / METRICS_FILE
    summary = _read_summary(folder, metrics_path)
    try:
        return _render(folder, summary)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise DataError(f"{metrics_path} is not a metrics file `kerastl train` wrote "
                        f"({type(error).__name__}: {error})", fix=NOT_FROM_KERASTL) from None


def _read_summary(folder, metrics_path):
    if not metrics_path.is_file() or metrics_path.is_symlink():
        raise DataError(f"{folder} holds no {METRICS_FILE}",
                        fix="pass the --output folder of a finished `kerastl train` run")
    try:
        summary = json.loads(metrics_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise DataError(f"{metrics_path} is not valid JSON ({type(error).__name__}: {error})",
                        fix="train the model again") from None
    if not isinstance(summary, dict):
        raise DataError(f"{metrics_path} holds a JSON {json_type_name(summary)}, not the object `kerastl train` "
                        "writes", fix=NOT_FROM_KERASTL)
    return summary


def _render(folder, summary):
    from kerastl.atomic_files import CONFIG_FILE

    task = summary.get("task", "?")
    metric = summary.get("main_metric")
    head = element("head", void_element("meta", charset="utf-8"), GENERATOR,
                   element("title", f"kerastl run: {task} — {folder.name}"),
                   element("style", Html(STYLE + ENTITY_STYLE)))
    body = [element("h1", f"kerastl run: {task}"), element("p", folder.resolve(), class_="where"),
            element("h2", "Summary"), _table(["", ""], _summary_rows(summary), header=False),
            element("h2", "Training"), _image(folder, "training.png", "Loss and metric per epoch")]
    sample = summary.get("train_sample_examples")
    if metric and sample:
        body.append(element("p", f"The training curve of {metric} scores a fixed sample of {sample} training "
                                 "examples after each epoch, the same way as the validation data.", class_="caption"))
    per_epoch = summary.get("per_epoch") or []
    if per_epoch:
        columns, rows, best_row = _epoch_rows(per_epoch, metric, summary.get("kept_epoch") or summary.get("best_epoch"))
        body.append(_table(columns, rows, highlight=best_row))
    if summary.get("validation"):
        headline = {k: v for k, v in summary["validation"].items() if not isinstance(v, (dict, list))}
        body.append(element("h2", "Validation metrics (after the last epoch)"))
        body.append(_table(["metric", "value"], [[k, v] for k, v in headline.items()]))
    for item in summary.get("report_items") or []:
        item = ReportItem.from_dict(item)
        body.append(element("h2", item.title))
        if item.image is not None:
            body.append(_image(folder, item.image, item.title))
        elif item.spans is not None:
            body.append(sentences_html(item.spans))
        else:
            body.append(_table(item.table["columns"], item.table["rows"]))
        if item.caption:
            body.append(element("p", item.caption, class_="caption"))
    config_path = folder / CONFIG_FILE
    if config_path.is_file() and _inside(folder, config_path):
        body.append(element("h2", f"Configuration ({CONFIG_FILE})"))
        body.append(element("pre", config_path.read_text(encoding="utf-8")))
    page = element("html", head, element("body", join(body, "\n")), lang="en")
    return f"<!DOCTYPE html>\n{page}\n"


def write_html_report(folder, output=None):
    """Write the run's HTML page (atomically) and return its path.

    Args:
        folder: an output folder of `kerastl train`.
        output: the HTML file to write; default `folder/report.html`.

    Returns:
        The `Path` of the written page.

    Raises:
        DataError: as `render_html_report`.
        OutputError: `output` is a file `kerastl report` did not write (it is never replaced).

    Example:

    >>> from kerastl.reporting import write_html_report
    >>> write_html_report("runs/sst2")  # doctest: +SKIP
    PosixPath('runs/sst2/report.html')
    """
    output = Path(output) if output is not None else Path(folder) / REPORT_FILE
    check_output_file(output, GENERATOR)
    page = render_html_report(folder)
    with atomic_file(output) as file:
        file.write(page)
    return output


def _summary_rows(summary):
    rows = [["task", summary.get("task")], ["training examples", summary.get("train_examples")]]
    if "validation_examples" in summary:
        rows.append(["validation examples", summary["validation_examples"]])
    rows += [["epochs", summary.get("epochs")], ["training time", _duration(summary.get("train_seconds"))]]
    best = summary.get("best_epoch")
    if best:
        rows.append(["best epoch", f"{best['epoch']} ({best.get('on', 'validation')} {best['metric']} "
                                   f"{_number(best['value'])})"])
    kept = summary.get("kept_epoch")
    if isinstance(kept, dict) and "epoch" in kept:
        rows.append(["saved epoch", f"{kept['epoch']} ({kept.get('chosen_by', '?')})"])
    return rows


def _epoch_rows(per_epoch, metric, best):
    """The per-epoch table's columns and rows, and the row of the epoch `best` names (the saved one)."""
    fit_names = sorted({name for e in per_epoch for name in e.get("fit_metrics", {})})
    columns = ["epoch", "loss", "validation loss"]
    columns += [_keras_metric_title(name) for name in fit_names]
    if metric:
        columns += [f"{metric} (training sample)", f"{metric} (validation)"]
    rows, best_row = [], None
    for index, entry in enumerate(per_epoch):
        row = [entry["epoch"], entry.get("loss"), entry.get("val_loss")]
        row += [entry.get("fit_metrics", {}).get(name) for name in fit_names]
        if metric:
            row += [entry.get("train", {}).get(metric), entry.get("validation", {}).get(metric)]
        rows.append(row)
        if best and entry["epoch"] == best.get("epoch"):
            best_row = index
    return columns, rows, best_row


def _keras_metric_title(name):
    return f"{name[4:]} (Keras, validation)" if name.startswith("val_") else f"{name} (Keras, training)"


def _table(columns, rows, header=True, highlight=None):
    lines = [element("tr", *(element("th", column) for column in columns))] if header else []
    for index, row in enumerate(rows):
        cells = (_cell(value, first=(i == 0 and not header)) for i, value in enumerate(row))
        lines.append(element("tr", *cells, class_="best" if index == highlight else None))
    return element("table", join(lines, "\n"))


def _cell(value, first=False):
    if first:
        return element("th", value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return element("td", _number(value), class_="number")
    return element("td", value)


def _image(folder, name, alt):
    """The PNG `name` of the run folder inlined; a name leading out of the folder is an error."""
    path = _run_file(folder, name)
    if not path.is_file():
        return element("p", f"({name} is missing from the run folder)", class_="missing")
    content = path.read_bytes()
    if not content.startswith(PNG_SIGNATURE):
        raise DataError(f"{folder / METRICS_FILE} names the report image {name!r}, which is not a PNG file",
                        fix=NOT_FROM_KERASTL)
    data = base64.b64encode(content).decode("ascii")
    return element("p", void_element("img", alt=alt, src=f"data:image/png;base64,{data}"))


def _run_file(folder, name):
    """`folder / name` for a plain relative name that stays inside the run folder (links included)."""
    relative = Path(name) if isinstance(name, str) else None
    if relative is None or not name or relative.is_absolute() or ".." in relative.parts \
            or not _inside(folder, folder / relative):
        raise DataError(f"{folder / METRICS_FILE} names the report image {name!r}, which is outside the run folder; "
                        "a report inlines only the images its run wrote", fix=NOT_FROM_KERASTL)
    return folder / relative


def _inside(folder, path):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def _number(value):
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _duration(seconds):
    if seconds is None:
        return "?"
    minutes, seconds = divmod(float(seconds), 60)
    return f"{int(minutes)} min {seconds:.0f} s" if minutes else f"{seconds:.1f} s"
