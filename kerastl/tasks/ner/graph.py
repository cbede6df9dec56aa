"""NER inference in TensorFlow ops, written once: `predict` runs it, the export serves it.

`tag_words_in_graph` goes from words to tags and entities: tokenize each word, cut sentences
longer than the model takes into the task's overlapping windows and merge their outputs back
(`token_logits_in_graph`), then (`tags_from_token_logits_in_graph`) turn each sub-token's logits
into tag probabilities `softmax(logits / task.temperature)`, give each word the probabilities of
its first sub-token (or their mean, by `word_pooling`), choose tags (`decoding`: "valid" Viterbi
or "argmax"), read the entities off the IOB2 tags. With first-sub-token pooling (the default)
the temperature changes the scores only, not the tags: each word's argmax is the same, and so is
the best "valid" path (a path's log-probability is the sum of its logits divided by T, minus
per-word constants). With "mean" pooling a word's tag can change with the temperature.
`entities_in_graph` adds what an export needs on top: word splitting of raw texts and the
entities' text and character offsets. `NerTask.predict` runs the pieces apart: its `forward`
cuts the windows (`windows_in_graph`), runs the model on them (`Task.run_model`) and merges
their logits back per sentence; its `decode` finds the tags and entities at the task's
temperature, so calibration tries temperatures on logits the model computed once.
"""

import tensorflow as tf

from kerastl.preprocessing.padding import padded_inputs
from kerastl.preprocessing import SpecialTokens
from kerastl.preprocessing.sliding_windows import merge_windows_in_graph, window_spans_in_graph, window_values_in_graph
from kerastl.preprocessing.text_tokenization import pack_token_ids
from kerastl.preprocessing.word_alignment import align_words
from kerastl.preprocessing.word_splitting import split_words_in_graph
from kerastl.tagging.graph_decoding import best_valid_tag_ids_in_graph, entity_spans_in_graph

#: What the signature's entity tensors hold past a text's last entity.
STRING_PADDING, NUMBER_PADDING = "", -1


def tag_words_in_graph(task, words, temperature=None):
    """Tag each word of each sentence and find the entities, as `NerTask.predict` does.

    Args:
        task: a trained `kerastl.tasks.NerTask`.
        words: a `tf.RaggedTensor` of strings `(batch, None)`.
        temperature: the softmax temperature (a float or scalar tensor); default
            `task.temperature`.

    Returns:
        A dict: `tags` (int32 tag ids, ragged `(batch, words)`), `tag_scores` (float32, the
        probability of each chosen tag, ragged `(batch, words)`), and one ragged `(batch, None)`
        value per entity in text order: `entity_type` (int32 index into `task.entity_types`),
        `entity_start`, `entity_end` (int32 word indices, end exclusive) and `entity_score`
        (float32, the mean probability of the entity's word tags).
    """
    aligned = align_words(task.tokenizer, words)
    return tags_from_token_logits_in_graph(task, token_logits_in_graph(task, aligned), aligned, words, temperature)


def token_logits_in_graph(task, aligned):
    """The model's tag logits of every sub-token of `align_words` output, windows merged back
    (the export's graph; `NerTask.forward` calls the model through `run_model` instead).

    Returns:
        A float32 `tf.RaggedTensor` `(batch, tokens, tags)`: one row per sentence, one logit
        vector per sub-token of `aligned["token_ids"]` (special tokens left out).
    """
    special = SpecialTokens.of(task.tokenizer)
    windows, starts, ends = windows_in_graph(task, aligned["token_ids"])
    logits = task.model(padded_inputs(windows, special.pad), training=False)
    first = int(special.start is not None)
    window_logits = tf.RaggedTensor.from_tensor(tf.cast(logits, tf.float32)[:, first:],
                                                lengths=ends.flat_values - starts.flat_values)
    return merge_windows_in_graph(window_logits, starts, ends)


def windows_in_graph(task, token_ids):
    """Cut each sentence's sub-tokens into the task's overlapping windows, packed for the model.

    Args:
        task: a `kerastl.tasks.NerTask` with a tokenizer.
        token_ids: ragged `(batch, tokens)`: each sentence's sub-tokens (`align_words`).

    Returns:
        `(windows, starts, ends)`: the packed windows (ragged `(windows, None)`, special
        tokens added, sentence by sentence) and each sentence's window spans
        (`window_spans_in_graph`), which `merge_windows_in_graph` takes to merge them back.
    """
    starts, ends = window_spans_in_graph(token_ids.row_lengths(), *task.window_size_and_stride())
    windows = pack_token_ids(window_values_in_graph(token_ids, starts, ends), SpecialTokens.of(task.tokenizer),
                             task.max_length)
    return windows, starts, ends


def tags_from_token_logits_in_graph(task, token_logits, aligned, words, temperature=None):
    """`tag_words_in_graph`'s result from sub-token logits (`token_logits_in_graph` output).

    `NerTask.decode` runs this on `NerTask.forward`'s logits at the task's temperature, and
    `NerTask.calibrate` on the same logits at each temperature it tries.

    Args:
        task: a trained `kerastl.tasks.NerTask`.
        token_logits: float32 ragged `(batch, tokens, tags)`.
        aligned: the `align_words` output of `words`.
        words: a `tf.RaggedTensor` of strings `(batch, None)`.
        temperature: the softmax temperature; default `task.temperature`.

    Returns:
        The dict `tag_words_in_graph` returns.
    """
    temperature = tf.cast(task.temperature if temperature is None else temperature, tf.float32)
    token_probabilities = tf.nn.softmax(token_logits.flat_values / temperature, axis=-1)
    probabilities = words.with_flat_values(_word_probabilities(task, token_probabilities, aligned, words))
    dense = probabilities.to_tensor()
    lengths = probabilities.row_lengths()
    names = task.label_set.names
    if task.decoding == "valid":
        tags = best_valid_tag_ids_in_graph(dense, lengths, names)
    else:
        tags = tf.argmax(dense, axis=-1, output_type=tf.int32)
    tag_scores = tf.gather(dense, tags, batch_dims=2)
    spans = entity_spans_in_graph(tags, lengths, names)
    return {
        "tags": tf.RaggedTensor.from_tensor(tags, lengths=lengths),
        "tag_scores": tf.RaggedTensor.from_tensor(tag_scores, lengths=lengths),
        "entity_type": spans["type"],
        "entity_start": spans["start"],
        "entity_end": spans["end"],
        "entity_score": spans["start"].with_flat_values(_entity_scores(tag_scores, spans)),
    }


def entities_in_graph(task, texts):
    """The entities of raw texts as `NerTask.predict` finds them, with TensorFlow ops only.

    The texts are split into words as `predict` splits a string (`split_words_in_graph`), then
    tagged by `tag_words_in_graph`.

    Args:
        task: a trained `kerastl.tasks.NerTask`.
        texts: a `tf.string` tensor `(batch,)`.

    Returns:
        A dict of dense tensors whose first axis is the batch, one column per entity in text
        order: `entity_type` and `entity_text` (strings, "" past the last entity),
        `entity_start` and `entity_end` (int32 character offsets, end exclusive, -1 past the
        last), `entity_score` (float32, -1 past the last) and `entity_count` (int32 `(batch,)`).
    """
    words = split_words_in_graph(texts)
    tagged = tag_words_in_graph(task, words["words"])
    start, end = tagged["entity_start"], tagged["entity_end"]
    rows = tf.cast(start.value_rowids(), tf.int32)
    first_word = tf.gather(tf.cast(words["words"].row_starts(), tf.int32), rows) + start.flat_values
    last_word = first_word + (end.flat_values - start.flat_values) - 1

    def per_entity(values, padding):
        return start.with_flat_values(values).to_tensor(padding)

    def of_words(name, word):
        return tf.gather(words[name].flat_values, word)

    byte_starts = of_words("byte_starts", first_word)
    return {
        "entity_type": per_entity(tf.gather(tf.constant(task.entity_types, tf.string),
                                            tagged["entity_type"].flat_values), STRING_PADDING),
        "entity_text": tf.strings.substr(texts[:, None], per_entity(byte_starts, 0),
                                         per_entity(of_words("byte_ends", last_word) - byte_starts, 0)),
        "entity_start": per_entity(of_words("starts", first_word), NUMBER_PADDING),
        "entity_end": per_entity(of_words("ends", last_word), NUMBER_PADDING),
        "entity_score": per_entity(tagged["entity_score"].flat_values, float(NUMBER_PADDING)),
        "entity_count": tf.cast(start.row_lengths(), tf.int32),
    }


def _word_probabilities(task, token_probabilities, aligned, words):
    """Each word's tag probabilities, flat over the batch: the mean over its pooled sub-tokens
    (its first one, or all that carry a label)."""
    pooled = aligned["is_first" if task.word_pooling == "first" else "is_labeled"].flat_values
    first_word_of_row = tf.cast(words.row_starts(), tf.int32)
    word_of_token = tf.gather(first_word_of_row, aligned["word_ids"].value_rowids()) + aligned["word_ids"].flat_values
    return tf.math.unsorted_segment_mean(tf.boolean_mask(token_probabilities, pooled),
                                         tf.boolean_mask(word_of_token, pooled), tf.size(words.flat_values))


def _entity_scores(tag_scores, spans):
    """The mean tag probability of each entity's words, from running sums (float64 for long texts)."""
    rows = tf.cast(spans["start"].value_rowids(), tf.int32)
    start, end = spans["start"].flat_values, spans["end"].flat_values
    running = tf.pad(tf.cumsum(tf.cast(tag_scores, tf.float64), axis=1), [[0, 0], [1, 0]])
    totals = tf.gather_nd(running, tf.stack([rows, end], 1)) - tf.gather_nd(running, tf.stack([rows, start], 1))
    return tf.cast(totals / tf.cast(end - start, tf.float64), tf.float32)
