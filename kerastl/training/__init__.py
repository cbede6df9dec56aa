"""Training that survives interruption: step-level checkpoints and resumable fitting."""

from kerastl.training.resumable_fit import fit_resumable
from kerastl.training.step_checkpoint import StepCheckpoint, read_checkpoint, restore_checkpoint

__all__ = ["StepCheckpoint", "fit_resumable", "read_checkpoint", "restore_checkpoint"]
