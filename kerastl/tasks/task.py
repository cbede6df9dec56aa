"""`Task`: the interface every kerastl task has, built in or from a plugin.

A task defines what a record is, how it is tokenized, its head and loss, how outputs become
predictions and how they are scored. The verbs (`fit`, `evaluate`, `predict`, `save`, `load`,
`kerastl.export.export_task`) are the same for every task: `kerastl.training.Trainer` fits,
`kerastl.tasks.inference` runs the one inference loop, `kerastl.tasks.model_folder` saves.

The hooks a subclass defines (required ones marked *):

| hook | called by | default |
| --- | --- | --- |
| `record_from_example(example)` * | `read` on in-memory examples | - |
| `read_file(path, **options)` * | `read` on a file or folder | - |
| `encode(records, with_targets)` * | `fit` (training rows), `predict` (one row per record) | - |
| `build_model(encoder)` * | the first `fit` | - |
| `loss()` * | `fit`, `validation_loss` | - |
| `decode(outputs, records)` * | `predict`, `evaluate`, the epoch metrics | - |
| `score(records, predictions)` * | `evaluate`, the epoch metrics | - |
| `get_config()` * | `save`, `kerastl train`'s config | - |
| `setup(records)` | the first `fit`, before the model is built | nothing |
| `forward(batch)` | the inference loop, one batch of `encode(..., False)` rows | `run_model` |
| `validation_loss(records, outputs)` | each epoch's `val_loss`, from its one prediction pass | `loss()` on the outputs; `None` (an attribute): Keras runs a validation pass |
| `calibrate(records, outputs)` | `fit`, after training, on the validation outputs | nothing |
| `report_figures(records, predictions, folder)` | `kerastl train`, after training | none |
| `serving_function()`, `serving_metadata()` | `kerastl.export.export_task` | no export |
| `save_assets(folder)`, `load_assets(folder)` | `save`, `load` | nothing |

Plain attributes: `name`, `main_metric`, `target_padding`, `fit_metrics`, `cli_options`,
`former_class_names`. Tasks with one head output per label derive from `LabelledTask`.
"""

import keras
import numpy as np

from kerastl.backbones import DEFAULT_BACKBONE, load_backbone
from kerastl.data.records import read_records
from kerastl.errors import DataError, KerastlError, OptionError
from kerastl.layers import BackboneEncoder
from kerastl.training.precision import check_precision, keras_dtype_policy
from kerastl.preprocessing import SpecialTokens
from kerastl.preprocessing.length_grouped_batches import default_length_multiple
from kerastl.preprocessing.padding import padded_batch
from kerastl.tasks import inference, model_folder
from kerastl.tasks.option_checks import check_shared_options


class Task:
    """Base class of kerastl tasks: `fit`, `evaluate`, `predict`, `save`, `load`.

    Args:
        backbone: a backbone name for `kerastl.backbones.load_backbone`.
        max_length: the longest token sequence fed to the backbone, special tokens included.
        freeze: "none", "all", or the number of bottom transformer layers to freeze.
        lora_rank: enables low-rank adaptation of this rank when set.
        pooling: "auto" (the backbone's choice: "last" for causal decoders, "mean" for
            encoders), "cls", "mean", "max", "last", or "pooler" (BERT's and ALBERT's own pooled
            output, the head of keras-hub's `TextClassifier`; for tasks with one vector per example).
        dropout: dropout before the head.
        learning_rate, weight_decay, warmup_ratio: AdamW's peak rate (warmup, then cosine decay),
            weight decay (not on biases and norms) and the fraction of steps spent warming up.
        seed: seed for weight initialization and shuffling.
        precision: "float32", "mixed_bfloat16" (the backbone computes in bfloat16),
            "onednn_bfloat16" (TensorFlow's oneDNN runs float32 matrix products in bfloat16) or
            "auto" (bfloat16 where the CPU has it); see `kerastl.training.precision`.
        pretrained_weights: False gives the backbone random weights (`kerastl curve`'s scratch line).
    """

    #: Set by the registry to the name the task is registered under.
    name = None
    #: The key of `score`'s result reports and the best epoch follow (None: the first usual one).
    main_metric = None
    #: Padding value of ragged targets (token-level tasks use a class the loss ignores).
    target_padding = 0
    #: Keras metrics shown in the progress bar during `fit` (names or metric objects).
    fit_metrics = ()
    #: The task's own command-line flags (`kerastl.options.TaskOption`s).
    cli_options = ()
    #: Class names of this task in folders saved by older releases (`load` accepts them).
    former_class_names = ()

    def __init__(self, backbone=DEFAULT_BACKBONE, *, max_length=128, freeze="none", lora_rank=None, pooling="auto",
                 dropout=0.1, learning_rate=5e-5, weight_decay=0.01, warmup_ratio=0.1, seed=0, precision="float32",
                 pretrained_weights=True):
        check_shared_options(max_length, freeze, lora_rank, dropout, learning_rate, weight_decay, warmup_ratio, seed)
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
        self._compiled_forward = None

    def record_from_example(self, example):
        """Turn one user example (a dict, tuple or string) into a record dict."""
        raise NotImplementedError

    def read_file(self, path, **options):
        """Read a local file or folder into a list of records."""
        raise NotImplementedError

    def encode(self, records, with_targets):
        """Tokenize records into `(features, targets)`; `features["token_ids"]` is ragged. With targets:
        training rows (parts of records, e.g. NER's windows) and their targets (per row, or ragged per
        token padded with `target_padding`). Without: one row per record for `forward`, and None."""
        raise NotImplementedError

    def build_model(self, encoder):
        """Return a `keras.Model` on `kerastl.layers.text_inputs()` through `encoder`."""
        raise NotImplementedError

    def loss(self):
        """The Keras loss `fit` minimizes."""
        raise NotImplementedError

    def decode(self, outputs, records):
        """Turn `forward` outputs (one per record, in record order) into typed predictions."""
        raise NotImplementedError

    def score(self, records, predictions):
        """Return the field's metrics (a dict of floats, or nested dicts) for `predictions`."""
        raise NotImplementedError

    def get_config(self):
        """Return the constructor arguments, enough to rebuild the task with `from_config`."""
        names = ("backbone", "max_length", "freeze", "lora_rank", "pooling", "dropout", "learning_rate", "weight_decay",
                 "warmup_ratio", "seed", "precision", "pretrained_weights")
        return {name: getattr(self, name) for name in names}

    # === Optional hooks ===

    def setup(self, records):
        """Learn from the training records what the model depends on (e.g. label names)."""

    def forward(self, batch):
        """One batch of `encode(records, with_targets=False)` rows in, one output per row out: by
        default the model's (`run_model`); NER wraps it in windows, translation generates."""
        return self.run_model(batch)

    def validation_loss(self, records, outputs):
        """Each epoch's `val_loss`: the mean `loss()` of labeled `records`' `forward` outputs against
        `encode(records, True)`'s targets (stacked, or flat per token when ragged). A task whose
        outputs do not give the loss sets `validation_loss = None`: Keras runs its own pass."""
        targets = self.encode(records, with_targets=True)[1]
        if hasattr(targets, "flat_values"):
            targets, outputs = targets.flat_values[None], np.concatenate(outputs)[None]
        else:
            outputs = np.stack(outputs)
        return float(keras.ops.convert_to_numpy(self.loss()(targets, outputs.astype("float32"))))

    def calibrate(self, records, outputs):
        """After training, learn from the validation `records` and their `forward` `outputs` (under
        the final weights: the model does not run again) what `decode` applies, e.g. a temperature
        or thresholds, kept in `get_config`. Returns JSON-ready facts (`self.calibration`) or None."""
        return None

    def report_figures(self, records, predictions, folder):
        """Write figures about the validation `predictions` into `folder`; return the
        `kerastl.reporting.ReportItem`s `kerastl report` shows (default: none)."""
        return []

    def serving_function(self):
        """Return the `tf.function` an export serves: `texts` (`tf.string`, `[None]`) in, a dict of
        batch-first tensors out (`kerastl.export.export_task`). Raises KerastlError by default."""
        raise KerastlError(f"The '{self.name or type(self).__name__}' task does not support export for serving "
                           f"yet: {type(self).__name__} implements no `serving_function()`. Fix: use `kerastl "
                           "predict` or Task.predict for this task, or implement `serving_function` in the task.")

    def serving_metadata(self):
        """Return JSON-ready facts a client of the export needs (e.g. label names); default none."""
        return {}

    def save_assets(self, folder):
        """Write what the task needs besides the model and tokenizer (e.g. a second tokenizer) into `folder`."""

    def load_assets(self, folder):
        """Read back what `save_assets` wrote; called by `load` once the model is loaded."""

    # === Verbs ===

    @classmethod
    def from_config(cls, config):
        return cls(**config)  # `get_config()`'s output

    def read(self, source, /, **options):
        """Read examples, a `tf.data.Dataset`, a file or folder, `"tfds:NAME[:SPLIT]"` or `Records`
        into `kerastl.tasks.Records`; `options` go to `read_file`. Raises DataError for bad data."""
        return read_records(self, source, **options)

    def fit(self, train, validation=None, *, epochs=3, batch_size=32, callbacks=None, verbose="auto",
            checkpoint_dir=None, checkpoint_every=None, distribution=None, early_stopping_patience=None,
            restore_best=None, accumulate_steps=1, calibrate=True):
        """Fine-tune on `train` (any source `read` takes); report losses and `validation` metrics each epoch.

        Args:
            checkpoint_dir, checkpoint_every: step checkpoints (model, optimizer) every this many steps
                and at epoch ends; a run with the same settings resumes.
            distribution: "mirrored", "multiworker" (reads `TF_CONFIG`), "tpu" or a
                `tf.distribute.Strategy`; `batch_size` is then global.
            early_stopping_patience: stop after this many epochs without a better validation score.
            restore_best: end with the best validation epoch's weights (default: with early stopping, as
                Keras' `EarlyStopping(restore_best_weights=...)` is off unless asked; `kerastl train` keeps the
                best epoch whenever there is validation data).
            accumulate_steps: update the weights every this many batches, with their mean gradient.
            calibrate: let `calibrate` learn from the validation outputs; kept in `self.calibration`.
            epochs, batch_size, callbacks, verbose: as in Keras `fit`.

        Returns:
            The Keras `History` object.
        """
        from kerastl.training.trainer import Trainer

        self.trainer = Trainer(self, distribution)  # first: "multiworker" must precede any TF operation
        train_records = self.read(train)
        validation_records = self.read(validation) if validation is not None else None
        self.history = self.trainer.fit(train_records, validation_records, epochs=epochs, batch_size=batch_size,
                                        callbacks=callbacks, verbose=verbose, checkpoint_dir=checkpoint_dir,
                                        checkpoint_every=checkpoint_every,
                                        early_stopping_patience=early_stopping_patience, restore_best=restore_best,
                                        accumulate_steps=accumulate_steps)
        self.calibration = None
        if calibrate and validation_records is not None:
            self.calibration = self.calibrate(validation_records, self.trainer.validation_outputs)
        return self.history

    def prepare(self, train_records):
        """Learn what the data decide (`setup`) and build the model; the first `fit` does this."""
        try:
            self.setup(train_records)
        except DataError as error:
            raise error.naming_file_of(train_records) from None
        self.build()

    def build(self):
        """Load the backbone and tokenizer and build the task's model."""
        keras.utils.set_random_seed(self.seed)
        policy = keras_dtype_policy(self.precision)
        backbone, self.tokenizer = load_backbone(self.backbone, load_weights=self.pretrained_weights, dtype=policy)
        try:
            encoder = BackboneEncoder(backbone, pooling=self.pooling, freeze=self.freeze, lora_rank=self.lora_rank,
                                      dtype=policy)
        except ValueError as error:  # an option the loaded backbone cannot take (more layers frozen than it has)
            raise OptionError(f"{error} Fix: change that option for the backbone {self.backbone}.") from None
        self.model = self.build_model(encoder)
        self._compiled_forward = None

    def predict(self, inputs, *, batch_size=64):
        """One typed prediction per input (a string, examples, any source `read` takes), in order."""
        records = self.read([inputs] if isinstance(inputs, str) else inputs)
        return self.decode(self.predict_outputs(records, batch_size=batch_size), records)

    def evaluate(self, data, *, batch_size=64, **read_options):
        """Predict on labeled `data` and return the field's metrics as a dict."""
        records = self.read(data, **read_options)
        return self.score(records, self.predict(records, batch_size=batch_size))

    def predict_outputs(self, records, batch_size=64, **forward_options):
        """The `forward` outputs for `records` in record order; `forward_options` go to `forward`."""
        self._require_model()
        return inference.predict_outputs(self, records, batch_size=batch_size, **forward_options)

    def run_model(self, batch):
        """The model on a batch of ragged rows, compiled once: the one place a model runs for
        inference (`inference.compiled_forward`). Token-level outputs are cut to each row's length."""
        if self._compiled_forward is None:
            self._compiled_forward = inference.compiled_forward(self.model)
        outputs = self._compiled_forward(padded_batch(batch, self.pad_id, default_length_multiple(), self.max_length))
        lengths = batch["token_ids"].row_lengths().numpy()
        return [row[:length] if row.ndim == 2 else row for row, length in zip(outputs, lengths)]

    def _require_model(self):
        if self.model is None:
            raise RuntimeError(f"The {self.name or type(self).__name__} task has no model yet. Call `fit` first, "
                               "or load a trained one with `kerastl.load(path)`.")

    @property
    def pad_id(self):
        """The id batches of `token_ids` are padded with (the tokenizer's padding id)."""
        return SpecialTokens.of(self.tokenizer).pad

    def save(self, path, overwrite=False, keep=()):
        """Save config, model, weights and tokenizer into the folder `path`, renamed into place when
        complete. `overwrite` replaces a kerastl model (never other files; else OutputError); `keep`
        names entries of the old folder to carry over (a run's checkpoint)."""
        self._require_model()
        model_folder.save_task_folder(self, path, overwrite=overwrite, keep=keep)

    @classmethod
    def load(cls, path):
        """Load a folder `save` wrote (`kerastl.load`); ModelLoadError for a bad or foreign one."""
        return model_folder.load_task_folder(path, task_class=None if cls is Task else cls)

