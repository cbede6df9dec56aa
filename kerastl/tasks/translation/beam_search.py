"""Beam search for translation that stops as soon as its answer is known."""

import keras
import keras_hub
from keras import ops, tree


@keras.saving.register_keras_serializable(package="kerastl")
class EarlyStoppingBeamSampler(keras_hub.samplers.BeamSampler):
    """keras-hub's beam search, stopping a batch once the best beam of every row has ended.

    It takes keras-hub's sampler protocol (`next(prompt, cache, index)` -> logits, hidden
    states, cache) and picks the same beams, and it differs in two ways that make it faster:

    - keras-hub's `BeamSampler` loops until *every* beam of every row has produced a stop
      token, so one row whose weaker beams never end keeps the whole batch decoding to the
      length cap. In `generate` a finished beam puts all its probability on padding, so its
      score never changes, while an unfinished beam can only lose log-probability: once a
      row's best beam has ended, no later step can change which beam wins. This stops there.
    - The prompt and cache are reordered along the chosen beams with one gather of rows per
      tensor (`ops.take` of flat row indices), where `ops.take_along_axis` first builds an index
      for every element.

    Keras ops only: it runs on every backend.
    """

    def __call__(self, next, prompt, cache=None, index=0, mask=None, stop_token_ids=None, hidden_states=None,
                 model=None):
        if self.return_all_beams:  # keras-hub's sorted beams and scores
            return super().__call__(next, prompt, cache=cache, index=index, mask=mask,
                                    stop_token_ids=stop_token_ids, hidden_states=hidden_states, model=model)
        num_beams = self.num_beams
        batch_size, max_length = ops.shape(prompt)[0], ops.shape(prompt)[1]
        index = ops.cast(index, "int32")
        mask = ops.zeros_like(prompt, dtype="bool") if mask is None else ops.cast(mask, "bool")
        cache = () if cache is None else cache

        def repeat_for_beams(x):
            return ops.repeat(x, num_beams, axis=0)

        prompt, mask = repeat_for_beams(prompt), repeat_for_beams(mask)
        cache = tree.map_structure(repeat_for_beams, cache)
        # At the first step only each row's first beam is a candidate.
        log_probs = ops.reshape(ops.broadcast_to(
            ops.array([[0.0] + [-1e9] * (num_beams - 1)], dtype="float32"), (batch_size, num_beams)), (-1,))

        first_beams = ops.arange(batch_size, dtype="int32") * num_beams  # each row's first of `(batch * beams)`

        def best_beams(log_probs):
            """Each row's highest-scoring beam, `(batch,)`."""
            return ops.cast(ops.argmax(ops.reshape(log_probs, (-1, num_beams)), axis=-1), "int32")

        def along_beams(x, beam_indices):
            """Rows of `x` (`(batch * beams, ...)`) reordered to `beam_indices` (`(batch, beams)`)."""
            rows = ops.reshape(ops.cast(beam_indices, "int32") + first_beams[:, None], (-1,))
            return ops.take(x, rows, axis=0)

        def best_beam_unfinished(prompt, cache, index, log_probs):
            if stop_token_ids is None:
                return ops.convert_to_tensor(True)
            generated_stop = ops.logical_and(
                ops.any(ops.stack([ops.equal(prompt, stop) for stop in stop_token_ids]), axis=0),
                ops.logical_not(mask),
            )
            ended = ops.reshape(ops.any(generated_stop, axis=-1), (-1, num_beams))
            return ops.logical_not(ops.all(ops.take_along_axis(ended, best_beams(log_probs)[:, None], axis=1)))

        def step(prompt, cache, index, log_probs):
            logits, _, cache = next(prompt, cache, index)
            vocabulary_size = ops.shape(logits)[-1]
            candidates = ops.log(self.compute_probabilities(logits)) + log_probs[:, None]
            candidates = ops.reshape(candidates, (-1, num_beams * vocabulary_size))
            best, indices = ops.top_k(candidates, k=num_beams, sorted=False)
            beam_indices = indices // vocabulary_size
            next_token = ops.cast(ops.reshape(indices % vocabulary_size, (-1,)), prompt.dtype)
            prompt = along_beams(prompt, beam_indices)
            cache = tree.map_structure(lambda x: along_beams(x, beam_indices), cache)
            next_token = ops.where(mask[:, index], prompt[:, index], next_token)  # the prompt stays
            prompt = ops.slice_update(prompt, [0, index], next_token[:, None])
            return prompt, cache, index + 1, _same_shape(ops.reshape(best, (-1,)), log_probs)

        prompt, _, _, log_probs = self.run_loop(best_beam_unfinished, step, model=model,
                                                loop_vars=(prompt, cache, index, log_probs),
                                                maximum_iterations=max_length - index)
        return ops.take(prompt, best_beams(log_probs) + first_beams, axis=0)


def _same_shape(x, like):
    """`x` with the static shape of `like` (TensorFlow's while loop wants its loop variables' shapes kept)."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.ensure_shape(x, like.shape)
    return x
