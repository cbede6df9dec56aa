"""A corpus of malformed input, run through the CLI (and the readers where the CLI has no path).

Each case either is handled correctly or fails with one clear line that names the file (and the
line where there is one): exit code not 0, no traceback, and no partial --output folder.
"""

import hashlib
import shutil
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


def write(folder, name, content):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# === The corpus ===
# Each case: (id, files to write {name: text or bytes}, CLI arguments with {tmp}, {model}, {backbone}
# filled in, what the message must contain (file and line), optional stdin). "model" is a saved
# tiny sentiment model (labels negative/positive); "out" is the --output folder that must not appear.

TRAIN = ["train", "sentiment", "--backbone", "{backbone}", "--epochs", "1", "--output", "{tmp}/out"]
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
    case("ner-empty-file", {"train.conll": "\n\n"},
         ["train", "ner", "--backbone", "{backbone}", "--output", "{tmp}/out", "--train", "{tmp}/train.conll"],
         ["train.conll", "no sentences"], marks=NEEDS_NER),
    case("ner-folder-instead-of-file", {"conll/a.txt": "x"},
         ["train", "ner", "--backbone", "{backbone}", "--output", "{tmp}/out", "--train", "{tmp}/conll"],
         ["conll", "is a folder"], marks=NEEDS_NER),
    case("parallel-files-of-different-lengths",
         {"train.de": "ein Hund\neine Katze\nein Haus\n", "train.en": "a dog\na cat\n"},
         TRANSLATE + ["--source", "{tmp}/train.de", "--target", "{tmp}/train.en"], ["train.de:3", "no partner"],
         marks=NEEDS_TRANSLATION),
    case("parallel-blank-line-in-one-file",
         {"train.de": "ein Hund\n\nein Haus\n", "train.en": "a dog\na cat\na house\n"},
         TRANSLATE + ["--source", "{tmp}/train.de", "--target", "{tmp}/train.en"], ["train.de:2", "blank"],
         marks=NEEDS_TRANSLATION),
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
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("files, arguments, expected, stdin", CASES)
def test_bad_input_fails_with_one_clear_line(files, arguments, expected, stdin, tmp_path, tiny_backbone, model):
    for name, content in files.items():
        write(tmp_path, name, content)
    values = {"tmp": tmp_path, "backbone": tiny_backbone, "model": model}
    result = CliRunner().invoke(cli, [_fill(a, **values) for a in arguments], input=stdin)
    message = result.output
    assert result.exit_code != 0, f"expected a failure, got:\n{message}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"an uncaught {type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in message
    for text in expected:
        assert text in message, f"{text!r} not in:\n{message}"
    assert not (tmp_path / "out").exists(), "a partial --output folder was left"


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
