from kerastl.reporting.error_analysis import (
    LONGEST_TEXT,
    MISSED,
    SPURIOUS,
    confident_mistakes,
    entity_confusion,
    sentences_with_mistakes,
    worst_translations,
)


def test_confident_mistakes_keep_only_mistakes_surest_first():
    texts = ["a", "b", "c", "d", "e"]
    table = confident_mistakes(texts, ["x", "x", "y", "y", "x"], ["y", "x", "x", "y", "y"], [0.6, 0.99, 0.9, 0.8, 0.7],
                               limit=2)
    assert table["columns"] == ["text", "gold", "predicted", "score"]
    assert table["rows"] == [["c", "y", "x", 0.9], ["e", "x", "y", 0.7]]  # the right "b" and "d" are left out


def test_confident_mistakes_cut_long_texts():
    [row] = confident_mistakes(["word " * 200], ["x"], ["y"], [0.9])["rows"]
    assert len(row[0]) == LONGEST_TEXT and row[0].endswith("word…")


def test_confident_mistakes_of_a_perfect_model_are_none():
    assert confident_mistakes(["a"], [1], [1], [0.9])["rows"] == []


def test_worst_translations_lowest_chrf_first():
    table = worst_translations(["s1", "s2", "s3"], ["r1", "r2", "r3"], ["t1", "t2", "t3"], [55.0, 12.34, 80.0], limit=2)
    assert [row[0] for row in table["rows"]] == ["s2", "s1"]
    assert table["rows"][0] == ["s2", "r2", "t2", 12.3]


def test_sentences_with_mistakes_come_first_in_their_order():
    texts = ["right", "wrong type", "right too", "wrong boundary"]
    gold = [[[0, 5, "PER"]], [[0, 3, "LOC"]], [[4, 9, "ORG"], [0, 3, "LOC"]], [[0, 3, "LOC"], [4, 9, "ORG"]]]
    predicted = [[[0, 5, "PER"]], [[0, 3, "PER"]], [[0, 3, "LOC"], [4, 9, "ORG"]], [[4, 9, "ORG"], [0, 2, "LOC"]]]
    sentences = sentences_with_mistakes(texts, gold, predicted)
    assert [s["text"] for s in sentences] == ["wrong type", "wrong boundary", "right", "right too"]
    assert sentences[2] == {"text": "right", "gold": [[0, 5, "PER"]], "predicted": [[0, 5, "PER"]]}
    assert [s["text"] for s in sentences_with_mistakes(texts, gold, predicted, limit=1)] == ["wrong type"]


def test_confusion_pairs_overlapping_entities_and_counts_missed_and_spurious():
    gold = [[[0, 4, "PER"], [10, 15, "LOC"], [20, 25, "ORG"]], [[0, 3, "LOC"]]]
    predicted = [[[0, 2, "PER"], [2, 4, "ORG"], [11, 15, "ORG"], [30, 33, "MISC"]], [[0, 3, "LOC"]]]
    table = entity_confusion(gold, predicted)
    types = ["LOC", "MISC", "ORG", "PER"]
    assert table["columns"] == ["gold \\ predicted", *types, MISSED]
    rows = {row[0]: dict(zip(table["columns"][1:], row[1:])) for row in table["rows"]}
    assert rows["LOC"] == {"LOC": 1, "MISC": 0, "ORG": 1, "PER": 0, MISSED: 0}  # one right, one labelled ORG
    assert rows["ORG"][MISSED] == 1 and sum(rows["ORG"][t] for t in types) == 0
    assert rows["PER"]["PER"] == 1  # [0, 2] PER ties [2, 4] ORG on overlap; the same type wins
    # The ORG piece of the PER entity was left over: spurious, as the MISC one overlapping nothing.
    assert rows[SPURIOUS] == {"LOC": 0, "MISC": 1, "ORG": 1, "PER": 0, MISSED: ""}
