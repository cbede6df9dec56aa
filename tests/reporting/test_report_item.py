import pytest

from kerastl.reporting import ReportItem


def test_round_trip_of_a_table_and_an_image():
    table = ReportItem("Per class", table={"columns": ["class", "f1"], "rows": [["pos", 0.9]]}, caption="dev set")
    image = ReportItem("Confusion matrix", image="confusion_matrix.png")
    for item in (table, image):
        again = ReportItem.from_dict(item.to_dict())
        assert again.to_dict() == item.to_dict()
    assert "caption" not in image.to_dict()


def test_needs_exactly_one_of_image_and_table():
    with pytest.raises(ValueError, match="exactly one"):
        ReportItem("nothing")
    with pytest.raises(ValueError, match="exactly one"):
        ReportItem("both", image="a.png", table={"columns": [], "rows": []})


def test_rows_must_match_the_columns():
    with pytest.raises(ValueError, match="has 1 cells but there are 2 columns"):
        ReportItem("bad", table={"columns": ["a", "b"], "rows": [["only one"]]})


SENTENCE = {"text": "Ann met Bob", "gold": [[8, 11, "PER"], [0, 3, "PER"]], "predicted": [[0, 3, "LOC"]]}


def test_round_trip_of_sentences_with_spans_sorted():
    item = ReportItem("Sentences", spans=[SENTENCE])
    again = ReportItem.from_dict(item.to_dict())
    assert again.to_dict() == item.to_dict()
    assert again.spans[0]["gold"] == [[0, 3, "PER"], [8, 11, "PER"]]
    assert "1 sentences" in repr(again)


@pytest.mark.parametrize("sentence, message", [
    ("just a string", "Sentence 0 of `spans` must be a dict with a string 'text'"),
    ({"gold": []}, "must be a dict with a string 'text'"),
    ({"text": "Ann", "gold": "PER"}, "Sentence 0 gold must be a list"),
    ({"text": "Ann", "gold": [[0, 4, "PER"]]}, r"span \[0, 4, 'PER'\].*<= 3 \(the text's length\)"),
    ({"text": "Ann", "predicted": [[2, 1, "PER"]]}, "Sentence 0 predicted has the span"),
    ({"text": "Ann", "gold": [[0, 3, 7]]}, "a string type"),
    ({"text": "Ann", "gold": [["0", 3, "PER"]]}, "integer character offsets"),
    ({"text": "Ann", "gold": [[0, 3]]}, r"\[start, end, type\]"),
    ({"text": "Ann Lee", "gold": [[0, 5, "PER"], [4, 7, "PER"]]}, "overlapping spans"),
])
def test_malformed_sentences_are_named(sentence, message):
    with pytest.raises(ValueError, match=message):
        ReportItem.from_dict({"title": "bad", "spans": [sentence]})


def test_spans_count_as_the_one_kind():
    with pytest.raises(ValueError, match="exactly one of `image`, `table` and `spans`. Received: table, spans"):
        ReportItem("both", table={"columns": [], "rows": []}, spans=[])
    with pytest.raises(ValueError, match="must be a list of sentences"):
        ReportItem("bad", spans={"text": "Ann"})
