"""Generation for translation: keras-hub's samplers over a decoder's cached attention, and the
one compiled generation function per backend."""

import functools
import itertools
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import ops

_IDS_SPEC = tf.TensorSpec([None, None], tf.int32)
_MASK_SPEC = tf.TensorSpec([None, None], tf.bool)


@dataclass(frozen=True)
class DecodingIds:
    """The decoder's start `prompt` (a tuple of ids), its `end` and `pad` ids, and the `hidden`
    ids a translation never shows."""

    prompt: tuple
    end: int
    pad: int
    hidden: tuple


def generate(decoder, sampler, encoder_sequence, encoder_padding_mask, ids, length, use_cache, model=None):
    """Generate `(batch, length)` target ids starting with `ids.prompt`, stopping at `ids.end`.

    `decoder` is a `TranslationDecoder` or a `Seq2SeqTranslator`: both decode with
    `call_with_cache` (cached) or `call_decoder` (every step from scratch). `model` (the one
    holding the decoder) goes to the sampler, whose loop on JAX reads its variables statelessly.
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
    return sampler(next=next, prompt=prompt, cache=cache, index=start, mask=is_prompt, stop_token_ids=[ids.end],
                   model=model)


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


def compiled_generation(function, model):
    """`function(token_ids, padding_mask, sampler, use_cache)` -> ids, compiled once per backend,
    as keras-hub's `CausalLM.make_generate_function` compiles its generation.

    - TensorFlow: one `tf.function`, traced once per sampler and `use_cache` for any batch size
      and source length (an input signature of unknown dimensions). Also runs inside a serving graph.
    - JAX: `jax.jit` over a stateless call: the model's (and sampler's) variables go in as
      arguments, read through a `keras.StatelessScope`; the sampler and `use_cache` are static.
      It compiles once per source shape: the caller pads lengths to buckets (`TranslationTask.forward`
      as `Task.run_model` does).
    - PyTorch: eager under `torch.no_grad()`.

    Inputs may be numpy arrays or tensors; the result is a backend tensor `(batch, length)`. On
    TensorFlow the function's `tracing_count()` says how many times it has traced.
    `model` must hold every variable `function` reads.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        # The samplers loop with `ops.while_loop`; AutoGraph has nothing to convert.
        traced = tf.function(function, autograph=False)

        def run(token_ids, padding_mask, sampler, use_cache):
            traced.get_concrete_function(_IDS_SPEC, _MASK_SPEC, sampler, use_cache)  # one trace of any shape
            return traced(tf.cast(token_ids, tf.int32), tf.cast(padding_mask, tf.bool), sampler, use_cache)

        run.tracing_count = traced.experimental_get_tracing_count
        return run
    if backend == "jax":
        import jax

        @functools.partial(jax.jit, static_argnames=("sampler", "use_cache"))
        def stateless(state, token_ids, padding_mask, sampler, use_cache):
            sampler_values, trainable, non_trainable = state
            mapping = itertools.chain(zip(sampler.variables, sampler_values),
                                      zip(model.trainable_variables, trainable),
                                      zip(model.non_trainable_variables, non_trainable))
            with keras.StatelessScope(state_mapping=mapping) as scope:
                ids = function(token_ids, padding_mask, sampler, use_cache)
            updated = [scope.get_current_value(v) for v in sampler.variables]
            return ids, [new if new is not None else old for new, old in zip(updated, sampler_values)]

        def run(token_ids, padding_mask, sampler, use_cache):
            state = ([v.value for v in sampler.variables], [v.value for v in model.trainable_variables],
                     [v.value for v in model.non_trainable_variables])
            ids, sampler_values = stateless(state, np.asarray(token_ids, "int32"), np.asarray(padding_mask, bool),
                                            sampler=sampler, use_cache=use_cache)
            for variable, value in zip(sampler.variables, sampler_values):
                variable.assign(value)
            return ids

        return run
    import torch

    def run(token_ids, padding_mask, sampler, use_cache):
        with torch.no_grad():
            return function(ops.convert_to_tensor(np.asarray(token_ids, "int32")),
                            ops.convert_to_tensor(np.asarray(padding_mask, bool)), sampler, use_cache)

    return run

