"""`PosTask`: tag every word of a sentence with its part of speech (CoNLL-2003's POS column)."""

import keras
import numpy as np
import tensorflow as tf

from kerastl.data import read_conll
from kerastl.errors import DataError
from kerastl.layers import TokenClassificationHead, text_inputs
from kerastl.options import TaskOption
from kerastl.preprocessing import SpecialTokens, word_alignment, word_splitting
from kerastl.preprocessing.text_tokenization import pack_token_ids as pack
from kerastl.tasks import LabelledTask
from kerastl.tasks.labels import LabelSet, normalize_label
from kerastl_pos.pos_prediction import PosPrediction


class PosTask(LabelledTask):
    """POS tagging: a word's first sub-token predicts its tag; words past `max_length` sub-tokens get None."""

    target_padding = -1  # sub-tokens that are not a word's first carry no tag; the loss ignores -1
    main_metric = "accuracy"
    cli_options = (TaskOption("--pos-column", "pos_column", applies_to="read", type=int,
                              help="0-based column of the POS tags in CoNLL files (default 1, as CoNLL-2003)."),)

    def record_from_example(self, example):  # a text, a list of words, or {"words": [...], "tags": [...]}
        if not isinstance(example, dict):
            example = {"words": word_splitting.split_words(example)[0] if isinstance(example, str) else list(example)}
        return {"words": list(example["words"]), "tags": example.get("tags"), "where": example.get("where")}

    def read_file(self, path, pos_column=1, token_column=0, **options):  # other options are for other readers
        return read_conll(path, token_column=token_column, tag_column=pos_column)

    def tags(self, record):
        if record.get("tags") is None or len(record["tags"]) != len(record["words"]):
            raise DataError("an example lacks one POS tag per word", where=record.get("where"), fix="tag every word")
        return [normalize_label(tag) for tag in record["tags"]]

    def learn_labels(self, records):
        return LabelSet(sorted({tag for record in records for tag in self.tags(record)}, key=str))

    def encode(self, records, with_targets=False):  # targets, or else a "word_index" feature, at first sub-tokens
        pieces = word_alignment.align_words(self.tokenizer, [record["words"] for record in records])
        pieces = {key: value.with_row_splits_dtype(tf.int64) for key, value in pieces.items()}  # as `pack` needs
        special = SpecialTokens.of(self.tokenizer)
        word_ids = pieces["word_ids"]  # at first sub-tokens we keep the word index, or with targets the tag id
        ids = [[self.label_set.id_of(t, r["where"]) for t in self.tags(r)] for r in records] if with_targets else None
        values = word_ids if ids is None else tf.gather(tf.ragged.constant(ids, tf.int32), word_ids, batch_dims=1)
        ignored = SpecialTokens(*(None if v is None else -1 for v in (special.start, special.end)), -1)
        marks = pack(tf.ragged.map_flat_values(tf.where, pieces["is_first"], values, -1), ignored, self.max_length)
        features = {"token_ids": pack(pieces["token_ids"], special, self.max_length)}
        return (features, marks) if with_targets else ({**features, "word_index": marks}, None)

    def build_model(self, encoder):
        head = TokenClassificationHead(len(self.label_set), dropout=self.dropout, name="pos_head")
        inputs = text_inputs()
        return keras.Model(inputs, head(encoder(inputs)["sequence_output"]), name="pos_tagger")

    def loss(self):
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)

    def forward(self, batch):  # the default per-token rows, kept at each word's first sub-token
        return [row[index >= 0] for row, index in zip(self.run_model(batch), batch["word_index"].numpy())]

    def validation_loss(self, records, outputs):  # `forward` keeps first sub-tokens: so must the targets
        targets = self.encode(records, with_targets=True)[1].flat_values.numpy()
        logits = np.concatenate(outputs).astype("float32")
        return float(keras.ops.convert_to_numpy(self.loss()(targets[targets >= 0][None], logits[None])))

    def decode(self, outputs, records):
        return [PosPrediction(list(r["words"]), [self.label_set.names[i] for i in logits.argmax(-1)]
                              + [None] * (len(r["words"]) - len(logits))) for r, logits in zip(records, outputs)]

    def serving_function(self):  # raw strings in; each word and its tag ("" past the cut), padded per batch
        from kerastl.export.serving_inputs import bounded_texts
        from kerastl.preprocessing.padding import padded_inputs

        names = tf.constant([str(name) for name in self.label_set.names])

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            words = word_splitting.split_words_in_graph(bounded_texts(texts))["words"]
            pieces = {key: value.with_row_splits_dtype(tf.int64)  # as `pack` needs
                      for key, value in word_alignment.align_words(self.tokenizer, words).items()}
            special = SpecialTokens.of(self.tokenizer)
            inputs = padded_inputs(pack(pieces["token_ids"], special, self.max_length), special.pad)
            logits = self.model(inputs, training=False)[:, int(special.start is not None):]
            first = pieces["is_first"][:, : self.max_length - special.count]  # the sub-tokens that fit
            tagged = tf.ragged.boolean_mask(tf.RaggedTensor.from_tensor(logits, lengths=first.row_lengths()), first)
            tags = tagged.with_flat_values(tf.gather(names, tf.argmax(tagged.flat_values, axis=-1, output_type=tf.int32)))
            return {"words": words.to_tensor(""), "tags": tags.to_tensor("", shape=tf.shape(words.to_tensor(""))),
                    "word_count": tf.cast(words.row_lengths(), tf.int32)}

        return serve

    def score(self, records, predictions):
        pairs = [(t, p) for r, prediction in zip(records, predictions) for t, p in zip(self.tags(r), prediction.tags)]
        return {"accuracy": sum(t == p for t, p in pairs) / max(len(pairs), 1), "words": len(pairs)}
