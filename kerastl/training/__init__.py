"""Training beyond one plain `fit`: step-level checkpoints, resuming, and tf.distribute strategies."""

from kerastl.training.distributable_batches import distributable_batches
from kerastl.training.distribution import resolve_distribution
from kerastl.training.is_chief import is_chief
from kerastl.training.resumable_fit import fit_resumable
from kerastl.training.step_checkpoint import StepCheckpoint, read_checkpoint, restore_checkpoint

__all__ = [
    "StepCheckpoint",
    "distributable_batches",
    "fit_resumable",
    "is_chief",
    "read_checkpoint",
    "resolve_distribution",
    "restore_checkpoint",
]
