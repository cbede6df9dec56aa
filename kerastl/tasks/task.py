"""`Task`: the interface every kerastl task has, built in or from a plugin.

A task is a definition: what a record is, how it is tokenized, which head and loss the model
has, how outputs become predictions and how they are scored. The public verbs (`fit`,
`evaluate`, `predict`, `save`, `load`, and `kerastl.export.export_task`) are the same for
every task and delegate to three parts kept apart:

- `kerastl.training.Trainer` fits (batching, optimizer, checkpoints, strategies);
- `kerastl.tasks.inference.predict_outputs` is the one inference loop;
- `kerastl.tasks.model_folder` writes and checks the saved folder.

The hooks a subclass defines, in one place (required ones marked *):

| hook | called by | default |
| --- | --- | --- |
| `record_from_example(example)` * | `read` on in-memory examples | - |
| `read_file(path, **options)` * | `read` on a file or folder | - |
| `setup(records)` | the first `fit`, before the model is built | nothing |
| `encode(records, with_targets)` * | `fit` (and the default `inference_features`) | - |
| `build_model(encoder)` * | the first `fit` and `prepare` | - |
| `loss()` * | `fit` | - |
| `fit_metrics()` | `fit`'s progress bar | none |
| `target_padding` | padding of ragged targets | 0 |
| `head_size()` * | `load`: the model's output width the config implies | - |
| `inference_features(records)` | `predict_outputs` | `encode(records, with_targets=False)` features |
| `forward(batch, **options)` | `predict_outputs`, one batch of rows | the model on padded `token_ids` |
| `forward_state()` | `reused_outputs`: what else `forward` reads, so outputs are reused only while it holds | nothing with the default `forward`, else the task's config |
| `loss_comes_from_outputs()`, `loss_from_outputs(records, outputs)` | each epoch's `val_loss`, from the epoch's prediction pass | with the default `forward` and one output vector per example: `loss()` on the outputs (NER defines its own, on sub-token logits); otherwise Keras runs a validation pass of its own |
| `decode(outputs, records)` * | `predict`, `evaluate` | - |
| `score(records, predictions)` * | `evaluate` | - |
| `calibrate(records)` | `fit`, after training, on the validation records | nothing |
| `main_metric` | reports, best epoch | the first usual score |
| `report_figures(records, predictions, folder)` | `kerastl train` after training | none |
| `serving_function()`, `serving_metadata()` | `kerastl.export.export_task` | no export |
| `save_assets(folder)`, `load_assets(folder)` | `save`, `load` | nothing |
| `cli_options` | `kerastl train TASK` (its own flags) | none |
| `data_from_cli(train, validation, options)` | `kerastl train TASK` | the --train/--validation values |
"""

import keras
import numpy as np

from kerastl.backbones import DEFAULT_BACKBONE, load_backbone
from kerastl.errors import DataError, KerastlError, Location
from kerastl.layers import BackboneEncoder, text_inputs
from kerastl.precision import check_precision, keras_dtype_policy
from kerastl.preprocessing import SpecialTokens
from kerastl.tasks import inference, model_folder
from kerastl.data.records import read_records


class Task:
    """Base class of kerastl tasks: `fit`, `evaluate`, `predict`, `save`, `load`.

    Args:
        backbone: a backbone name for `kerastl.backbones.load_backbone`.
        max_length: the longest token sequence fed to the backbone, special tokens included.
        freeze: "none", "all", or the number of bottom transformer layers to freeze.
        lora_rank: enables low-rank adaptation of this rank when set.
        pooling: "auto" (the backbone's choice: "last" for causal decoders, "mean" for
            encoders), "cls", "mean", "max" or "last" (for tasks with one vector per example).
        dropout: dropout before the head.
        learning_rate: peak learning rate of AdamW (warmup, then cosine decay).
        weight_decay: AdamW weight decay (not applied to biases and norms).
        warmup_ratio: fraction of the training steps spent warming up.
        seed: seed for weight initialization and shuffling.
        precision: "float32"; "mixed_bfloat16" (Keras' mixed precision: the backbone's layers
            compute in bfloat16); "onednn_bfloat16" (a float32 model whose matrix products
            TensorFlow's oneDNN rewrite runs in bfloat16 on the CPU); or "auto"
            ("mixed_bfloat16" where the CPU has bfloat16 instructions, "float32" elsewhere).
            See `kerastl.precision`. Heads and losses stay in float32.
        pretrained_weights: False builds the backbone's architecture with random weights
            (a from-scratch baseline, as `kerastl curve` trains beside the pretrained one).
    """

    #: Set by the registry to the name the task is registered under.
    name = None

    def __init__(
        self,
        backbone=DEFAULT_BACKBONE,
        *,
        max_length=128,
        freeze="none",
        lora_rank=None,
        pooling="auto",
        dropout=0.1,
        learning_rate=5e-5,
        weight_decay=0.01,
        warmup_ratio=0.1,
        seed=0,
        precision="float32",
        pretrained_weights=True,
    ):
        if not isinstance(max_length, int) or max_length < 4:
            raise ValueError(f"`max_length` must be an integer of at least 4. Received: max_length={max_length!r}")
        if learning_rate <= 0:
            raise ValueError(f"`learning_rate` must be positive. Received: learning_rate={learning_rate!r}")
        self.backbone = str(backbone)
        self.max_length = max_length
        self.freeze = freeze
        self.lora_rank = lora_rank
        self.pooling = pooling
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.seed = seed
        self.precision = check_precision(precision)
        self.pretrained_weights = bool(pretrained_weights)
        self.model = None
        self.tokenizer = None
        self.history = None
        self.trainer = None
        #: What the last `fit`'s `calibrate` learned and measured (JSON-ready), or None.
        self.calibration = None
        self._traced_call = None
        self._output_memo = None  # see `kerastl.tasks.inference.reused_outputs`

    # === Hooks: data ===

    def record_from_example(self, example):
        """Turn one user example (a dict, tuple or string) into a record dict (required)."""
        raise NotImplementedError

    def read_file(self, path, **options):
        """Read a local file or folder into a list of records (required)."""
        raise NotImplementedError

    def setup(self, records):
        """Learn from the training records what the model depends on (e.g. label names)."""

    def encode(self, records, with_targets):
        """Tokenize records into `(features, targets)`; `features["token_ids"]` is ragged (required).

        Targets are a tensor (one per record) or ragged (one per token, padded with
        `target_padding`); None when `with_targets` is False.
        """
        raise NotImplementedError

    #: Padding value of ragged targets (token-level tasks use a class the loss ignores).
    target_padding = 0

    # === Hooks: model ===

    def build_model(self, encoder):
        """Return a `keras.Model` taking `token_ids` and `padding_mask` through `encoder` (required)."""
        raise NotImplementedError

    def loss(self):
        """The Keras loss `fit` minimizes (required)."""
        raise NotImplementedError

    def fit_metrics(self):
        """Keras metrics shown in the progress bar during `fit`."""
        return []

    def head_size(self):
        """How many outputs the model's last axis has for this task's config (e.g. the number of
        labels); `load` refuses a folder whose model does not match (required)."""
        raise NotImplementedError

    # === Hooks: inference (one loop: `kerastl.tasks.inference.predict_outputs`) ===

    def inference_features(self, records):
        """What the model reads for `records`: a dict of tensors with one row per record.

        The inference loop sorts rows by their `length` feature when there is one (e.g. the
        sub-tokens of a row of words), else by the length of `token_ids` (or of the first
        ragged feature), batches them and hands each batch to `forward`.
        """
        return self.encode(records, with_targets=False)[0]

    def forward(self, batch):
        """Run the model on one batch of `inference_features` rows; return one output per row.

        The default pads `token_ids`, runs the model (one trace for every batch shape) and
        returns numpy rows; token-level rows are cut to their row's length.
        """
        if self._traced_call is None:
            self._traced_call = inference.traced_call(self.model)
        outputs = self._traced_call(inference.padded_batch(batch, self.pad_id))
        lengths = batch["token_ids"].row_lengths().numpy()
        return [row[:length] if row.ndim == 2 else row for row, length in zip(outputs, lengths)]

    def forward_state(self):
        """What `forward` reads besides the model and its options, JSON-ready (see `reused_outputs`).

        Inside `kerastl.tasks.inference.reused_outputs` outputs are reused while this is the
        same. The default `forward` reads only the model (None); for a task with its own
        `forward` the default is the whole config. A task whose `decode` applies part of its
        config (a temperature, a decoding rule) leaves that part out, so changing it reuses
        the model's outputs.
        """
        if type(self).forward is Task.forward:
            return None
        return self.get_config()

    def decode(self, outputs, records):
        """Turn per-record outputs (in record order) into typed predictions (required)."""
        raise NotImplementedError

    # === Hooks: results ===

    def score(self, records, predictions):
        """Return the field's metrics (a dict of floats, or nested dicts) for `predictions` (required)."""
        raise NotImplementedError

    def calibrate(self, records):
        """Learn, after training, what turns the model's outputs into answers on labeled `records`.

        `fit` calls it with the validation records (unless `calibrate=False`): a task fits what
        its answers depend on beyond the weights, e.g. a softmax temperature that makes scores
        match accuracy, or per-label decision thresholds, and keeps it in `get_config` so it is
        saved with the model and used by `predict` and the export. The default learns nothing.

        Returns:
            JSON-ready facts about what was learned (e.g. the calibration error before and
            after), kept in `self.calibration` and written to a run's `metrics.json`; or None.
        """
        return None

    #: The key of `score`'s result that reports and the best epoch follow (higher is better);
    #: None means the first usual score `score` returns.
    main_metric = None

    def report_figures(self, records, predictions, folder):
        """Write the task's own figures and tables about `predictions` into `folder`.

        `kerastl train` calls this on the validation records after training; `kerastl report`
        shows what it returns after the training curves. The default adds nothing.

        Args:
            records: the labeled records that were predicted.
            predictions: the task's predictions for `records`, in the same order.
            folder: the run's output folder; images go there, named relative to it.

        Returns:
            A list of `kerastl.reporting.ReportItem`s (an image file name or a table each).
        """
        return []

    # === Hooks: serving ===

    def serving_function(self):
        """Return the `tf.function` an export serves: raw strings in, the task's answer out.

        `kerastl.export.export_task` saves it as the SavedModel's `serving_default` signature.
        It takes one argument, `texts` (`tf.TensorSpec([None], tf.string)`), and returns a
        dict of tensors whose first axis is the batch. Build the model inputs in the graph with
        `self.serving_inputs(texts)`. The default supports no export.

        Raises:
            KerastlError: when the task cannot be exported.
        """
        raise KerastlError(
            f"The '{self.name or type(self).__name__}' task does not support export for serving yet: "
            f"{type(self).__name__} implements no `serving_function()`. Fix: use `kerastl predict` or "
            "Task.predict for this task, or implement `serving_function` in the task."
        )

    def serving_metadata(self):
        """Return JSON-ready facts a client of the export needs (e.g. label names); default none."""
        return {}

    def serving_inputs(self, texts):
        """Tokenize a `tf.string` batch in the graph into padded `token_ids` and `padding_mask`."""
        from kerastl.export.serving_inputs import serving_inputs

        return serving_inputs(self.tokenizer, texts, self.max_length)

    # === Hooks: saving ===

    def save_assets(self, folder):
        """Write what the task needs besides the model and tokenizer (e.g. a second tokenizer) into `folder`."""

    def load_assets(self, folder):
        """Read back what `save_assets` wrote; called by `load` once the model is loaded."""

    # === Hooks: command line ===

    #: The task's own `kerastl train` flags: a list of `kerastl.cli.TaskOption`s (constructor or
    #: reader options); `kerastl train TASK --help` lists them.
    cli_options = ()

    @classmethod
    def data_from_cli(cls, train, validation, options):
        """The training and validation sources from `kerastl train`'s --train/--validation values
        and the task's "data" options (translation pairs --source with --target)."""
        return train, validation

    # === Configuration ===

    def get_config(self):
        """Return the constructor arguments, enough to rebuild the task with `from_config`."""
        return {
            "backbone": self.backbone,
            "max_length": self.max_length,
            "freeze": self.freeze,
            "lora_rank": self.lora_rank,
            "pooling": self.pooling,
            "dropout": self.dropout,
            "learning_rate": self.learning_rate,
            "weight_decay": self.weight_decay,
            "warmup_ratio": self.warmup_ratio,
            "seed": self.seed,
            "precision": self.precision,
            "pretrained_weights": self.pretrained_weights,
        }

    @classmethod
    def from_config(cls, config):
        """Create a task from `get_config()` output."""
        return cls(**config)

    # === Data ===

    def read(self, source, **options):
        """Read any supported data source into `kerastl.tasks.Records`.

        Args:
            source: a list of examples (dicts, tuples or strings), a `tf.data.Dataset`, a path
                to a local file or folder, `"tfds:NAME[:SPLIT]"` for a TensorFlow Datasets
                dataset, or `Records` read before (returned as they are).
            **options: passed to the file reader (for example `text_column`).

        Returns:
            `Records`, a list of record dicts.

        Raises:
            DataError: for a source that holds no examples or malformed ones.
        """
        return read_records(self, source, **options)

    # === Training ===

    def fit(self, train, validation=None, *, epochs=3, batch_size=32, callbacks=None, verbose="auto",
            checkpoint_dir=None, checkpoint_every=None, distribution=None, early_stopping_patience=None,
            restore_best=None, accumulate_steps=1, calibrate=True):
        """Fine-tune on `train`; report the loss (and `validation` loss) each epoch.

        Args:
            train: training data, any source `read` accepts.
            validation: optional validation data.
            epochs: passes over the training data.
            batch_size: examples per step.
            callbacks: Keras callbacks.
            verbose: Keras' verbosity ("auto", 0, 1, 2).
            checkpoint_dir: a folder for step-level checkpoints (model and optimizer state). When
                it holds one from an interrupted run with the same settings, training resumes
                from it, at the step it was written (see `kerastl.training.fit_resumable`).
            checkpoint_every: with `checkpoint_dir`, checkpoint every this many steps (besides
                every epoch end).
            distribution: train over several devices or workers with `tf.distribute`:
                "mirrored", "multiworker" (reads `TF_CONFIG`), "tpu", or a
                `tf.distribute.Strategy`. `batch_size` is then the global batch size. Pass it
                on the first `fit`: the model is built under the strategy's scope. With several
                workers each trains on its share of every batch, and only the chief writes
                checkpoints (`kerastl.training.is_chief` tells whether to `save`).
            early_stopping_patience: stop after this many epochs in which the validation score
                (the task's own metric: accuracy, entity F1, BLEU; the loss without one) did not
                beat the best epoch's. Needs `validation`.
            restore_best: end with the weights of the best validation epoch (default: with
                early stopping only). `self.trainer.best_epoch.summary()` says which was kept.
                With `checkpoint_dir`, the best weights are checkpointed too and survive a
                restart.
            accumulate_steps: update the weights every this many batches, with their mean
                gradient: an effective batch of `accumulate_steps * batch_size` at the memory
                of one batch.
            calibrate: after training, let the task learn from `validation` what its answers
                depend on beyond the weights (`calibrate`: a temperature, thresholds); what it
                learned and measured is in `self.calibration`.

        Returns:
            The Keras `History` object.
        """
        from kerastl.training.trainer import Trainer

        self.trainer = Trainer(self, distribution)  # first: "multiworker" must precede any TF operation
        train_records = self.read(train)
        validation_records = self.read(validation) if validation is not None else None
        # Calibration predicts the validation records the last epoch's metrics predicted: once is enough.
        with inference.reused_outputs(self):
            self.history = self.trainer.fit(train_records, validation_records, epochs=epochs, batch_size=batch_size,
                                            callbacks=callbacks, verbose=verbose, checkpoint_dir=checkpoint_dir,
                                            checkpoint_every=checkpoint_every,
                                            early_stopping_patience=early_stopping_patience,
                                            restore_best=restore_best, accumulate_steps=accumulate_steps)
            self.calibration = (self.calibrate(validation_records) if calibrate and validation_records is not None
                                else None)
        return self.history

    def prepare(self, train_records):
        """Learn what the data decide (`setup`) and build the model; the first `fit` does this."""
        try:
            self.setup(train_records)
        except DataError as error:
            raise _naming_source_file(error, train_records) from None
        self.build()

    def build(self):
        """Load the backbone and tokenizer and build the task's model."""
        keras.utils.set_random_seed(self.seed)
        policy = keras_dtype_policy(self.precision)
        backbone, self.tokenizer = load_backbone(self.backbone, load_weights=self.pretrained_weights, dtype=policy)
        encoder = BackboneEncoder(backbone, pooling=self.pooling, freeze=self.freeze, lora_rank=self.lora_rank,
                                  dtype=policy)
        self.model = self.build_model(encoder)
        self._traced_call = None

    def model_inputs(self):
        """The Keras inputs every task model takes: `token_ids` and `padding_mask`."""
        return text_inputs()

    # === Inference ===

    def predict(self, inputs, *, batch_size=64):
        """Predict for `inputs` (strings, examples, or any source `read` accepts).

        Returns:
            A list of the task's typed predictions, one per input, in input order.
        """
        records = self.read([inputs] if isinstance(inputs, str) else inputs)
        return self.decode(self.predict_outputs(records, batch_size=batch_size), records)

    def evaluate(self, data, *, batch_size=64, **read_options):
        """Predict on labeled `data` and return the field's metrics as a dict."""
        records = self.read(data, **read_options)
        return self.score(records, self.predict(records, batch_size=batch_size))

    def predict_outputs(self, records, batch_size=64, **forward_options):
        """The model's outputs for `records`, one per record in record order (see `kerastl.tasks.inference`).

        `forward_options` go to `forward` (e.g. translation's `num_beams`).
        """
        self._require_model()
        return inference.predict_outputs(self, records, batch_size=batch_size, **forward_options)

    def loss_comes_from_outputs(self):
        """True when `loss_from_outputs` can give the loss: `forward` is the default one, so the
        outputs are the model's own, and the model has one output vector per example."""
        outputs = getattr(self.model, "outputs", None) or []
        return type(self).forward is Task.forward and len(outputs) == 1 and len(outputs[0].shape) == 2

    def loss_from_outputs(self, records, outputs):
        """The mean `loss()` over labeled `records`, from their `predict_outputs` rows.

        It is what Keras' validation pass reports as `val_loss`, without running the model again
        (Keras would add the model's regularization losses too; kerastl's heads have none).

        Returns:
            A float, or None when `loss_comes_from_outputs()` is False.
        """
        if not self.loss_comes_from_outputs():
            return None
        targets = self.encode(records, with_targets=True)[1]
        return float(keras.ops.convert_to_numpy(self.loss()(targets, np.stack(outputs).astype("float32"))))

    @property
    def pad_id(self):
        """The id batches of `token_ids` are padded with (the tokenizer's padding id)."""
        return SpecialTokens.of(self.tokenizer).pad

    def _require_model(self):
        if self.model is None:
            raise RuntimeError(
                f"The {self.name or type(self).__name__} task has no model yet. Call `fit` first, "
                "or load a trained one with `kerastl.load(path)`."
            )

    # === Saving ===

    def save(self, path, overwrite=False, keep=()):
        """Save the whole task to the folder `path`: config, model, weights and tokenizer.

        The folder is written beside `path` and renamed into place when complete, so an
        interrupted save never leaves a half-written model where a good one was.

        Args:
            path: the model folder to write.
            overwrite: replace `path` when it holds a kerastl model already. A folder of
                other files is never replaced.
            keep: names of entries of the existing `path` the new folder keeps (a training
                run keeps its checkpoint and logs until its metrics are written).

        Raises:
            OutputError: `path` holds other files, or a model and `overwrite` is False.
        """
        self._require_model()
        model_folder.save_task_folder(self, path, overwrite=overwrite, keep=keep)

    @classmethod
    def load(cls, path):
        """Load a task folder written by `save` (same as `kerastl.load`).

        Raises:
            ModelLoadError: when the folder is missing, incomplete, of another task, or its
                head does not match its label set.
        """
        return model_folder.load_task_folder(path, task_class=None if cls is Task else cls)


def _naming_source_file(error, records):
    """`error` with the records' file as its location when it names none (e.g. one label in all)."""
    paths = {getattr(r.get("where"), "path", None) for r in records}
    if error.where is not None or len(paths) != 1 or None in paths:
        return error
    return DataError(error.message, where=Location(paths.pop()), fix=error.fix)
