"""`Task`: the interface every kerastl task has, built in or from a plugin.

A task owns its preprocessing, head, loss, metrics and decoding; this base owns everything they
share: reading data sources, loading the backbone, batching by length, the optimizer, the
training loop (Keras `fit`), batched inference, and saving / loading a whole model folder.

A subclass implements a few hooks:

- `record_from_example(example)` turns one user example (dict, tuple, string) into a record;
- `read_file(path, **options)` reads a local file into records;
- `setup(records)` learns what the data decide (label names) before the first `fit`;
- `encode(records, with_targets)` tokenizes records once into `(features, targets)`;
- `build_model(encoder)` puts a head on the `BackboneEncoder` and returns a `keras.Model`;
- `loss()` and `fit_metrics()` for training;
- `decode(outputs, records)` turns model outputs into typed predictions;
- `score(records, predictions)` computes the field's metrics.
"""

import contextlib
import json
import os
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from kerastl.atomic_files import atomic_folder
from kerastl.backbones import DEFAULT_BACKBONE, load_backbone
from kerastl.errors import DataError, KerastlError, Location, ModelLoadError
from kerastl.layers import BackboneEncoder, text_inputs
from kerastl.precision import check_precision, resolve_precision
from kerastl.preprocessing import SpecialTokens, length_grouped_batches
from kerastl.tokenizer_files import load_tokenizer, save_tokenizer

TASK_FILE = "kerastl.json"
MODEL_CONFIG_FILE = "model.json"
WEIGHTS_FILE = "model.weights.h5"
TOKENIZER_FOLDER = "tokenizer"
FORMAT_VERSION = 1


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
        precision: "float32", "mixed_bfloat16" (the backbone computes in bfloat16, about twice
            as fast on CPUs with bfloat16 instructions), or "auto" (bfloat16 where the CPU has
            them). Heads and losses stay in float32.
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
        self.strategy = None
        self._forward = None

    # === Hooks for subclasses ===

    def record_from_example(self, example):
        """Turn one user example (a dict, tuple or string) into a record dict."""
        raise NotImplementedError

    def read_file(self, path, **options):
        """Read a local file or folder into a list of records."""
        raise NotImplementedError

    def setup(self, records):
        """Learn from the training records what the model depends on (e.g. label names)."""

    def encode(self, records, with_targets):
        """Tokenize records into `(features, targets)`; `features["token_ids"]` is ragged."""
        raise NotImplementedError

    def build_model(self, encoder):
        """Return a `keras.Model` taking `token_ids` and `padding_mask` through `encoder`."""
        raise NotImplementedError

    def loss(self):
        """The Keras loss `fit` minimizes."""
        raise NotImplementedError

    def fit_metrics(self):
        """Keras metrics shown in the progress bar during `fit`."""
        return []

    def decode(self, outputs, records):
        """Turn per-example model outputs (numpy arrays) into typed predictions."""
        raise NotImplementedError

    def score(self, records, predictions):
        """Return the field's metrics (a dict of floats, or nested dicts) for `predictions`."""
        raise NotImplementedError

    #: Padding value of ragged targets (token-level tasks use an ignored class).
    target_padding = 0

    #: The key of `score`'s result that reports and the best epoch follow (higher is better);
    #: None means the first number `score` returns.
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
        """Read any supported data source into a list of records.

        Args:
            source: a list of examples (dicts, tuples or strings), a `tf.data.Dataset`, a path
                to a local file or folder, or `"tfds:NAME[:SPLIT]"` for a TensorFlow Datasets
                dataset.
            **options: passed to the file reader (for example `text_column`).

        Returns:
            A list of record dicts.

        Raises:
            DataError: for a source that holds no examples or malformed ones.
        """
        if isinstance(source, (str, os.PathLike)) and str(source).startswith("tfds:"):
            from kerastl.data import read_tfds

            name, _, split = str(source)[len("tfds:"):].partition(":")
            records = read_tfds(name, split=split or "train", **options)
            where = f"TFDS dataset {name}"
        elif isinstance(source, (str, os.PathLike)):
            records = self.read_file(Path(source), **options)
            where = str(source)
        elif isinstance(source, tf.data.Dataset):
            records = [self.record_from_example(_to_python(x)) for x in source.as_numpy_iterator()]
            where = "the tf.data.Dataset"
        else:
            records = [r if isinstance(r, dict) and "where" in r else self.record_from_example(r) for r in source]
            where = "the examples passed in"
        if not records:
            raise DataError(f"{where} holds no examples", fix="pass a source with at least one example")
        return records

    # === Training ===

    def fit(self, train, validation=None, *, epochs=3, batch_size=32, callbacks=None, verbose="auto",
            checkpoint_dir=None, checkpoint_every=None, distribution=None):
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

        Returns:
            The Keras `History` object.
        """
        from kerastl.training import distributable_batches, fit_resumable, is_chief, resolve_distribution

        self.strategy = resolve_distribution(distribution)  # first: "multiworker" must precede any TF operation
        train_records = self.read(train)
        validation_records = self.read(validation) if validation is not None else None
        if self.model is None:
            with self._strategy_scope():
                self.prepare(train_records)
        keras.utils.set_random_seed(self.seed)
        placed = distributable_batches if self.strategy is not None else (lambda dataset: dataset)
        train_features, train_targets = self.encode(train_records, with_targets=True)

        def train_batches(seed):
            return placed(length_grouped_batches(train_features, train_targets, batch_size, self._pad_id,
                                                 self.target_padding, shuffle=True, seed=seed))

        validation_data = None
        if validation_records is not None:
            features, targets = self.encode(validation_records, with_targets=True)
            features, targets, _ = _sorted_by_length(features, targets)
            validation_data = placed(
                length_grouped_batches(features, targets, batch_size * 2, self._pad_id, self.target_padding))
        steps = epochs * -(-len(train_records) // batch_size)
        with self._strategy_scope():
            self._compile(steps)
        if checkpoint_dir is not None:
            self.history = fit_resumable(
                self.model, lambda epoch: train_batches(self.seed + epoch), steps // epochs, checkpoint_dir,
                epochs=epochs, every=checkpoint_every,
                run={"examples": len(train_records), "batch_size": batch_size, "seed": self.seed},
                validation_data=validation_data, callbacks=callbacks, verbose=verbose, write=is_chief(self.strategy),
            )
            return self.history
        self.history = self.model.fit(
            train_batches(self.seed), validation_data=validation_data, epochs=epochs, callbacks=callbacks,
            verbose=verbose, shuffle=False,  # the dataset shuffles itself, grouped by length
        )
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
        policy = resolve_precision(self.precision)
        backbone, self.tokenizer = load_backbone(self.backbone, load_weights=self.pretrained_weights, dtype=policy)
        encoder = BackboneEncoder(backbone, pooling=self.pooling, freeze=self.freeze, lora_rank=self.lora_rank,
                                  dtype=policy)
        self.model = self.build_model(encoder)
        self._forward = None

    def model_inputs(self):
        """The Keras inputs every task model takes: `token_ids` and `padding_mask`."""
        return text_inputs()

    def _strategy_scope(self):
        return self.strategy.scope() if self.strategy is not None else contextlib.nullcontext()

    def _compile(self, total_steps):
        warmup = int(self.warmup_ratio * total_steps)
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=0.0 if warmup else self.learning_rate,
            decay_steps=max(total_steps - warmup, 1),
            warmup_target=self.learning_rate if warmup else None,
            warmup_steps=warmup,
        )
        optimizer = keras.optimizers.AdamW(learning_rate=schedule, weight_decay=self.weight_decay, clipnorm=1.0)
        optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta", "layer_norm"])
        self.model.compile(optimizer=optimizer, loss=self.loss(), metrics=self.fit_metrics())
        # Create the optimizer's slots now: created inside the first training step they would make
        # TensorFlow trace that step twice (about 5 s more before the first step finishes).
        optimizer.build(self.model.trainable_variables)

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
        return self.score(records, self.decode(self.predict_outputs(records, batch_size=batch_size), records))

    def predict_outputs(self, records, batch_size=64):
        """Run the model on records; return one numpy array per record, in record order.

        Records are sorted by length so batches carry little padding; token-level outputs are
        cut to each record's own length.
        """
        self._require_model()
        features, _ = self.encode(records, with_targets=False)
        lengths = features["token_ids"].row_lengths().numpy()
        features, _, order = _sorted_by_length(features)
        if len(records) <= batch_size:
            dataset = [_one_padded_batch(features, self._pad_id)]  # no tf.data pipeline for one batch
        else:
            dataset = length_grouped_batches(features, None, batch_size, self._pad_id)
        outputs = [None] * len(records)
        position = 0
        for batch in dataset:
            batch_outputs = keras.ops.convert_to_numpy(self._forward_function()(batch))
            for row in batch_outputs:
                index = order[position]
                outputs[index] = row[: lengths[index]] if row.ndim == 2 else row
                position += 1
        return outputs

    def _forward_function(self):
        """The model's inference call as one `tf.function`, traced once for every batch shape.

        The signature comes from the model's inputs (batch and length unknown), so batches of
        any length reuse one trace; features the model does not take are left out.
        """
        if self._forward is None:
            model = self.model
            signature = tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), model.input)

            @tf.function(input_signature=[signature], autograph=False)
            def forward(inputs):
                return model(inputs, training=False)

            def run(batch):
                return forward({name: tf.cast(batch[name], spec.dtype) for name, spec in signature.items()})

            self._forward = run
        return self._forward

    @property
    def _pad_id(self):
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
        from kerastl.atomic_files import check_output_folder
        from kerastl.tasks.registry import task_registry

        check_output_folder(path, "model", overwrite=overwrite)

        registered_name = task_registry.name_of(type(self))
        if registered_name is None:
            raise KerastlError(
                f"{type(self).__name__} is not registered, so a saved model could not be loaded by name. "
                f"Fix: register it with kerastl.register_task('my_task', {type(self).__name__}) or through "
                "the 'kerastl.tasks' entry-point group of your package."
            )
        with atomic_folder(path, keep=keep) as folder:
            description = {
                "format_version": FORMAT_VERSION,
                "task": registered_name,
                "task_class": f"{type(self).__module__}.{type(self).__qualname__}",
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "config": self.get_config(),
            }
            (folder / TASK_FILE).write_text(json.dumps(description, indent=2, ensure_ascii=False))
            model_config = keras.saving.serialize_keras_object(self.model)
            (folder / MODEL_CONFIG_FILE).write_text(json.dumps(model_config))
            self.model.save_weights(str(folder / WEIGHTS_FILE))
            save_tokenizer(self.tokenizer, folder / TOKENIZER_FOLDER)
            self.save_assets(folder)

    @classmethod
    def load(cls, path):
        """Load a task folder written by `save` (same as `kerastl.load`).

        Raises:
            ModelLoadError: when the folder is missing, incomplete, of another task, or its
                head does not match its label set.
        """
        from kerastl.tasks.registry import get_task

        folder = Path(path)
        description = _read_task_file(folder)
        task_class = get_task(description["task"]) if cls is Task else cls
        if cls is not Task and description["task"] != cls.name:
            raise ModelLoadError(
                f"{folder} holds a '{description['task']}' model, not a '{cls.name}' one. "
                f"Fix: load it with kerastl.load('{folder}')."
            )
        _check_saved_class(folder, description, task_class)
        try:
            task = task_class.from_config(description["config"])
        except (KerastlError, TypeError, ValueError, KeyError, AttributeError) as error:
            raise ModelLoadError(
                f"{folder / TASK_FILE} holds an invalid task config: {error} Fix: save the model again.")
        for required in (MODEL_CONFIG_FILE, WEIGHTS_FILE, TOKENIZER_FOLDER):
            if not (folder / required).exists():
                raise ModelLoadError(f"{folder} is incomplete: {required} is missing. Fix: save the model again.")
        task.tokenizer = load_tokenizer(folder / TOKENIZER_FOLDER)
        model_config = _read_json_object(folder / MODEL_CONFIG_FILE)
        _check_model_size(folder, model_config)
        try:
            # Safe mode: a model file can only name registered classes, never run stored code (lambdas).
            task.model = keras.saving.deserialize_keras_object(model_config, safe_mode=True)
            if not isinstance(task.model, keras.Model):
                raise TypeError(f"{MODEL_CONFIG_FILE} describes a {type(task.model).__name__}, not a Keras model")
            task.model.load_weights(str(folder / WEIGHTS_FILE))
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as error:
            raise ModelLoadError(
                f"{folder} cannot be loaded: {_error_summary(error)}. "
                "Fix: save the model again with kerastl (only kerastl's own layers load in safe mode)."
            )
        task.load_assets(folder)
        task.check_consistency(folder)
        return task

    def save_assets(self, folder):
        """Write what the task needs besides the model and tokenizer (e.g. a second tokenizer) into `folder`."""

    def load_assets(self, folder):
        """Read back what `save_assets` wrote; called by `load` once the model is loaded."""

    def head_size(self):
        """How many outputs the model's last axis must have for this task's config (e.g. the
        number of labels), checked by `load`; None (the default) checks nothing."""
        return None

    def check_consistency(self, folder):
        """Check a loaded model against its saved config; raise `ModelLoadError` if they differ."""
        expected = self.head_size()
        found = _output_units(self.model)
        if expected is not None and found is not None and expected != found:
            raise ModelLoadError(
                f"{folder}: {TASK_FILE} describes a head of {expected} outputs but the model's head has {found}. "
                f"The label set in {TASK_FILE} does not belong to this model; save the model again."
            )
        vocabulary_size = self.tokenizer.vocabulary_size()
        embedding_rows = _token_embedding_rows(self.model)
        if embedding_rows is not None and vocabulary_size > embedding_rows:
            raise ModelLoadError(
                f"{folder}: the tokenizer has {vocabulary_size} tokens but the model's embedding only "
                f"{embedding_rows}. The tokenizer folder does not belong to this model; save the model again."
            )


def _one_padded_batch(features, pad_id):
    """Pad encoded examples into one batch, as `length_grouped_batches` would, without tf.data."""
    batch = {}
    for name, value in features.items():
        padding = pad_id if name == "token_ids" else 0
        batch[name] = value.to_tensor(default_value=padding) if isinstance(value, tf.RaggedTensor) else value
    lengths = features["token_ids"].row_lengths()
    batch["padding_mask"] = tf.sequence_mask(lengths, maxlen=tf.shape(batch["token_ids"])[1])
    return batch


def _sorted_by_length(features, targets=None):
    """Reorder encoded examples from shortest to longest; also return the order used."""
    order = np.argsort(features["token_ids"].row_lengths().numpy(), kind="stable")
    features = {key: tf.gather(value, order) for key, value in features.items()}
    targets = tf.gather(targets, order) if targets is not None else None
    return features, targets, order


def _read_task_file(folder):
    if not folder.exists():
        raise ModelLoadError(f"No model folder at {folder}. Fix: pass the --output folder of `kerastl train`.")
    if not folder.is_dir():
        raise ModelLoadError(f"{folder} is a file, not a model folder. Fix: pass the folder `kerastl train` wrote.")
    task_file = folder / TASK_FILE
    if not task_file.is_file():
        raise ModelLoadError(f"{folder} holds no {TASK_FILE}, so it is not a kerastl model folder.")
    description = _read_json_object(task_file)
    if description.get("format_version") != FORMAT_VERSION or not isinstance(description.get("task"), str):
        raise ModelLoadError(f"{task_file} is not a kerastl model description of format version {FORMAT_VERSION}. "
                             "Fix: save the model again.")
    if not isinstance(description.get("config"), dict):
        raise ModelLoadError(f"{task_file}: 'config' must be a JSON object. Fix: save the model again.")
    return description


def _read_json_object(path):
    """The JSON object in the model file `path`; anything else is a `ModelLoadError`."""
    from kerastl.errors import json_type_name

    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ModelLoadError(f"{path} is not valid JSON ({_error_summary(error)}). Fix: save the model again.")
    except OSError as error:
        raise ModelLoadError(f"{path} cannot be read ({error.strerror or error}). Fix: save the model again.")
    if not isinstance(content, dict):
        raise ModelLoadError(f"{path} holds a JSON {json_type_name(content)}, not an object, so kerastl did not "
                             "write it. Fix: save the model again.")
    return content


#: Config keys that size one axis of a weight array: none can exceed the weights file's values.
SIZE_KEYS = ("vocabulary_size", "hidden_dim", "intermediate_dim", "embedding_dim", "num_classes", "units",
             "input_dim", "output_dim", "max_sequence_length", "num_heads", "key_dim", "num_layers")
#: Pairs of keys whose product is the size of one weight array (a token embedding, a feed-forward kernel).
MATRIX_KEYS = (("vocabulary_size", "hidden_dim"), ("vocabulary_size", "embedding_dim"),
               ("intermediate_dim", "hidden_dim"))


def _check_model_size(folder, model_config):
    """Refuse a model config that would allocate more than its weights file holds, before building it.

    The weights file states how many values and arrays the model has. A config axis (e.g. a
    vocabulary size) or a weight matrix larger than all of them together, more stacked layers
    than arrays, or far more layers than arrays cannot belong to these weights: building it
    would only exhaust memory.
    """
    values, arrays = _weights_file_size(folder / WEIGHTS_FILE)
    configs = list(_dicts_in(model_config))
    layers = sum(1 for config in configs if "class_name" in config)
    if layers > 8 * arrays + 256:
        _raise_too_large(folder, f"it has {layers} layers but the weights file only {arrays} arrays")
    for config in configs:
        sizes = {key: config[key] for key in SIZE_KEYS if isinstance(config.get(key), int)}
        for key, size in sizes.items():
            limit = arrays if key == "num_layers" else values
            if size > limit:
                _raise_too_large(folder, f"{key}={size} but the weights file holds {limit} "
                                         f"{'arrays' if key == 'num_layers' else 'values'}")
        for rows, columns in MATRIX_KEYS:
            if rows in sizes and columns in sizes and sizes[rows] * sizes[columns] > values:
                _raise_too_large(folder, f"{rows}={sizes[rows]} x {columns}={sizes[columns]} is more than the "
                                         f"{values} values of the weights file")


def _weights_file_size(path):
    """The number of values and of arrays in a Keras weights file, read from its metadata only."""
    import h5py

    counts = [0, 0]

    def count(name, item):
        if isinstance(item, h5py.Dataset):
            counts[0] += int(np.prod(item.shape, dtype=np.int64))
            counts[1] += 1

    try:
        with h5py.File(path, "r") as weights:
            weights.visititems(count)
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"{path} is not a readable weights file ({_error_summary(error)}). "
                             "Fix: save the model again.")
    return counts[0], counts[1]


def _dicts_in(value):
    """Every dict nested in a parsed JSON value, without recursion (a deep file cannot overflow)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            yield item
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _raise_too_large(folder, why):
    raise ModelLoadError(f"{folder / MODEL_CONFIG_FILE} does not fit the weights in {WEIGHTS_FILE}: {why}. "
                         "Building it would only exhaust memory. Fix: save the model again.")


def _check_saved_class(folder, description, task_class):
    """Refuse a description whose task name was changed to another task than the one saved."""
    saved_class = description.get("task_class")
    expected = f"{task_class.__module__}.{task_class.__qualname__}"
    if isinstance(saved_class, str) and saved_class.rpartition(".")[2] != task_class.__qualname__:
        raise ModelLoadError(
            f"{folder / TASK_FILE} names the task '{description['task']}' ({expected}) but the model was saved by "
            f"{saved_class}. Fix: restore the task name the model was saved with, or save the model again."
        )


def _naming_source_file(error, records):
    """`error` with the records' file as its location when it names none (e.g. one label in all)."""
    paths = {getattr(r.get("where"), "path", None) for r in records}
    if error.where is not None or len(paths) != 1 or None in paths:
        return error
    return DataError(error.message, where=Location(paths.pop()), fix=error.fix)


def _output_units(model):
    """The size of the last axis of a model's single output, or None when it cannot tell."""
    outputs = getattr(model, "outputs", None)
    if not isinstance(outputs, list) or len(outputs) != 1 or not hasattr(outputs[0], "shape"):
        return None
    units = outputs[0].shape[-1]
    return int(units) if units is not None else None


def _error_summary(error):
    """The first sentences of an error message (Keras' weight errors put the cause on line 2)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:2]).rstrip(".") if lines else type(error).__name__


def _token_embedding_rows(model):
    for layer in model.layers:
        if isinstance(layer, BackboneEncoder):
            embedding = getattr(layer.backbone, "token_embedding", None)
            if embedding is not None:
                return int(embedding.input_dim)
    return None


def _to_python(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [_to_python(v) for v in value.tolist()] if value.dtype == object else value.tolist()
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_to_python(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value
