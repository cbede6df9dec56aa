import pytest

from kerastl.data.table_reader import read_columns, read_table
from kerastl.errors import DataError, Location


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_tsv_with_quotes_is_read_verbatim(tmp_path):
    path = write(tmp_path, "train.tsv", 'sentence\tlabel\nit \'s a "charming" film \t1\nbad\t0\n')
    records = read_table(path)
    assert records == [
        {"text": 'it \'s a "charming" film', "label": "1", "where": Location(str(path), 2)},
        {"text": "bad", "label": "0", "where": Location(str(path), 3)},
    ]


def test_bom_before_header_is_ignored(tmp_path):
    path = write(tmp_path, "train.tsv", b"\xef\xbb\xbfsentence\tlabel\ngood\t1\n")
    assert read_table(path)[0]["text"] == "good"


def test_csv_quoted_fields_with_commas_and_newlines_keep_start_line(tmp_path):
    path = write(tmp_path, "data.csv", 'label,sentence\npos,"fine, really\nfine"\n\nneg,"said ""no"""\n')
    records = read_table(path)
    assert [(r["text"], r["label"], r["where"].line) for r in records] == [
        ("fine, really\nfine", "pos", 2),
        ('said "no"', "neg", 5),
    ]


def test_columns_by_index_and_without_header(tmp_path):
    path = write(tmp_path, "nsmc.txt", "1\thello\t0\n2\tbye\t1\n")
    records = read_table(path, text_column=1, label_column=2, has_header=False)
    assert [(r["text"], r["label"], r["where"].line) for r in records] == [("hello", "0", 1), ("bye", "1", 2)]
    with pytest.raises(DataError, match="needs a header row") as caught:
        read_table(path, has_header=False)
    assert "--text-column" in str(caught.value)


def test_unlabeled_text_has_no_label_key(tmp_path):
    path = write(tmp_path, "test.tsv", "sentence\nonly text\n")
    assert read_table(path, label_column=None) == [{"text": "only text", "where": Location(str(path), 2)}]


def test_missing_column_lists_existing_columns_and_options(tmp_path):
    path = write(tmp_path, "train.tsv", "id\tdocument\tlabel\n1\tx\t0\n")
    with pytest.raises(DataError) as caught:
        read_table(path)
    message = str(caught.value)
    assert f"{path}:1" in message
    assert "'id', 'document', 'label'" in message
    assert "text_column" in message and "--text-column" in message
    with pytest.raises(DataError, match="--label-column"):
        read_table(path, text_column="document", label_column="polarity")


def test_wrong_delimiter_is_named(tmp_path):
    path = write(tmp_path, "train.tsv", "sentence\tlabel\ngood\t1\nbad,0\n")
    with pytest.raises(DataError) as caught:
        read_table(path)
    message = str(caught.value)
    assert caught.value.where == Location(str(path), 3)
    assert "1 field(s) when split on tab" in message
    assert "comma" in message and "delimiter is likely wrong" in message


def test_comma_separated_file_named_tsv_hints_at_delimiter_in_header(tmp_path):
    path = write(tmp_path, "train.tsv", "sentence,label\ngood,1\n")
    with pytest.raises(DataError, match="is the delimiter wrong"):
        read_table(path)
    assert read_table(path, delimiter=",")[0] == {"text": "good", "label": "1", "where": Location(str(path), 2)}


def test_unknown_extension_is_sniffed(tmp_path):
    path = write(tmp_path, "data.dat", "sentence;label\ngood one;1\nbad one;0\n")
    assert [r["label"] for r in read_table(path)] == ["1", "0"]


def test_empty_text_cell(tmp_path):
    path = write(tmp_path, "train.tsv", "sentence\tlabel\ngood\t1\n  \t0\n")
    with pytest.raises(DataError, match="text cell") as caught:
        read_table(path)
    assert caught.value.where == Location(str(path), 3)


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(DataError, match="empty"):
        read_table(write(tmp_path, "empty.tsv", ""))
    with pytest.raises(DataError, match="no data rows"):
        read_table(write(tmp_path, "header.tsv", "sentence\tlabel\n"))


def test_latin1_bytes_name_the_line(tmp_path):
    path = write(tmp_path, "train.csv", b"sentence,label\ncaf\xe9,1\n")
    with pytest.raises(DataError) as caught:
        read_table(path)
    assert caught.value.where == Location(str(path), 2)
    assert "iconv" in str(caught.value)


def test_unterminated_quote_in_csv(tmp_path):
    path = write(tmp_path, "train.csv", 'sentence,label\nok,1\n"never closed,0\n')
    with pytest.raises(DataError, match="cannot split") as caught:
        read_table(path)
    assert caught.value.where.line == 3


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="folder"):
        read_table(tmp_path)
    with pytest.raises(DataError, match="not found"):
        read_table(tmp_path / "missing.tsv")


def test_read_columns_uses_given_keys(tmp_path):
    path = write(tmp_path, "t.tsv", "a\tb\tc\n")
    assert read_columns(path, {"x": 2, "y": 0}, has_header=False) == [
        {"x": "c", "y": "a", "where": Location(str(path), 1)}
    ]


# === Rows of another width than the header ===

def test_a_tab_inside_a_tsv_text_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("sentence\tlabel\ngood film\tpositive\na\ttabbed film\tnegative\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train.tsv:3: the row has 3 field\(s\) when split on tab, but the header "
                                        r"\(line 1\) has 2.*Fix: remove the tab characters.*--text-column"):
        read_table(path)


def test_an_unquoted_comma_in_a_csv_text_is_an_error(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("sentence,label\ngood,positive\ngood, but long,negative\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train.csv:3: the row has 3 field.*Fix: quote the field that holds a comma"):
        read_table(path)


def test_a_row_missing_an_unused_middle_field_is_an_error(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("id\tsentence\tlabel\tnote\n1\tgood\tpositive\tx\n2\tbad\tnegative\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train.tsv:3: the row has 3 field.*header \(line 1\) has 4"):
        read_table(path)


def test_rows_without_header_must_match_the_first_row(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("a dog\tein Hund\nthe\tcat\tdie Katze\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"pairs.tsv:2: the row has 3 field.*the first row \(line 1\) has 2"):
        read_columns(path, {"source": 0, "target": 1}, has_header=False)


def test_a_trailing_delimiter_is_not_an_extra_field(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("sentence\tlabel\ngood\tpositive\t\nbad\tnegative\n", encoding="utf-8")
    assert [r["label"] for r in read_table(path)] == ["positive", "negative"]


def test_cr_only_table_is_read_as_rows(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_bytes(b"sentence\tlabel\rgood\tpositive\rbad\tnegative\r")
    assert [(r["text"], r["where"].line) for r in read_table(path)] == [("good", 2), ("bad", 3)]
