"""Generation for translation: keras-hub's samplers over a decoder's cached attention."""

from dataclasses import dataclass

import tensorflow as tf
from keras import ops


@dataclass(frozen=True)
class DecodingIds:
    """The decoder's start `prompt` (a tuple of ids), its `end` and `pad` ids, and the `hidden`
    ids a translation never shows."""

    prompt: tuple
    end: int
    pad: int
    hidden: tuple


def generate(decoder, sampler, encoder_sequence, encoder_padding_mask, ids, length, use_cache):
    """Generate `(batch, length)` target ids starting with `ids.prompt`, stopping at `ids.end`.

    `decoder` is a `TranslationDecoder` or a `Seq2SeqTranslator`: both decode with
    `call_with_cache` (cached) or `call_decoder` (every step from scratch).
    """
    batch = ops.shape(encoder_sequence)[0]
    start = len(ids.prompt)
    row = ops.convert_to_tensor(list(ids.prompt) + [ids.pad] * (length - start), dtype="int32")
    prompt = ops.tile(row[None, :], [batch, 1])
    is_prompt = ops.tile((ops.arange(length) < start)[None, :], [batch, 1])
    # A beam sampler copies its cache along the chosen beams at every step. What is the same for
    # every beam of a row (the source states, their mask, the cross-attention keys and values)
    # stays out of it, repeated once per beam in the sampler's layout (each row's beams adjacent).
    beams = getattr(sampler, "num_beams", 1)
    encoder_sequence_of_beams = ops.repeat(encoder_sequence, beams, axis=0)
    encoder_padding_mask_of_beams = ops.repeat(encoder_padding_mask, beams, axis=0)
    if use_cache:
        self_cache, cross_cache = decoder.empty_cache(batch, length, ops.shape(encoder_sequence)[1])
        # Compute the cross-attention keys and values once; later steps only read them.
        _, _, self_cache, cross_cache = decoder.call_with_cache(
            prompt[:, :start], encoder_sequence, encoder_padding_mask, self_cache, 0, cross_cache, 0
        )
        cross_cache_of_beams = ops.repeat(cross_cache, beams, axis=0)

        def next(prompt, self_cache, index):
            previous = ops.slice(prompt, [0, index - 1], [ops.shape(prompt)[0], 1])
            logits, hidden, self_cache, _ = decoder.call_with_cache(
                previous, encoder_sequence_of_beams, encoder_padding_mask_of_beams, self_cache, index - 1,
                cross_cache_of_beams, None,
            )
            logits = _finished_rows_emit_padding(prompt, index, logits[:, 0, :], start, ids)
            return logits, hidden[:, 0, :], self_cache

        cache = self_cache
    else:

        def next(prompt, cache, index):
            logits = decoder.call_decoder(prompt, encoder_sequence_of_beams, encoder_padding_mask_of_beams)
            return _finished_rows_emit_padding(prompt, index, ops.take(logits, index - 1, axis=1), start, ids), None, ()

        cache = ()
    return sampler(next=next, prompt=prompt, cache=cache, index=start, mask=is_prompt, stop_token_ids=[ids.end])


def _finished_rows_emit_padding(prompt, index, logits, start, ids):
    """Once a row has generated its end (or padding), put all probability on padding, so
    finished beams keep their score."""
    positions = ops.arange(ops.shape(prompt)[1])
    generated = ops.logical_and(positions >= start, positions < index)
    ended = ops.logical_or(ops.equal(prompt, ids.end), ops.equal(prompt, ids.pad))
    finished = ops.any(ops.logical_and(ended, generated[None, :]), axis=1)
    padding_only = ops.where(
        ops.equal(ops.arange(ops.shape(logits)[-1]), ids.pad), ops.cast(0.0, logits.dtype),
        ops.cast(-1e9, logits.dtype),
    )
    return ops.where(finished[:, None], padding_only[None, :], logits)


def kept_ids(ids, decoding):
    """The generated ids a translation shows, ragged: those before the first end, without hidden ones."""
    kept = tf.cumsum(tf.cast(ids == decoding.end, tf.int32), axis=1) == 0
    for hidden in decoding.hidden:
        kept &= ids != hidden
    return tf.ragged.boolean_mask(ids, kept)
