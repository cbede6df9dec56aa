"""Multi-label readers: 0/1 label columns (SemEval-2018 E-c), a label-list column, JSONL lists; bad input."""

import pytest

from kerastl.data import read_multi_label_jsonl, read_multi_label_table
from kerastl.errors import DataError

SEMEVAL = ("ID\tTweet\tanger\tjoy\tsadness\n"
           "2017-En-1\tso angry and sad\t1\t0\t1\n"
           "2017-En-2\twhat a day\t0\t0\t0\n"
           "2017-En-3\tgreat news\t0\t1\t0\n")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_semeval_layout_takes_every_0_1_column_after_the_text(tmp_path):
    records = read_multi_label_table(write(tmp_path, "train.txt", SEMEVAL), text_column="Tweet")
    assert [r["labels"] for r in records] == [["anger", "sadness"], [], ["joy"]]
    assert records[0]["text"] == "so angry and sad" and records[2]["where"].line == 4


def test_a_column_of_other_values_after_the_text_is_not_a_label(tmp_path):
    path = write(tmp_path, "t.tsv", "text\tanger\tjoy\tsource\nmad\t1\t0\tweb\nhappy\t0\t1\tnews\n")
    assert [r["labels"] for r in read_multi_label_table(path)] == [["anger"], ["joy"]]


def test_chosen_label_columns_and_their_order(tmp_path):
    path = write(tmp_path, "train.txt", SEMEVAL)
    records = read_multi_label_table(path, text_column=1, label_columns="sadness,anger")
    assert records[0]["labels"] == ["sadness", "anger"] and records[2]["labels"] == []
    assert read_multi_label_table(path, text_column="Tweet", label_columns=["joy"])[2]["labels"] == ["joy"]


def test_a_value_other_than_0_or_1_in_a_label_column_names_the_line(tmp_path):
    path = write(tmp_path, "bad.txt", SEMEVAL.replace("great news\t0\t1\t0", "great news\t0\t2\t0"))
    with pytest.raises(DataError, match=r"bad.txt:4: the label column 'joy' holds '2'.*Fix: write 0 or 1"):
        read_multi_label_table(path, text_column="Tweet")  # found by itself: mostly 0/1, so a typo
    with pytest.raises(DataError, match=r"bad.txt:4: the label column 'joy' holds '2'"):
        read_multi_label_table(path, text_column="Tweet", label_columns="anger,joy")


def test_a_missing_text_or_label_column_lists_the_header(tmp_path):
    path = write(tmp_path, "train.txt", SEMEVAL)
    with pytest.raises(DataError, match=r"train.txt:1: no text column 'text'; the header has 5 column\(s\): 'ID'.*"
                                        r"--text-column"):
        read_multi_label_table(path)
    with pytest.raises(DataError, match=r"no label column 'fear'.*--label-columns"):
        read_multi_label_table(path, text_column="Tweet", label_columns="anger,fear")


def test_known_labels_choose_the_columns_and_a_table_without_them_is_unlabeled(tmp_path):
    path = write(tmp_path, "dev.txt", SEMEVAL)
    assert read_multi_label_table(path, text_column="Tweet", known_labels=["joy"])[2]["labels"] == ["joy"]
    with pytest.raises(DataError, match=r"dev.txt:1: the table has no column for the label\(s\) fear"):
        read_multi_label_table(path, text_column="Tweet", known_labels=["anger", "fear"])
    texts = read_multi_label_table(write(tmp_path, "texts.tsv", "text\nso angry\n"), known_labels=["anger", "joy"])
    assert texts == [{"text": "so angry", "where": texts[0]["where"]}]


def test_a_label_list_column_with_its_separator(tmp_path):
    path = write(tmp_path, "t.csv", 'text,labels\n"mad, and sad",anger;sadness\nhappy,joy\n')
    records = read_multi_label_table(path, label_separator=";")
    assert [r["labels"] for r in records] == [["anger", "sadness"], ["joy"]]
    assert records[0]["text"] == "mad, and sad"
    comma = write(tmp_path, "c.tsv", "review\ttopics\nfilm\tmusic, plot ,music\n")
    assert read_multi_label_table(comma, text_column="review", label_list_column="topics")[0]["labels"] == [
        "music", "plot"]


def test_jsonl_label_lists_and_an_empty_list(tmp_path):
    path = write(tmp_path, "t.jsonl", '{"text": "mad", "labels": ["anger", 3]}\n\n{"text": "meh", "labels": []}\n'
                                      '{"text": "unlabeled"}\n')
    records = read_multi_label_jsonl(path)
    assert [r.get("labels") for r in records] == [["anger", "3"], [], None]
    assert records[1]["where"].line == 3


@pytest.mark.parametrize("labels", ['"anger"', '[["anger"]]', '[""]', "[true]"])
def test_jsonl_labels_that_are_not_a_list_of_names(tmp_path, labels):
    path = write(tmp_path, "t.jsonl", '{"text": "fine", "labels": []}\n{"text": "mad", "labels": %s}\n' % labels)
    with pytest.raises(DataError, match=r"t.jsonl:2: the 'labels' field must be a list of label names"):
        read_multi_label_jsonl(path)
