"""A public test harness: tiny random backbones of every family and the round trips every task must pass.

Plugin authors test their task the way kerastl tests its own:

>>> from kerastl.testing import make_tiny_backbone, run_task_test
>>> backbone_dir = make_tiny_backbone(tmp_path / "tiny", family="xlm_roberta")  # doctest: +SKIP
>>> run_task_test(MyTask, backbone_dir, train=[...], inputs=["some text"], tmp_path=tmp_path)  # doctest: +SKIP
"""

from kerastl.testing.hugging_face import HUGGING_FACE_FAMILIES, make_tiny_hugging_face_bert, make_tiny_hugging_face_folder
from kerastl.testing.task_test import assert_predictions_close, run_task_test
from kerastl.testing.tiny_backbones import ENCODER_FAMILIES, FAMILIES, make_tiny_backbone
from kerastl.testing.tiny_tokenizers import KOREAN_LINES, TINY_WORDS

#: Eight labeled reviews the tiny vocabulary covers, for quick sentiment tests.
TOY_REVIEWS = [
    ("a wonderful film with great music", "positive"),
    ("the best movie i loved it", "positive"),
    ("really good story and a fine ending", "positive"),
    ("great actors and a wonderful plot", "positive"),
    ("an awful boring movie", "negative"),
    ("the worst film i hated it", "negative"),
    ("dull plot and terrible music", "negative"),
    ("bad actors and a boring ending", "negative"),
]

__all__ = [
    "ENCODER_FAMILIES", "FAMILIES", "HUGGING_FACE_FAMILIES", "KOREAN_LINES", "TINY_WORDS", "TOY_REVIEWS", "assert_predictions_close",
    "make_tiny_backbone", "make_tiny_hugging_face_bert", "make_tiny_hugging_face_folder", "run_task_test",
]
