"""`entities_in_graph`: an NER task's `predict`, from raw texts to entities, in TensorFlow ops."""

import tensorflow as tf

from kerastl.export.serving_inputs import padded_inputs
from kerastl.preprocessing import SpecialTokens
from kerastl.preprocessing.sliding_windows import merge_windows_in_graph, window_spans_in_graph, window_values_in_graph
from kerastl.preprocessing.text_tokenization import pack_token_ids
from kerastl.preprocessing.word_alignment import align_words
from kerastl.preprocessing.word_splitting import split_words_in_graph
from kerastl.tagging.graph_decoding import best_valid_tag_ids_in_graph, entity_spans_in_graph

#: What the signature's entity tensors hold past a text's last entity.
STRING_PADDING, NUMBER_PADDING = "", -1


def entities_in_graph(task, texts):
    """Find the entities of raw texts as `NerTask.predict` does, with TensorFlow ops only.

    The same steps as `predict` on a string: split into words (`split_words_in_graph`), tokenize
    each word, cut texts longer than the model takes into the task's overlapping windows and
    merge their outputs back, give each word the probabilities of its first sub-token (or their
    mean, by `word_pooling`), choose tags (`decoding`: "valid" Viterbi or "argmax"), read the
    entities off the IOB2 tags.

    Args:
        task: a trained `kerastl.tasks.NerTask`.
        texts: a `tf.string` tensor `(batch,)`.

    Returns:
        A dict of dense tensors whose first axis is the batch, one column per entity in text
        order: `entity_type` and `entity_text` (strings, "" past the last entity),
        `entity_start` and `entity_end` (int32 character offsets, end exclusive, -1 past the
        last), `entity_score` (float32, the mean probability of the entity's word tags, -1 past
        the last) and `entity_count` (int32 `(batch,)`).
    """
    special = SpecialTokens.of(task.tokenizer)
    words = split_words_in_graph(texts)
    aligned = align_words(task.tokenizer, words["words"])
    starts, ends = window_spans_in_graph(aligned["token_ids"].row_lengths(), *task.window_size_and_stride())
    windows = window_values_in_graph(aligned["token_ids"], starts, ends)
    logits = task.model(padded_inputs(pack_token_ids(windows, special, task.max_length), special.pad), training=False)
    first = int(special.start is not None)
    window_logits = tf.RaggedTensor.from_tensor(tf.cast(logits, tf.float32)[:, first:], lengths=windows.row_lengths())
    token_probabilities = tf.nn.softmax(merge_windows_in_graph(window_logits, starts, ends).flat_values, axis=-1)
    probabilities = words["words"].with_flat_values(_word_probabilities(task, token_probabilities, aligned, words))
    dense = probabilities.to_tensor()
    lengths = probabilities.row_lengths()
    names = task.label_set.names
    if task.decoding == "valid":
        tags = best_valid_tag_ids_in_graph(dense, lengths, names)
    else:
        tags = tf.argmax(dense, axis=-1, output_type=tf.int32)
    spans = entity_spans_in_graph(tags, lengths, names)
    return _entity_outputs(texts, words, spans, tf.gather(dense, tags, batch_dims=2), task.entity_types)


def _word_probabilities(task, token_probabilities, aligned, words):
    """Each word's tag probabilities, flat over the batch: the mean over its pooled sub-tokens
    (its first one, or all that carry a label), as `NerTask._word_probabilities` pools them."""
    pooled = aligned["is_first" if task.word_pooling == "first" else "is_labeled"].flat_values
    first_word_of_row = tf.cast(words["words"].row_starts(), tf.int32)
    word_of_token = tf.gather(first_word_of_row, aligned["word_ids"].value_rowids()) + aligned["word_ids"].flat_values
    return tf.math.unsorted_segment_mean(tf.boolean_mask(token_probabilities, pooled),
                                         tf.boolean_mask(word_of_token, pooled), tf.size(words["words"].flat_values))


def _entity_outputs(texts, words, spans, tag_probabilities, entity_types):
    """The signature's dense entity tensors from the ragged entity spans of `entity_spans_in_graph`."""
    rows = tf.cast(spans["start"].value_rowids(), tf.int32)
    start, end = spans["start"].flat_values, spans["end"].flat_values
    first_word = tf.gather(tf.cast(words["words"].row_starts(), tf.int32), rows) + start
    last_word = first_word + (end - start) - 1

    def per_entity(values, padding):
        return spans["start"].with_flat_values(values).to_tensor(padding)

    def of_words(name, word):
        return tf.gather(words[name].flat_values, word)

    # The mean tag probability of each entity's words, from running sums (float64 for long texts).
    running = tf.pad(tf.cumsum(tf.cast(tag_probabilities, tf.float64), axis=1), [[0, 0], [1, 0]])
    totals = tf.gather_nd(running, tf.stack([rows, end], 1)) - tf.gather_nd(running, tf.stack([rows, start], 1))
    scores = tf.cast(totals / tf.cast(end - start, tf.float64), tf.float32)
    byte_starts = of_words("byte_starts", first_word)
    return {
        "entity_type": per_entity(tf.gather(tf.constant(entity_types, tf.string), spans["type"].flat_values),
                                  STRING_PADDING),
        "entity_text": tf.strings.substr(texts[:, None], per_entity(byte_starts, 0),
                                         per_entity(of_words("byte_ends", last_word) - byte_starts, 0)),
        "entity_start": per_entity(of_words("starts", first_word), NUMBER_PADDING),
        "entity_end": per_entity(of_words("ends", last_word), NUMBER_PADDING),
        "entity_score": per_entity(scores, float(NUMBER_PADDING)),
        "entity_count": tf.cast(spans["start"].row_lengths(), tf.int32),
    }
