import pytest

from kerastl.data.tfds_reader import read_tfds
from kerastl.errors import DataError, Location

tfds = pytest.importorskip("tensorflow_datasets")


@pytest.fixture
def mock_tfds():
    with tfds.testing.mock_data(num_examples=4):
        yield


def test_imdb_reviews_labels_become_names(mock_tfds):
    records = read_tfds("imdb_reviews", split="train")
    assert len(records) == 4
    assert all(isinstance(r["text"], str) for r in records)
    assert {r["label"] for r in records} <= {"neg", "pos"}
    assert [r["where"] for r in records[:2]] == [
        Location("tfds:imdb_reviews[train]", 1), Location("tfds:imdb_reviews[train]", 2)
    ]


def test_limit_and_custom_fields(mock_tfds):
    records = read_tfds("imdb_reviews", split="test", fields={"review": "text"}, limit=2)
    assert len(records) == 2
    assert set(records[0]) == {"review", "where"}
    assert records[1]["where"] == Location("tfds:imdb_reviews[test]", 2)


def test_glue_sst2_defaults(mock_tfds):
    records = read_tfds("glue/sst2", split="validation", limit=2)
    assert all(isinstance(r["text"], str) for r in records)
    assert {r["label"] for r in records} <= {"negative", "positive"}


def test_conll2003_tags_become_tag_names(mock_tfds):
    records = read_tfds("conll2003", split="train", limit=3)
    tag_names = {"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"}
    for record in records:
        assert record["words"] and all(isinstance(word, str) for word in record["words"])
        assert set(record["tags"]) <= tag_names


def test_ted_translation_pairs_are_strings(mock_tfds):
    records = read_tfds("ted_hrlr_translate/pt_to_en", split="validation", limit=2)
    assert len(records) == 2
    assert all(isinstance(r["source"], str) and isinstance(r["target"], str) for r in records)
    assert records[0]["where"] == Location("tfds:ted_hrlr_translate/pt_to_en[validation]", 1)


def test_unknown_feature_lists_features(mock_tfds):
    with pytest.raises(DataError) as caught:
        read_tfds("imdb_reviews", fields={"text": "review"})
    message = str(caught.value)
    assert "no feature 'review'" in message and "text" in message and "label" in message


def test_dataset_without_defaults_asks_for_fields(mock_tfds):
    with pytest.raises(DataError, match="no default fields") as caught:
        read_tfds("glue/cola")
    assert "sentence" in str(caught.value) and "fields" in caught.value.fix


def test_unknown_dataset_name(mock_tfds):
    with pytest.raises(DataError, match="no dataset named 'no_such_dataset_xyz'") as caught:
        read_tfds("no_such_dataset_xyz")
    assert "catalog" in caught.value.fix
