"""Reading text pairs from tables and JSON Lines: the RTE and KorNLI layouts, and bad input."""

import json

import pytest

from kerastl.data import read_jsonl, read_table
from kerastl.errors import DataError


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rte_layout(tmp_path):
    path = _write(tmp_path / "rte.tsv", ["index\tsentence1\tsentence2\tlabel",
                                         "1\tA man sleeps.\tA person rests.\tentailment",
                                         "4\tThe cat sat.\tNo animal sat.\tnot_entailment"])
    records = read_table(path, text_column="sentence1", text_pair_column="sentence2", label_column="label")
    assert [(r["text"], r["text_pair"], r["label"]) for r in records] == [
        ("A man sleeps.", "A person rests.", "entailment"), ("The cat sat.", "No animal sat.", "not_entailment")]
    assert records[1]["where"].line == 3


def test_kornli_layout(tmp_path):
    path = _write(tmp_path / "xnli.dev.ko.tsv", ["sentence1\tsentence2\tgold_label",
                                                 "그리고 그가 말했다.\t그는 한마디도 하지 않았다.\tcontradiction"])
    records = read_table(path, text_column=0, text_pair_column=1, label_column="gold_label")
    assert (records[0]["text"], records[0]["text_pair"], records[0]["label"]) == (
        "그리고 그가 말했다.", "그는 한마디도 하지 않았다.", "contradiction")


def test_single_texts_have_no_text_pair(tmp_path):
    path = _write(tmp_path / "train.tsv", ["sentence\tlabel", "good film\tpositive"])
    assert "text_pair" not in read_table(path)[0]


def test_an_empty_second_text_names_file_line_and_fix(tmp_path):
    path = _write(tmp_path / "pairs.tsv", ["sentence1\tsentence2\tlabel", "a\tb\tyes", "c\t \tno"])
    with pytest.raises(DataError) as error:
        read_table(path, text_column="sentence1", text_pair_column="sentence2")
    assert f"{path}:3" in str(error.value) and "text_pair" in str(error.value) and "Fix:" in str(error.value)


def test_a_missing_pair_column_names_the_flag(tmp_path):
    path = _write(tmp_path / "pairs.tsv", ["sentence1\tsentence2\tlabel", "a\tb\tyes"])
    with pytest.raises(DataError) as error:
        read_table(path, text_column="sentence1", text_pair_column="hypothesis")
    message = str(error.value)
    assert f"{path}:1" in message and "'hypothesis'" in message and "--text-pair-column" in message


def test_jsonl_pairs(tmp_path):
    path = _write(tmp_path / "pairs.jsonl", [json.dumps({"premise": "a", "hypothesis": "b", "label": 1}),
                                             json.dumps({"premise": "c", "hypothesis": "", "label": 0})])
    with pytest.raises(DataError) as error:
        read_jsonl(path, text_field="premise", text_pair_field="hypothesis")
    assert f"{path}:2" in str(error.value) and "'hypothesis'" in str(error.value)
    first = read_jsonl(_write(tmp_path / "one.jsonl", [json.dumps({"premise": "a", "hypothesis": "b", "label": 1})]),
                       text_field="premise", text_pair_field="hypothesis")[0]
    assert (first["text"], first["text_pair"], first["label"]) == ("a", "b", "1")


def test_jsonl_without_the_pair_field_names_the_option(tmp_path):
    path = _write(tmp_path / "pairs.jsonl", [json.dumps({"text": "a", "label": 1})])
    with pytest.raises(DataError, match="text_pair_field"):
        read_jsonl(path, text_pair_field="text_pair")
