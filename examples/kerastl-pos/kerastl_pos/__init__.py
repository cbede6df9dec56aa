"""kerastl-pos: a part-of-speech tagging task for kerastl, registered through an entry point."""

from kerastl_pos.pos_prediction import PosPrediction
from kerastl_pos.pos_task import PosTask

__all__ = ["PosPrediction", "PosTask"]
