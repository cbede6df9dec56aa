"""Beam search for translation that stops as soon as its answer is known."""

import keras
import keras_hub
from keras import ops


@keras.saving.register_keras_serializable(package="kerastl")
class EarlyStoppingBeamSampler(keras_hub.samplers.BeamSampler):
    """keras-hub's beam search, stopping a batch once the best beam of every row has ended.

    keras-hub's `BeamSampler` loops until *every* beam of every row has produced a stop token,
    so one row whose weaker beams never end keeps its whole batch decoding to the length cap.
    In `generate` a finished beam puts all its probability on padding, so its score never
    changes, while an unfinished beam can only lose log-probability: once a row's best beam has
    ended, no later step can change which beam wins. Stopping there gives the same output.
    """

    def __call__(self, next, prompt, cache=None, index=0, mask=None, stop_token_ids=None, **kwargs):
        self._stop_token_ids = stop_token_ids
        return super().__call__(next, prompt, cache=cache, index=index, mask=mask,
                                stop_token_ids=stop_token_ids, **kwargs)

    def run_loop(self, cond, body, model=None, loop_vars=None, maximum_iterations=None):
        if self._stop_token_ids is not None:
            cond = self._best_beam_unfinished
        return super().run_loop(cond, body, model=model, loop_vars=loop_vars, maximum_iterations=maximum_iterations)

    def _best_beam_unfinished(self, prompt, cache, index, mask, log_probs):
        """True while some row's highest-scoring beam has not generated a stop token."""
        generated_stop = ops.logical_and(
            ops.any(ops.stack([ops.equal(prompt, stop) for stop in self._stop_token_ids]), axis=0),
            ops.logical_not(mask),
        )
        ended = ops.reshape(ops.any(generated_stop, axis=-1), (-1, self.num_beams))
        best = ops.argmax(ops.reshape(log_probs, (-1, self.num_beams)), axis=-1)
        best_ended = ops.take_along_axis(ended, best[:, None], axis=1)
        return ops.logical_not(ops.all(best_ended))
