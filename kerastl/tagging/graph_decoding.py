"""IOB2 decoding with TensorFlow ops: best valid tags and entity spans (NER's `predict` and export).

Written over a padded batch, so `predict` and a SavedModel turn tag probabilities into
entities with the same ops; entity spans are read as `kerastl.tagging.tags_to_spans` reads
IOB2 tags.
"""

import numpy as np
import tensorflow as tf
import tensorflow_text as tf_text

from kerastl.tagging.tag_transitions import allowed_transitions, can_start


def best_valid_tag_ids_in_graph(probabilities, lengths, names):
    """The most probable valid IOB2 tag sequence of each row (a Viterbi search).

    Taking each word's most probable tag alone can give sequences such as "O I-PER" or
    "B-ORG I-LOC", which conlleval reads as extra, broken entities; this search only allows
    I-X right after B-X or I-X, so every entity has a clean start and a single type. The search
    is TF Text's `viterbi_constrained_sequence` over log-probabilities (float32); between
    equally probable paths the one with lower tag ids wins (e.g. "O" over "B-PER").

    Args:
        probabilities: a float tensor `(batch, words, tags)` of tag probabilities, padded.
        lengths: an int tensor `(batch,)`: how many words of each row are real.
        names: the IOB2 tag names, in column order.

    Returns:
        An int32 tensor `(batch, words)` of tag ids (positions past a row's length are
        meaningless).

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.tagging.graph_decoding import best_valid_tag_ids_in_graph
    >>> best_valid_tag_ids_in_graph(tf.constant([[[0.5, 0.1, 0.4], [0.1, 0.1, 0.8]]]), tf.constant([2]),
    ...                             ["O", "B-PER", "I-PER"]).numpy().tolist()
    [[1, 2]]
    """
    count = len(names)
    # TF Text breaks ties towards the higher state id; reversing the states makes it the lower.
    reverse = np.arange(count)[::-1]
    allowed = np.ones((count + 1, count + 1), bool)  # the last row and column: the start and end states
    allowed[:count, :count] = allowed_transitions(names)[reverse][:, reverse]
    allowed[count, :count] = can_start(names)[reverse]
    scores = tf.math.log(tf.maximum(tf.cast(probabilities, tf.float32), 1e-12))[:, :, ::-1]
    path = tf_text.viterbi_constrained_sequence(scores, tf.cast(lengths, tf.int32), allowed_transitions=allowed,
                                                use_log_space=True, use_start_and_end_states=True)
    return path.with_flat_values(count - 1 - path.flat_values).to_tensor(0, shape=tf.shape(probabilities)[:2])


def entity_spans_in_graph(tag_ids, lengths, names):
    """The entities IOB2 tags mark, read as `tags_to_spans` reads them (leniently, conlleval's way).

    An entity starts at a B- tag, or at an I- tag that does not continue an entity of its type,
    and runs over the I- tags of its type that follow.

    Args:
        tag_ids: an int tensor `(batch, words)` of IOB2 tag ids, padded.
        lengths: an int tensor `(batch,)`: how many words of each row are real.
        names: the IOB2 tag names, in id order.

    Returns:
        A dict of `tf.RaggedTensor`s `(batch, None)`, one value per entity in text order:
        `type` (int32, an index into `sorted` entity types), `start` and `end` (int32 word
        indices, `end` exclusive).

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.tagging.graph_decoding import entity_spans_in_graph
    >>> spans = entity_spans_in_graph(tf.constant([[1, 2, 0, 2]]), tf.constant([4]), ["O", "B-PER", "I-PER"])
    >>> spans["start"].to_list(), spans["end"].to_list()
    ([[0, 3]], [[2, 4]])
    """
    types = sorted({name[2:] for name in names if name != "O"})
    type_of_tag = tf.constant([types.index(name[2:]) if name != "O" else -1 for name in names], tf.int32)
    is_begin = tf.constant([name.startswith("B-") for name in names])
    tag_ids = tf.cast(tag_ids, tf.int32)
    in_text = tf.sequence_mask(lengths, tf.shape(tag_ids)[1])
    kind = tf.where(in_text, tf.gather(type_of_tag, tag_ids), -1)
    previous_kind = tf.pad(kind[:, :-1], [[0, 0], [1, 0]], constant_values=-1)
    starts = (kind >= 0) & (tf.gather(is_begin, tag_ids) | (previous_kind != kind))
    # Number the entities of the batch in reading order; each entity word takes its entity's number.
    numbers = tf.cumsum(tf.cast(tf.reshape(starts, [-1]), tf.int32)) - 1
    count = tf.reduce_sum(tf.cast(starts, tf.int32))
    start_positions = tf.cast(tf.where(starts), tf.int32)  # (entities, [row, word])
    entity_words = tf.reshape(kind >= 0, [-1])
    word_index = tf.reshape(tf.range(tf.shape(tag_ids)[1])[None, :] + tf.zeros_like(tag_ids), [-1])
    ends = tf.math.unsorted_segment_max(
        tf.boolean_mask(word_index, entity_words) + 1, tf.boolean_mask(numbers, entity_words), count
    )
    per_row = tf.reduce_sum(tf.cast(starts, tf.int32), axis=1)
    return {
        name: tf.RaggedTensor.from_row_lengths(values, per_row)
        for name, values in (
            ("type", tf.gather_nd(kind, start_positions)),
            ("start", start_positions[:, 1]),
            ("end", ends),
        )
    }
