import pytest

from kerastl.errors import DataError
from kerastl.tagging import SCHEMES, convert_tags, tags_to_spans

IOB1 = ["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG", "O", "I-MISC"]
IOB2 = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-ORG", "O", "B-MISC"]
BIOES = ["B-PER", "E-PER", "O", "S-LOC", "S-LOC", "S-ORG", "O", "S-MISC"]
BY_SCHEME = {"iob1": IOB1, "iob2": IOB2, "bioes": BIOES}


@pytest.mark.parametrize("source", sorted(SCHEMES))
@pytest.mark.parametrize("target", sorted(SCHEMES))
def test_every_pair_of_schemes_converts_consistently(source, target):
    assert convert_tags(BY_SCHEME[source], source, target) == BY_SCHEME[target]


def test_all_schemes_mark_the_same_entities():
    spans = {scheme: tags_to_spans(tags, scheme) for scheme, tags in BY_SCHEME.items()}
    assert spans["iob1"] == spans["iob2"] == spans["bioes"]
    assert [(s.type, s.start, s.end) for s in spans["iob2"]] == [
        ("PER", 0, 2), ("LOC", 3, 4), ("LOC", 4, 5), ("ORG", 5, 6), ("MISC", 7, 8)
    ]


def test_long_bioes_entity_round_trips():
    tags = ["B-ORG", "I-ORG", "I-ORG", "E-ORG", "O"]
    assert convert_tags(convert_tags(tags, "bioes", "iob1"), "iob1", "bioes") == tags


def test_stray_inside_tag_starts_an_entity_like_conlleval():
    assert convert_tags(["O", "I-PER", "I-LOC"], "iob2", "iob2") == ["O", "B-PER", "B-LOC"]


def test_bioes_tag_in_iob_data_says_which_scheme_to_use():
    with pytest.raises(DataError, match="pass scheme='bioes'"):
        convert_tags(["S-PER"], "iob1", "iob2")


def test_malformed_tag_is_refused():
    with pytest.raises(DataError, match="not a IOB2 tag"):
        tags_to_spans(["PER"], "iob2")


def test_unknown_scheme_is_a_value_error():
    with pytest.raises(ValueError, match="Received: target='bilou'"):
        convert_tags(["O"], "iob1", "bilou")
