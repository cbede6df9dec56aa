"""A corpus of malformed input, run through the CLI (and the readers where the CLI has no path).

Each case either is handled correctly or fails with one clear line that names the file (and the
line where there is one): exit code not 0, no traceback, no partial --output folder, and not
one byte of the user's files (nor of the saved model) changed.
"""

import hashlib
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.data import read_conll, read_jsonl, read_table
from kerastl.tasks import available_tasks

HAS_NER = "ner" in available_tasks()
HAS_TRANSLATION = "translation" in available_tasks()
TRAIN_ROWS = "sentence\tlabel\na great film\tpositive\na dull film\tnegative\n"
CONLL = "EU B-ORG\nrejects O\n\nPeter B-PER\nBlackburn I-PER\n"


#: File contents with a meaning: a named pipe, or a copy of the saved tiny model (a folder).
FIFO = "<a named pipe>"
MODEL_COPY = "<a copy of the saved model>"
CASE_TIMEOUT_SECONDS = 120


def write(folder, name, content):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _make(folder, name, content, model):
    """Write one file of a case: text or bytes, a FIFO, a model copy, or an edit of a file."""
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if content == FIFO:
        os.mkfifo(path)
    elif content == MODEL_COPY:
        shutil.copytree(model, path)
    elif callable(content):
        path.write_text(content(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        write(folder, name, content)


def _edit_json(edit):
    """A file content that edits the JSON already there (in a model copy)."""
    def apply(text):
        content = json.loads(text)
        edit(content)
        return json.dumps(content)
    return apply


# === The corpus ===
# Each case: (id, files to write {name: text or bytes}, CLI arguments with {tmp}, {model}, {backbone}
# filled in, what the message must contain (file and line), optional stdin). "model" is a saved
# tiny sentiment model (labels negative/positive); "out" is the --output folder that must not appear.

TRAIN = ["train", "sentiment", "--backbone", "{backbone}", "--epochs", "1", "--output", "{tmp}/out"]
TRAIN_INTO = ["train", "sentiment", "--backbone", "{backbone}", "--epochs", "1", "--train", "{tmp}/train.tsv",
              "--output"]
USERS_FILES = {"train.tsv": "sentence\tlabel\na great film\tpositive\na dull film\tnegative\n",
               "mine/thesis.tex": "years of work", "mine/figures/plot.png": b"\x89PNG not really"}
RUN = {"run/metrics.json": json.dumps({"task": "sentiment", "per_epoch": []}), "run/training.png": b"\x89PNG\r\n\x1a\n"}
DEEP = "[" * 100_000 + "]" * 100_000
TRANSLATE = ["train", "translation", "--backbone", "{backbone}", "--epochs", "1", "--output", "{tmp}/out"]

NEEDS_NER = pytest.mark.skipif(not HAS_NER, reason="the ner task is not registered")
NEEDS_TRANSLATION = pytest.mark.skipif(not HAS_TRANSLATION, reason="the translation task is not registered")


def case(case_id, files, arguments, expected, stdin=None, marks=()):
    return pytest.param(files, arguments, expected, stdin, id=case_id, marks=marks)


CASES = [
    case("empty-file", {"train.tsv": ""}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv", "the file is empty"]),
    case("blank-lines-only", {"train.tsv": "\n\n  \n"}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv", "empty"]),
    case("header-without-rows", {"train.tsv": "sentence\tlabel\n"}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv", "no data rows"]),
    case("wrong-delimiter", {"train.tsv": "sentence,label\na great film,positive\n"},
         TRAIN + ["--train", "{tmp}/train.tsv"], ["train.tsv:1", "delimiter"]),
    case("missing-column", {"train.tsv": "text\tlabel\na great film\tpositive\n"},
         TRAIN + ["--train", "{tmp}/train.tsv"], ["train.tsv:1", "no text column 'sentence'"]),
    case("row-missing-label", {"train.tsv": TRAIN_ROWS + "a fine film\n"}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv:4", "field"]),
    case("empty-label-cell", {"train.tsv": TRAIN_ROWS + "a fine film\t \n"}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv:4", "label cell"]),
    case("empty-text-cell", {"train.tsv": TRAIN_ROWS + "\tpositive\n"}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv:4", "text cell"]),
    case("latin-1-bytes", {"train.tsv": TRAIN_ROWS.encode() + "un film génial\tpositive\n".encode("latin-1")},
         TRAIN + ["--train", "{tmp}/train.tsv"], ["train.tsv:4", "not valid UTF-8"]),
    case("utf-16-file", {"train.tsv": TRAIN_ROWS.encode("utf-16")}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv:1", "UTF-16"]),
    case("binary-file", {"train.tsv": bytes(range(256)) * 4}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv:1", "binary file"]),
    case("unclosed-quote-csv", {"train.csv": 'sentence,label\n"a great film,positive\n'},
         TRAIN + ["--train", "{tmp}/train.csv"], ["train.csv", "quot"]),
    case("one-label-only", {"train.tsv": "sentence\tlabel\na great film\tpositive\na fine film\tpositive\n"},
         TRAIN + ["--train", "{tmp}/train.tsv"], ["train.tsv", "at least two labels"]),
    case("missing-train-file", {}, TRAIN + ["--train", "{tmp}/nowhere.tsv"], ["nowhere.tsv", "not found"]),
    case("folder-instead-of-file", {"data/readme.md": "x"}, TRAIN + ["--train", "{tmp}/data"], ["data"]),
    case("jsonl-not-json", {"train.jsonl": '{"text": "a great film", "label": "positive"}\n{"text": "oops"\n'},
         TRAIN + ["--train", "{tmp}/train.jsonl"], ["train.jsonl:2", "not valid JSON"]),
    case("jsonl-missing-field", {"train.jsonl": '{"text": "a great film", "label": "positive"}\n{"text": "x"}\n'},
         TRAIN + ["--train", "{tmp}/train.jsonl"], ["train.jsonl:2", "'label'"]),
    case("unknown-label-in-validation", {"train.tsv": TRAIN_ROWS, "dev.tsv": TRAIN_ROWS + "a film\tneutral\n"},
         TRAIN + ["--train", "{tmp}/train.tsv", "--validation", "{tmp}/dev.tsv"],
         ["dev.tsv:4", "unknown label 'neutral'"]),
    case("unknown-label-at-evaluation", {"dev.tsv": TRAIN_ROWS + "a film\tneutral\n"},
         ["evaluate", "{model}", "--data", "{tmp}/dev.tsv"], ["dev.tsv:4", "unknown label 'neutral'"]),
    case("unlabeled-data-at-evaluation", {"dev.tsv": "sentence\na great film\n"},
         ["evaluate", "{model}", "--data", "{tmp}/dev.tsv"], ["dev.tsv:1", "no label column"]),
    case("missing-model-folder", {}, ["predict", "{tmp}/no-model", "a film"], ["no-model", "No model folder"]),
    case("model-path-is-a-file", {"model.txt": "x"}, ["predict", "{tmp}/model.txt", "a film"],
         ["model.txt", "not a model folder"]),
    case("folder-that-is-not-a-model", {"notamodel/x.txt": "x"}, ["evaluate", "{tmp}/notamodel", "--data", "x.tsv"],
         ["notamodel", "kerastl.json"]),
    case("export-missing-model", {}, ["export", "{tmp}/no-model", "--output", "{tmp}/out"],
         ["no-model", "No model folder"]),
    case("predict-no-text", {}, ["predict", "{model}"], ["no text to predict"], ""),
    case("ner-line-without-tag", {"train.conll": CONLL + "\nMerkel B-PER\nspoke\n"},
         ["train", "ner", "--backbone", "{backbone}", "--epochs", "1", "--output", "{tmp}/out",
         "--train", "{tmp}/train.conll"], ["train.conll:8", "too few columns"],
         marks=NEEDS_NER),
    case("ner-validation-tag-the-model-lacks", {"train.conll": CONLL, "dev.conll": "Paris B-LOC\n"},
         ["train", "ner", "--backbone", "{backbone}", "--epochs", "1", "--output", "{tmp}/out",
          "--train", "{tmp}/train.conll", "--validation", "{tmp}/dev.conll"],
         ["dev.conll:1", "unknown label 'B-LOC'"], marks=NEEDS_NER),
    case("ner-empty-file", {"train.conll": "\n\n"},
         ["train", "ner", "--backbone", "{backbone}", "--output", "{tmp}/out", "--train", "{tmp}/train.conll"],
         ["train.conll", "no sentences"], marks=NEEDS_NER),
    case("ner-folder-instead-of-file", {"conll/a.txt": "x"},
         ["train", "ner", "--backbone", "{backbone}", "--output", "{tmp}/out", "--train", "{tmp}/conll"],
         ["conll", "is a folder"], marks=NEEDS_NER),
    case("parallel-files-of-different-lengths",
         {"train.de": "ein Hund\neine Katze\nein Haus\n", "train.en": "a dog\na cat\n"},
         TRANSLATE + ["--train", "{tmp}/train", "--source", "de", "--target", "en"], ["train.de:3", "no partner"],
         marks=NEEDS_TRANSLATION),
    case("parallel-blank-line-in-one-file",
         {"train.de": "ein Hund\n\nein Haus\n", "train.en": "a dog\na cat\na house\n"},
         TRANSLATE + ["--train", "{tmp}/train", "--source", "de", "--target", "en"], ["train.de:2", "blank"],
         marks=NEEDS_TRANSLATION),
    # --- Outputs that are not kerastl's to replace (nothing of the user's may change) ---
    case("train-output-is-users-folder", USERS_FILES, TRAIN_INTO + ["{tmp}/mine"],
         ["--output", "mine is a folder of other files", "Fix: choose a new or empty folder"]),
    case("train-output-is-users-folder-with-overwrite", USERS_FILES, TRAIN_INTO + ["{tmp}/mine", "--overwrite"],
         ["mine is a folder of other files", "even with --overwrite"]),
    case("train-output-is-a-trained-model", {"train.tsv": TRAIN_ROWS, "m": MODEL_COPY}, TRAIN_INTO + ["{tmp}/m"],
         ["--output", "already holds a kerastl model", "Fix: pass --overwrite"]),
    case("export-output-is-users-folder", USERS_FILES, ["export", "{model}", "--output", "{tmp}/mine", "--overwrite"],
         ["mine is a folder of other files"]),
    case("export-output-is-a-model-folder", {"m": MODEL_COPY}, ["export", "{model}", "--output", "{tmp}/m", "--overwrite"],
         ["m is a folder of other files, not a kerastl export (SavedModel) folder"]),
    case("pretrain-output-is-users-folder", USERS_FILES,
         ["pretrain", "--corpus", "{tmp}/train.tsv", "--size", "tiny", "--output", "{tmp}/mine"],
         ["mine is a folder of other files"]),
    case("curve-output-is-users-folder", USERS_FILES,
         ["curve", "sentiment", "--train", "{tmp}/train.tsv", "--validation", "{tmp}/train.tsv", "--sizes", "2",
          "--backbone", "{backbone}", "--output", "{tmp}/mine"], ["mine is a folder of other files"]),
    case("report-output-is-users-file", {**RUN, "index.html": "<html>my page</html>"},
         ["report", "{tmp}/run", "--output", "{tmp}/index.html"], ["index.html is a file kerastl did not write"]),
    case("output-in-use-by-a-live-run", {"train.tsv": TRAIN_ROWS, ".out.lock": f"{os.uname().nodename} 1"},
         TRAIN + ["--train", "{tmp}/train.tsv"], ["is in use by another kerastl run (process 1", "Fix: wait"]),
    # --- Inputs that would hang or never end ---
    case("train-file-is-a-fifo", {"train.tsv": FIFO}, TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv: is a named pipe (FIFO), not a regular file", "Fix: save the data to a regular file"]),
    case("train-file-is-dev-zero", {}, TRAIN + ["--train", "/dev/zero"], ["/dev/zero: is a character device"]),
    case("evaluate-data-is-a-fifo", {"dev.tsv": FIFO}, ["evaluate", "{model}", "--data", "{tmp}/dev.tsv"],
         ["dev.tsv: is a named pipe (FIFO)"]),
    case("pretrain-corpus-is-a-fifo", {"corpus.txt": FIFO},
         ["pretrain", "--corpus", "{tmp}/corpus.txt", "--size", "tiny", "--output", "{tmp}/out"],
         ["corpus.txt: is a named pipe (FIFO)"]),
    # --- Data that would be misread without a word ---
    case("tab-inside-a-tsv-text", {"train.tsv": TRAIN_ROWS + "a\ttabbed film\tnegative\n"},
         TRAIN + ["--train", "{tmp}/train.tsv"],
         ["train.tsv:4: the row has 3 field(s) when split on tab, but the header (line 1) has 2",
          "Fix: remove the tab characters inside the text", "--text-column"]),
    case("unquoted-comma-in-a-csv-text", {"train.csv": "sentence,label\ngood,positive\ngood, but long,negative\n"},
         TRAIN + ["--train", "{tmp}/train.csv"], ["train.csv:3: the row has 3 field(s)", "quote the field"]),
    case("row-missing-a-middle-field",
         {"train.tsv": "id\tsentence\tlabel\tnote\n1\tgood\tpositive\tx\nbad\tnegative\ty\n"},
         TRAIN + ["--train", "{tmp}/train.tsv", "--text-column", "sentence"],
         ["train.tsv:3: the row has 3 field(s)", "header (line 1) has 4"]),
    case("labels-1-and-1.0-are-one-class", {"train.tsv": "sentence\tlabel\ngood\t1\nfine\t1.0\nok\t+1\n"},
         TRAIN + ["--train", "{tmp}/train.tsv"], ["train.tsv", "at least two labels; got [1]"]),
    case("cr-only-table-with-a-bad-row", {"train.tsv": TRAIN_ROWS.replace("\n", "\r") + "a fine film\r"},
         TRAIN + ["--train", "{tmp}/train.tsv"], ["train.tsv:4", "the row has 1 field"]),
    case("cr-only-conll-line-without-tag", {"train.conll": CONLL.replace("\n", "\r") + "\rMerkel B-PER\rspoke\r"},
         ["train", "ner", "--backbone", "{backbone}", "--epochs", "1", "--output", "{tmp}/out",
          "--train", "{tmp}/train.conll"], ["train.conll:8", "too few columns"], marks=NEEDS_NER),
    case("jsonl-nested-100000-deep", {"train.jsonl": '{"text": "a film", "label": "positive"}\n' + DEEP + "\n"},
         TRAIN + ["--train", "{tmp}/train.jsonl"], ["train.jsonl:2: the JSON is nested too deeply"]),
    # --- Options the backbone cannot take ---
    case("max-length-above-the-backbone", {"train.tsv": TRAIN_ROWS},
         TRAIN + ["--train", "{tmp}/train.tsv", "--max-length", "4096"],
         ["--max-length 4096 is above the 128 positions the backbone", "Fix: pass --max-length 128 or less"]),
    # --- Text that is not Unicode ---
    case("predict-invalid-utf8-on-stdin", {}, ["predict", "{model}"], ["<standard input>:2", "not valid UTF-8"],
         b"a great film\nun film g\xe9nial\n"),
    case("predict-unpaired-surrogate-argument", {}, ["predict", "{model}", "fine", "bad \ud800 film"],
         ["text argument 2 is not valid UTF-8", "'\\ud800'"]),
    case("predict-undecodable-byte-argument", {}, ["predict", "{model}", "caf\udce9"],
         ["text argument 1 is not valid UTF-8"]),
    # --- Model folders edited or of the wrong type ---
    case("model-json-is-an-array", {"m": MODEL_COPY, "m/model.json": "[]"}, ["predict", "{tmp}/m", "a film"],
         ["model.json holds a JSON array, not an object"]),
    case("kerastl-json-is-a-string", {"m": MODEL_COPY, "m/kerastl.json": '"sentiment"'},
         ["predict", "{tmp}/m", "a film"], ["kerastl.json holds a JSON string, not an object"]),
    case("tokenizer-json-is-null", {"m": MODEL_COPY, "m/tokenizer/tokenizer.json": "null"},
         ["predict", "{tmp}/m", "a film"], ["tokenizer.json holds a JSON null, not a tokenizer config"]),
    case("tokenizer-names-an-absolute-vocabulary",
         {"m": MODEL_COPY, "m/tokenizer/tokenizer.json": _edit_json(lambda c: c["config"].update(vocabulary="/etc/passwd"))},
         ["predict", "{tmp}/m", "a film"], ["tokenizer.json names a vocabulary file ('/etc/passwd')"]),
    case("task-name-edited-in-kerastl-json", {"m": MODEL_COPY, "m/kerastl.json": _edit_json(lambda c: c.update(task="ner"))},
         ["predict", "{tmp}/m", "a film"], ["kerastl.json names the task 'ner'", "saved by", "ClassificationTask"],
         marks=NEEDS_NER),
    # --- Run folders for `kerastl report` ---
    case("report-image-outside-the-run", {**RUN, "run/metrics.json": json.dumps(
         {"task": "sentiment", "report_items": [{"title": "x", "image": "../../etc/passwd"}]})},
         ["report", "{tmp}/run"], ["metrics.json names the report image '../../etc/passwd'", "outside the run folder"]),
    case("report-metrics-is-an-array", {**RUN, "run/metrics.json": "[1, 2]"}, ["report", "{tmp}/run"],
         ["metrics.json holds a JSON array"]),
    case("report-metrics-of-wrong-types", {**RUN, "run/metrics.json": json.dumps(
         {"task": "sentiment", "per_epoch": [{"loss": 1.0}], "best_epoch": 3, "main_metric": "accuracy"})},
         ["report", "{tmp}/run"], ["metrics.json is not a metrics file `kerastl train` wrote"]),
    case("report-metrics-not-json", {**RUN, "run/metrics.json": '{"task": '}, ["report", "{tmp}/run"],
         ["metrics.json is not valid JSON"]),
]


@pytest.fixture(scope="module")
def model(tiny_backbone, tmp_path_factory):
    """A saved tiny sentiment model (built, not trained: only its input handling is tested)."""
    from kerastl.tasks import SentimentTask

    folder = tmp_path_factory.mktemp("bad-input") / "model"
    task = SentimentTask(str(tiny_backbone), max_length=32)
    task.prepare(task.read([("a great film", "positive"), ("a dull film", "negative")]))
    task.save(folder)
    return folder


def _fill(argument, **values):
    return argument.format(**{key: str(value) for key, value in values.items()})


def _tree_digest(folder):
    """A hash of every name and byte under `folder` (pipes are named, not read)."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _invoke_with_timeout(arguments, stdin):
    """Run the CLI in a thread; a case that blocks (e.g. on a FIFO) fails instead of hanging."""
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(result=CliRunner().invoke(cli, arguments, input=stdin)),
                              daemon=True)
    thread.start()
    thread.join(CASE_TIMEOUT_SECONDS)
    assert not thread.is_alive(), f"kerastl {' '.join(arguments)} blocked for {CASE_TIMEOUT_SECONDS} s"
    return outcome["result"]


@pytest.mark.parametrize("files, arguments, expected, stdin", CASES)
def test_bad_input_fails_with_one_clear_line(files, arguments, expected, stdin, tmp_path, tiny_backbone, model):
    check_case(files, arguments, expected, stdin, tmp_path, tiny_backbone, model)


def check_case(files, arguments, expected, stdin, tmp_path, backbone, model):
    """Run one case of the corpus in `tmp_path` and assert that it fails with one clear line and
    changes nothing (`tests/backends/test_bad_input_backends.py` runs the corpus on JAX and PyTorch)."""
    for name, content in files.items():
        _make(tmp_path, name, content, model)
    before = (_tree_digest(tmp_path), _tree_digest(model))
    values = {"tmp": tmp_path, "backbone": backbone, "model": model}
    result = _invoke_with_timeout([_fill(a, **values) for a in arguments], stdin)
    message = result.output
    assert result.exit_code != 0, f"expected a failure, got:\n{message}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"an uncaught {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in message
    assert len(message.strip().splitlines()) == 1, f"more than one line:\n{message}"
    for text in expected:
        assert text in message, f"{text!r} not in:\n{message}"
    assert not (tmp_path / "out").exists(), "a partial --output folder was left"
    assert (_tree_digest(tmp_path), _tree_digest(model)) == before, "a file of the user's (or the model) changed"


# === Input that is handled, not refused ===

BOM_ROWS = "\ufeff" + TRAIN_ROWS


@pytest.mark.parametrize("name, content", [
    ("bom.tsv", BOM_ROWS.encode("utf-8")),
    ("crlf.tsv", TRAIN_ROWS.replace("\n", "\r\n").encode("utf-8")),
    ("bom.jsonl", ('\ufeff{"sentence": "a great film", "label": "positive"}\n'
                   '{"sentence": "a dull film", "label": "negative"}\n').encode("utf-8")),
], ids=["byte-order-mark", "crlf-line-ends", "byte-order-mark-jsonl"])
def test_bom_and_crlf_are_read_as_plain_utf8(name, content, tmp_path, model):
    path = write(tmp_path, name, content)
    result = CliRunner().invoke(cli, ["evaluate", str(model), "--data", str(path), "--text-column", "sentence"])
    assert result.exit_code == 0, result.output
    assert '"examples": 2' in result.output


def test_empty_long_emoji_and_cjk_texts_are_predicted(model):
    texts = ["", "   ", "what a film 😀🎬👍", "这部电影很好看", "이 영화 정말 좋아요", "word " * 10_000]
    result = CliRunner().invoke(cli, ["predict", str(model), "--json", *texts])
    assert result.exit_code == 0 and result.exception is None, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(texts)


def test_failed_training_leaves_an_existing_output_folder_unchanged(model, tiny_backbone, tmp_path):
    output = tmp_path / "existing"
    shutil.copytree(model, output)
    before = _tree_digest(output)
    bad = write(tmp_path, "train.tsv", TRAIN_ROWS + "a film\n")
    result = CliRunner().invoke(cli, ["train", "sentiment", "--backbone", str(tiny_backbone), "--train", str(bad),
                                      "--output", str(output), "--overwrite"])
    assert result.exit_code != 0 and f"{bad}:4" in result.output
    assert _tree_digest(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".existing")] == []


def test_readers_name_file_and_line(tmp_path):
    from kerastl.errors import DataError

    conll = write(tmp_path, "a.conll", "EU B-ORG\nrejects\n")
    with pytest.raises(DataError, match=r"a.conll:2: too few columns"):
        read_conll(conll)
    table = write(tmp_path, "a.tsv", "sentence\tlabel\ngood\tpositive\nbad\n")
    with pytest.raises(DataError, match=r"a.tsv:3: the row has 1 field"):
        read_table(table)
    jsonl = write(tmp_path, "a.jsonl", '{"text": "good", "label": 1}\n[1, 2]\n')
    with pytest.raises(DataError, match=r"a.jsonl:2: expected a JSON object"):
        read_jsonl(jsonl)


def test_integer_looking_labels_are_one_class():
    from kerastl.tasks.labels import LabelSet

    records = [{"label": label} for label in ("1", "1.0", "+1", "01", 1, 1.0, "0", "-0", "00")]
    label_set = LabelSet.from_records(records)
    assert label_set.names == [0, 1]
    assert {label_set.id_of(r["label"]) for r in records[:6]} == {1}


def test_errors_in_examples_passed_in_name_the_example(tiny_backbone):
    from kerastl.errors import DataError
    from kerastl.tasks import NerTask, SentimentTask

    ner = NerTask(str(tiny_backbone), max_length=16)
    with pytest.raises(DataError, match=r"^example 2: the tag 'Q-PER' is not a IOB1 tag"):
        ner.fit([(["EU", "rejects"], ["B-ORG", "O"]), (["Peter"], ["Q-PER"])], epochs=1, verbose=0)
    sentiment = SentimentTask(str(tiny_backbone), max_length=16)
    sentiment.fit([("a great film", "positive"), ("a dull film", "negative")], epochs=1, verbose=0)
    with pytest.raises(DataError, match=r"^example 3: unknown label 'meh'"):
        sentiment.evaluate([("good", "positive"), ("bad", "negative"), ("so so", "meh")])
