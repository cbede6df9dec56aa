"""Training beyond one plain `fit`: the epoch-metrics callback, checkpoints and resuming, tf.distribute
strategies, and the learning-rate sweep (`find_learning_rate`)."""

from kerastl.training.checkpoint import StepCheckpoint, read_checkpoint, restore_checkpoint
from kerastl.training.distribution import (KerasReduceMixin, MirroredStrategy, MultiWorkerStrategy, check_tf_config,
                                           distributable_batches, gather_from_replicas, is_chief,
                                           resolve_distribution)
from kerastl.training.epoch_metrics import EpochMetricsCallback
from kerastl.training.learning_rate_sweep import LearningRateSweep
from kerastl.training.lr_finder import find_learning_rate
from kerastl.training.resumable_fit import fit_resumable

__all__ = [
    "EpochMetricsCallback",
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
