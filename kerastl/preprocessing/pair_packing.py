"""Pack two texts into one sequence, as each keras-hub family's classifier preprocessor does.

`pack_token_id_pairs` is the one implementation of pair packing: `tokenize_text_pairs` uses it
for training and `predict`, `kerastl.export.serving_pair_inputs` inside an exported graph.

The layouts (`SpecialTokens.separator` says which one a tokenizer gets):

| family | packed pair |
| --- | --- |
| BERT, DistilBERT, ELECTRA, ALBERT, DeBERTa-v3 | `[CLS] a [SEP] b [SEP]` |
| RoBERTa, XLM-RoBERTa (and BART) | `<s> a </s></s> b </s>` |
| GPT-2 | `<|endoftext|> a <|endoftext|> b <|endoftext|>` |
| Gemma | `<bos> a <eos> b <eos>` |

The first two rows are keras-hub's `*TextClassifierPreprocessor`s (its `MultiSegmentPacker`
with `sep_value` the end id, twice for RoBERTa and XLM-R). keras-hub has no classifier
preprocessor for ELECTRA (Hugging Face packs it as BERT), GPT-2 or Gemma; for the two causal
decoders kerastl keeps the start and end ids it gives a single text and separates the texts
with the end id, so the last token (which `pooling="auto"` reads) has seen both texts.

Truncation is keras-hub's `truncate="round_robin"` (Hugging Face's "longest_first"): the room
left after the special ids goes one token at a time to each text that still has tokens, so a
long text is cut before a short one is.

Segment ids (0 for the start id, the first text and the separator; 1 for the second text and
the end id, as keras-hub's packer gives them) are returned too: the BERT, ELECTRA and ALBERT
backbones take them (`kerastl.layers.BackboneEncoder.takes_segment_ids`); the others
(DistilBERT, RoBERTa, XLM-R, DeBERTa-v3, GPT-2, Gemma) have no segment input and ignore them.
"""

import tensorflow as tf

from kerastl.preprocessing.special_tokens import SpecialTokens
from kerastl.preprocessing.text_tokenization import (
    as_ragged_ids,
    constant_columns,
    run_in_chunks,
    traced_for_tokenizer,
)


def pack_token_id_pairs(first_ids, second_ids, special, max_length):
    """Truncate two ragged id batches round-robin and pack them with start, separator and end ids.

    Args:
        first_ids: a tokenizer's ids of the first texts, `(batch, None)`.
        second_ids: the ids of the second texts, same batch.
        special: the `SpecialTokens` of the tokenizer.
        max_length: the longest packed sequence, special ids included.

    Returns:
        `(token_ids, segment_ids)`: two int32 `tf.RaggedTensor`s of the same row lengths, at
        most `max_length` each.

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.preprocessing import SpecialTokens, pack_token_id_pairs
    >>> special = SpecialTokens(start=101, end=102, pad=0, separator=(102,))
    >>> ids, segments = pack_token_id_pairs(tf.ragged.constant([[1, 2, 3, 4]]), tf.ragged.constant([[7, 8]]),
    ...                                     special, max_length=7)
    >>> ids.to_list(), segments.to_list()
    ([[101, 1, 2, 102, 7, 8, 102]], [[0, 0, 0, 0, 1, 1, 1]])
    """
    first_ids, second_ids = as_ragged_ids(first_ids), as_ragged_ids(second_ids)
    budget = max(max_length - special.pair_count, 0)
    first_kept, second_kept = round_robin_lengths(first_ids.row_lengths(), second_ids.row_lengths(), budget)
    first_ids = _first_tokens(first_ids, first_kept)
    second_ids = _first_tokens(second_ids, second_kept)
    rows = first_ids.nrows()
    first_part = [constant_columns(rows, [special.start])] if special.start is not None else []
    first_part.append(first_ids)
    if special.separator:
        first_part.append(constant_columns(rows, list(special.separator)))
    second_part = [second_ids]
    if special.end is not None:
        second_part.append(constant_columns(rows, [special.end]))
    first_part, second_part = tf.concat(first_part, axis=1), tf.concat(second_part, axis=1)
    token_ids = tf.concat([first_part, second_part], axis=1)
    segment_ids = tf.concat([tf.zeros_like(first_part), tf.ones_like(second_part)], axis=1)
    return token_ids, segment_ids


def round_robin_lengths(first_lengths, second_lengths, budget):
    """How many tokens of each text fit in `budget`, given one at a time to each text in turn.

    The first text gets the odd token of an odd budget, as in `tf_text.RoundRobinTrimmer`.

    Args:
        first_lengths, second_lengths: int64 tensors `(batch,)`, the texts' token counts.
        budget: the tokens the two texts may hold together (a Python int).

    Returns:
        `(first_kept, second_kept)`, int64 tensors `(batch,)`.
    """
    budget = tf.constant(budget, tf.int64)
    first_kept = tf.minimum(first_lengths, tf.maximum((budget + 1) // 2, budget - second_lengths))
    second_kept = tf.minimum(second_lengths, budget - first_kept)
    return first_kept, second_kept


def tokenize_text_pairs(tokenizer, texts, text_pairs, max_length, chunk_size=4096, progress=None):
    """Tokenize pairs of texts once and pack each pair into one sequence (see the module's table).

    Padding is left to batching, as in `kerastl.preprocessing.tokenize_texts`.

    Args:
        tokenizer: a keras-hub tokenizer.
        texts: the first texts, a list of strings.
        text_pairs: the second texts, one per first text.
        max_length: the longest packed sequence, special ids included.
        chunk_size: how many pairs go through the tokenizer at a time.
        progress: show a progress bar with counts; None shows one for large inputs only.

    Returns:
        `{"token_ids", "segment_ids"}`: int32 `tf.RaggedTensor`s `(len(texts), None)`.

    Raises:
        ValueError: when `texts` and `text_pairs` differ in length.

    Example:

    >>> from kerastl.preprocessing import tokenize_text_pairs
    >>> features = tokenize_text_pairs(tokenizer, ["A man sleeps."], ["Someone rests."], 128)  # doctest: +SKIP
    """
    if len(texts) != len(text_pairs):
        raise ValueError(f"`texts` and `text_pairs` must have the same length. Received: {len(texts)} texts "
                         f"and {len(text_pairs)} text_pairs")

    def build():
        special = SpecialTokens.of(tokenizer)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)] * 2, autograph=False)
        def tokenize_chunk(first, second):
            token_ids, segment_ids = pack_token_id_pairs(tokenizer(first), tokenizer(second), special, max_length)
            return {"token_ids": token_ids, "segment_ids": segment_ids}

        return tokenize_chunk

    tokenize_chunk = traced_for_tokenizer(tokenizer, ("pairs", max_length), build)
    return run_in_chunks(tokenize_chunk, [texts, text_pairs], chunk_size, progress)


def _first_tokens(token_ids, lengths):
    """The first `lengths[i]` ids of every row `i` of ragged `token_ids`."""
    positions = tf.ragged.range(token_ids.row_lengths(), dtype=tf.int64)
    return tf.ragged.boolean_mask(token_ids, positions < tf.expand_dims(lengths, 1))
