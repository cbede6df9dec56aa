"""Training beyond one plain `fit`: step-level checkpoints, resuming, tf.distribute strategies, and the
learning-rate sweep (`find_learning_rate`)."""

from kerastl.training.distributable_batches import distributable_batches
from kerastl.training.distribution import resolve_distribution
from kerastl.training.gather_from_replicas import gather_from_replicas
from kerastl.training.is_chief import is_chief
from kerastl.training.keras_reduce_mixin import KerasReduceMixin
from kerastl.training.learning_rate_sweep import LearningRateSweep
from kerastl.training.lr_finder import find_learning_rate
from kerastl.training.mirrored_strategy import MirroredStrategy
from kerastl.training.multi_worker_strategy import MultiWorkerStrategy
from kerastl.training.resumable_fit import fit_resumable
from kerastl.training.step_checkpoint import StepCheckpoint, read_checkpoint, restore_checkpoint
from kerastl.training.tf_config import check_tf_config

__all__ = [
    "KerasReduceMixin",
    "LearningRateSweep",
    "MirroredStrategy",
    "MultiWorkerStrategy",
    "StepCheckpoint",
    "check_tf_config",
    "distributable_batches",
    "find_learning_rate",
    "fit_resumable",
    "gather_from_replicas",
    "is_chief",
    "read_checkpoint",
    "resolve_distribution",
    "restore_checkpoint",
]
