"""`PretrainCheckpoint`: the resumable state of a pretraining run, saved atomically."""

from pathlib import Path

import keras

from kerastl.atomic_files import atomic_folder
from kerastl.errors import KerastlError
from kerastl.training.checkpoint import (STATE_FILE, VARIABLES_FILE, read_state, restore_checkpoint,
                                         save_variables, training_variables, write_state)

#: The weights file of checkpoints written before pretraining used `kerastl.training.checkpoint`'s
#: format; such a checkpoint still resumes.
LEGACY_WEIGHTS_FILE = "model.weights.h5"
VOCABULARY_FILE = "vocabulary.txt"
SENTENCE_PIECE_FILE = "vocabulary.spm"


class PretrainCheckpoint:
    """A checkpoint folder: model weights, optimizer state, learned vocabulary and the step counter.

    The folder has `kerastl.training.checkpoint`'s format (`state.json`, and `variables.npz`:
    the model's and its optimizer's variables, the step counter `iterations` among them), plus
    the learned vocabulary.

    Every save writes a new folder beside the old one and renames it into place, so a run
    killed mid-save still finds its previous checkpoint.

    Args:
        folder: the checkpoint folder (`OUTPUT/checkpoint` for `kerastl pretrain`).

    Example:

    >>> from kerastl.pretrain.checkpoint import PretrainCheckpoint
    >>> checkpoint = PretrainCheckpoint("run/checkpoint")  # doctest: +SKIP
    >>> checkpoint.exists()  # doctest: +SKIP
    False
    """

    def __init__(self, folder):
        self.folder = Path(folder)

    def exists(self):
        """Whether a complete checkpoint is there."""
        return (self.folder / STATE_FILE).is_file()

    def save(self, objective, vocabulary, state):
        """Write the objective's weights and optimizer state, the vocabulary and `state` (a dict).

        Args:
            objective: the `PretrainingObjective` being trained.
            vocabulary: a learned WordPiece vocabulary (a list of tokens), a SentencePiece proto
                (`bytes`), or None when the backbone brought its own tokenizer.
            state: JSON-ready facts of the run (options, step, ...).
        """
        values = [keras.ops.convert_to_numpy(variable) for variable in training_variables(objective.model)]
        with atomic_folder(self.folder) as work:
            save_variables(work, values)
            if isinstance(vocabulary, bytes):
                (work / SENTENCE_PIECE_FILE).write_bytes(vocabulary)
            elif vocabulary is not None:
                (work / VOCABULARY_FILE).write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
            write_state(work, state)

    def read_state(self):
        """Return the saved state dict and vocabulary (as `save` took it: a list, bytes or None).

        Raises:
            KerastlError: when the checkpoint is unreadable.
        """
        fix = f"delete {self.folder} to start the pretraining over"
        try:
            state = read_state(self.folder, fix=fix)
            vocabulary = None
            if (self.folder / SENTENCE_PIECE_FILE).is_file():
                vocabulary = (self.folder / SENTENCE_PIECE_FILE).read_bytes()
            elif (self.folder / VOCABULARY_FILE).is_file():
                vocabulary = (self.folder / VOCABULARY_FILE).read_text(encoding="utf-8").split("\n")[:-1]
        except (OSError, ValueError) as error:
            raise KerastlError(f"The checkpoint in {self.folder} cannot be read ({error}). Fix: {fix}.")
        return state, vocabulary

    def restore(self, objective):
        """Load the saved weights and optimizer state into `objective` (compiled, same options).

        Raises:
            KerastlError: when the checkpoint does not fit the model.
        """
        fix = f"rerun with the options it was written with, or delete {self.folder} to start over"
        try:
            if (self.folder / LEGACY_WEIGHTS_FILE).is_file() and not (self.folder / VARIABLES_FILE).is_file():
                objective.build_optimizer()  # so loading fills its moments and step counter
                objective.model.load_weights(str(self.folder / LEGACY_WEIGHTS_FILE))
            else:
                restore_checkpoint(objective.model, self.folder, fix=fix)
        except (OSError, ValueError) as error:
            raise KerastlError(f"The checkpoint in {self.folder} does not fit this model ({error}). Fix: {fix}.")
