"""`TextClassifierTask`: what single-label and multi-label text classification share.

One pooled vector per text, or per pair of texts packed into one sequence, and a head with
one logit per label. `ClassificationTask` (softmax, a temperature, class weights) and
`MultiLabelTask` (sigmoids, a threshold per label) derive from it side by side.
"""

from pathlib import Path

import keras
import tensorflow as tf

from kerastl.errors import DataError, Location
from kerastl.export.serving_inputs import serving_inputs, serving_pair_inputs
from kerastl.layers import ClassificationHead, text_inputs
from kerastl.preprocessing import tokenize_text_pairs, tokenize_texts
from kerastl.tasks.labelled_task import LabelledTask


class TextClassifierTask(LabelledTask):
    """A task that gives every text (or text pair) one logit per label.

    It reads files by their kind (`read_file`: a folder per class or its `.tar.gz`, a `.jsonl`
    file, else a TSV/CSV table, each through the subclass's `read_folder`, `read_jsonl` or
    `read_table`), tokenizes texts and pairs (`encode_texts`), builds the pooled head
    (`build_model`), and serves raw strings through the subclass's `serving_outputs`.

    Subclasses define what their labels are: `record_from_example`, `read_table`,
    `read_jsonl`, `encode` (with `encode_texts` and their targets), `loss`, `decode`,
    `score` and `serving_outputs`.

    Args:
        backbone: a backbone name (see `kerastl.backbones`).
        labels: the label names in head order; learned from the training data when None.
        **kwargs: the shared options of `kerastl.tasks.Task` (max_length, freeze, lora_rank, ...).
    """

    #: Whether every example is a pair of texts (None: learned from the first training record).
    text_pairs = False

    # === Data ===

    def read_file(self, path, **options):
        """Read a folder per class (or its `.tar.gz`), a JSONL file or a TSV/CSV table."""
        path = Path(path)
        if path.is_dir() or path.name.endswith((".tar.gz", ".tgz")):
            return self.read_folder(path, **options)
        if path.suffix == ".jsonl":
            return self.read_jsonl(path, **options)
        return self.read_table(path, **options)

    def read_folder(self, path, **options):
        """Read a folder with one subfolder of text files per label; refused by default."""
        raise DataError(f"a folder per class gives each text one label; the {self.name or type(self).__name__} task "
                        "reads tables and JSONL", where=Location(str(path)),
                        fix="give a TSV/CSV table or a JSONL file")

    def read_jsonl(self, path, **options):
        """Read a JSON Lines file of examples."""
        raise NotImplementedError

    def read_table(self, path, **options):
        """Read a TSV/CSV table of examples."""
        raise NotImplementedError

    def setup(self, records):
        super().setup(records)
        if self.text_pairs is None:
            self.text_pairs = "text_pair" in records[0]

    def encode_texts(self, records):
        """The features of `records`: ragged `token_ids`, and `segment_ids` for pairs whose
        model reads them (BERT, ELECTRA, ALBERT backbones)."""
        self._check_text_pairs(records)
        texts = [r["text"] for r in records]
        if not self.text_pairs:
            return {"token_ids": tokenize_texts(self.tokenizer, texts, self.max_length)}
        features = tokenize_text_pairs(self.tokenizer, texts, [r["text_pair"] for r in records], self.max_length)
        if not self.model_takes_segment_ids():
            del features["segment_ids"]
        return features

    def model_takes_segment_ids(self):
        """Whether the model has a `segment_ids` input (a pair model on a BERT, ELECTRA or ALBERT backbone)."""
        return isinstance(self.model.input, dict) and "segment_ids" in self.model.input

    def _check_text_pairs(self, records):
        """A `DataError` naming the first record that is not what the task reads (a pair or a single text)."""
        odd = next((r for r in records if ("text_pair" in r) != bool(self.text_pairs)), None)
        if odd is None:
            return
        if self.text_pairs:
            raise DataError(
                "the example is a single text, but this classifier reads text pairs (text and text_pair)",
                where=odd.get("where"),
                fix="give every example its second text: a table's --text-pair-column (text_pair_column=), "
                    "(text, text_pair) tuples or dicts with 'text_pair', or 'text<TAB>text_pair' lines to "
                    "kerastl predict",
            )
        raise DataError(
            "the example is a text pair, but this classifier reads single texts",
            where=odd.get("where"),
            fix="give single texts (no --text-pair-column, no 'text_pair'), or train a classifier on pairs",
        )

    # === Model ===

    def build_model(self, encoder):
        inputs = text_inputs()
        if self.text_pairs and encoder.takes_segment_ids:
            inputs["segment_ids"] = keras.Input(shape=(None,), dtype="int32", name="segment_ids")
        pooled = encoder(inputs)["pooled_output"]
        logits = ClassificationHead(self.head_size(), dropout=self.dropout, name="classification_head")(pooled)
        return keras.Model(inputs, logits, name="text_classifier")

    # === Serving ===

    def serving_function(self):
        """Raw strings in (`texts`, and `text_pairs` for a classifier of pairs: `tf.string`
        tensors of shape `(batch,)`), `serving_outputs` of the model's logits out."""
        model = self.model

        def answer(inputs):
            return self.serving_outputs(tf.cast(model(inputs, training=False), tf.float32))

        if self.text_pairs:
            with_segment_ids = self.model_takes_segment_ids()

            @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts"),
                                          tf.TensorSpec([None], tf.string, name="text_pairs")])
            def serve_pairs(texts, text_pairs):
                return answer(serving_pair_inputs(self.tokenizer, texts, text_pairs, self.max_length,
                                                  with_segment_ids=with_segment_ids))

            return serve_pairs

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            return answer(serving_inputs(self.tokenizer, texts, self.max_length))

        return serve

    def serving_outputs(self, logits):
        """The export's answer to float32 `logits` of shape `(batch, labels)`: a dict of tensors."""
        raise NotImplementedError

    def serving_metadata(self):
        return {"labels": [str(name) for name in self.label_set.names]}
