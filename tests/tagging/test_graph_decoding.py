import numpy as np
import tensorflow as tf

from kerastl.tagging import tags_to_spans
from oracles import best_valid_tags
from kerastl.tagging.graph_decoding import best_valid_tag_ids_in_graph, entity_spans_in_graph

NAMES = ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
TYPES = ["LOC", "PER"]


def _spans(spans, row):
    return list(zip(*(spans[key][row].numpy().tolist() for key in ("type", "start", "end"))))


def test_graph_viterbi_and_spans_equal_best_valid_tags_and_tags_to_spans():
    rng = np.random.default_rng(0)
    lengths = np.append(rng.integers(0, 12, size=30), [0, 1])
    probabilities = rng.dirichlet(np.full(len(NAMES), 0.3), size=(len(lengths), lengths.max())).astype("float32")
    ids = best_valid_tag_ids_in_graph(tf.constant(probabilities), tf.constant(lengths), NAMES).numpy()
    spans = entity_spans_in_graph(tf.constant(ids), tf.constant(lengths), NAMES)
    for row, length in enumerate(lengths):
        tags = best_valid_tags(probabilities[row, :length], NAMES)
        assert [NAMES[i] for i in ids[row, :length]] == tags
        assert _spans(spans, row) == [(TYPES.index(s.type), s.start, s.end) for s in tags_to_spans(tags)]


def test_graph_spans_read_invalid_sequences_leniently_like_tags_to_spans():
    tags = [["I-PER", "I-LOC", "B-LOC", "I-LOC", "O", "I-LOC", "B-PER", "B-PER"], ["O", "I-PER"]]
    lengths = [len(row) for row in tags]
    ids = tf.ragged.constant([[NAMES.index(tag) for tag in row] for row in tags]).to_tensor()
    spans = entity_spans_in_graph(ids, tf.constant(lengths), NAMES)
    for row, row_tags in enumerate(tags):
        assert _spans(spans, row) == [(TYPES.index(s.type), s.start, s.end) for s in tags_to_spans(row_tags)]


def test_a_batch_of_empty_texts_decodes_to_nothing():
    ids = best_valid_tag_ids_in_graph(tf.zeros([2, 0, len(NAMES)]), tf.constant([0, 0]), NAMES)
    assert ids.shape == (2, 0)
    assert entity_spans_in_graph(ids, tf.constant([0, 0]), NAMES)["start"].to_list() == [[], []]


def test_ties_between_valid_paths_go_to_the_lower_tag_ids_as_in_the_oracle():
    # Probabilities clipped to the same floor (a confident model's zeros), uniform rows and long rows.
    rng = np.random.default_rng(1)
    rows = [np.full((4, len(NAMES)), 0.2), np.zeros((3, len(NAMES))), np.eye(len(NAMES))[[4, 2, 4, 0]]]
    for _ in range(20):
        row = rng.dirichlet(np.full(len(NAMES), 0.1), size=int(rng.integers(1, 60)))
        row[rng.random(len(row)) < 0.3] = 0.0
        row[rng.random(len(row)) < 0.3] = 0.2
        rows.append(row)
    lengths = [len(row) for row in rows]
    padded = np.zeros((len(rows), max(lengths), len(NAMES)), "float32")
    for index, row in enumerate(rows):
        padded[index, : len(row)] = row
    ids = best_valid_tag_ids_in_graph(tf.constant(padded), tf.constant(lengths), NAMES).numpy()
    for index, row in enumerate(rows):
        assert [NAMES[i] for i in ids[index, : len(row)]] == best_valid_tags(row.astype("float32"), NAMES)
