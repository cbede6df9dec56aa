"""`TopicTask`: classify a short text into a topic (sports, politics, science, ...)."""

import keras

from kerastl.layers import ClassificationHead, text_inputs
from kerastl.tasks import ClassificationTask


class TopicTask(ClassificationTask):
    """Topic classification: text classification with a deeper head and a `topic` field.

    Registered by this package's entry point as `topic`; kerastl sets `TopicTask.name`.

    Args:
        backbone: a kerastl backbone name or folder.
        head_width: width of the hidden layer of the head.
        **kwargs: options of `kerastl.tasks.ClassificationTask` (labels, max_length, freeze, ...).

    Example:

    >>> import kerastl
    >>> task = kerastl.get_task("topic")("minilm-l6")  # doctest: +SKIP
    >>> task.fit([("The team won the final", "sports"), ("Parliament passed the bill", "politics")])  # doctest: +SKIP
    """

    def __init__(self, backbone="minilm-l6", *, head_width=64, pooling="cls", **kwargs):
        super().__init__(backbone, pooling=pooling, **kwargs)
        self.head_width = head_width

    def get_config(self):
        return {**super().get_config(), "head_width": self.head_width}

    def record_from_example(self, example):
        if isinstance(example, dict) and "topic" in example:
            example = {**example, "label": example["topic"]}
        return super().record_from_example(example)

    def read_file(self, path, text_column=None, label_column=None, **options):
        return super().read_file(path, text_column=text_column, label_column=label_column or "topic", **options)

    def build_model(self, encoder):
        inputs = text_inputs()
        pooled = encoder(inputs)["pooled_output"]
        head = ClassificationHead(len(self.label_set), dropout=self.dropout, hidden_dim=self.head_width,
                                  name="topic_head")
        return keras.Model(inputs, head(pooled), name="topic_classifier")
