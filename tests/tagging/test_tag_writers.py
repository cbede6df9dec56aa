from kerastl.tagging import bioes_tags, iob1_tags, iob2_tags, tags_to_spans


def test_writers_write_adjacent_entities_of_one_type_distinguishably():
    spans = [("LOC", 0, 2), ("LOC", 2, 3)]
    assert iob1_tags(spans, 4) == ["I-LOC", "I-LOC", "B-LOC", "O"]
    assert iob2_tags(spans, 4) == ["B-LOC", "I-LOC", "B-LOC", "O"]
    assert bioes_tags(spans, 4) == ["B-LOC", "E-LOC", "S-LOC", "O"]
    for scheme, writer in (("iob1", iob1_tags), ("iob2", iob2_tags), ("bioes", bioes_tags)):
        assert [tuple(s) for s in tags_to_spans(writer(spans, 4), scheme)] == spans


def test_empty_sentence():
    assert iob2_tags([], 0) == [] and tags_to_spans([], "bioes") == []
