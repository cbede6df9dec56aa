"""Gradient accumulation: 4 accumulated batches of 8 make the update one batch of 32 makes."""

import numpy as np
import pytest

from kerastl.tasks import ClassificationTask

WORDS = ["good", "bad", "fine", "awful", "great", "dull", "nice", "poor"]
ROWS = [(f"a {WORDS[i % 8]} film {'indeed ' * (i % 3)}", "positive" if i % 2 == 0 else "negative") for i in range(32)]


def one_update(backbone, batch_size, accumulate_steps):
    task = ClassificationTask(str(backbone), max_length=16, dropout=0.0, learning_rate=1e-3, warmup_ratio=0.0,
                              labels=["negative", "positive"])
    task.fit(ROWS, epochs=1, batch_size=batch_size, accumulate_steps=accumulate_steps, verbose=0)
    optimizer = task.model.optimizer
    moments = [np.array(v) for v in optimizer.variables if "momentum" in v.path]
    return task, int(optimizer.iterations.numpy()), moments, [np.array(w) for w in task.model.get_weights()]


def test_four_accumulated_batches_of_eight_update_as_one_batch_of_32(backbone_without_dropout, monkeypatch):
    """Compared without gradient clipping: Keras clips the embedding gradient of one batch (sparse
    `IndexedSlices`) by the norm of its unmerged rows, which overstates it when a token repeats in
    the batch, while accumulated gradients are dense and clipped by their true norm."""
    from kerastl.training import trainer

    clipped = trainer.warmup_cosine_adamw

    def unclipped(*args, **kwargs):
        optimizer = clipped(*args, **kwargs)
        optimizer.clipnorm = optimizer.global_clipnorm = None
        return optimizer

    monkeypatch.setattr(trainer, "warmup_cosine_adamw", unclipped)
    _, big_steps, big_moments, big_weights = one_update(backbone_without_dropout, 32, 1)
    _, accumulated_steps, accumulated_moments, accumulated_weights = one_update(backbone_without_dropout, 8, 4)
    assert big_steps == accumulated_steps == 1  # one optimizer update each
    # After one update Adam's first moment is (1 - beta_1) g of the gradient g it applied: the same
    # moment, the same gradient. (The second moment of a sparse embedding gradient squares its
    # unmerged rows, and the weights move by about the learning rate times the sign of g, so
    # elements with a gradient near 0 differ by rounding: neither is compared.)
    assert len(big_moments) == len(accumulated_moments) > 0
    for big, accumulated in zip(big_moments, accumulated_moments):
        np.testing.assert_allclose(accumulated, big, rtol=1e-3, atol=1e-12)
    assert any(np.abs(a).sum() > 0 for a in big_moments)  # an update with a real gradient happened


def test_without_accumulation_four_batches_of_eight_make_four_updates(backbone_without_dropout):
    _, steps, _, _ = one_update(backbone_without_dropout, 8, 1)
    assert steps == 4


def test_a_bad_accumulation_is_refused(tiny_backbone):
    from kerastl.errors import KerastlError

    task = ClassificationTask(str(tiny_backbone), max_length=16)
    with pytest.raises(KerastlError, match="accumulate_steps must be a positive integer"):
        task.fit(ROWS, epochs=1, batch_size=8, accumulate_steps=0, verbose=0)
