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
