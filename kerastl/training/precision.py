"""Choose the numeric precision a backbone computes in.

- "float32": everything in float32.
- "mixed_bfloat16": Keras' mixed precision; every layer of the backbone computes in bfloat16
  (its weights stay float32 and are cast on each use). Works on any device.
- "onednn_bfloat16": the model stays float32 (weights, saved folder, export) and TensorFlow's
  oneDNN graph rewrite (`auto_mixed_precision_onednn_bfloat16`) runs its matrix products in
  bfloat16, with the ops between them that TensorFlow's lists allow; the variables and their
  updates stay float32. On CPUs with bfloat16 instructions its training steps are about as
  fast as "mixed_bfloat16"'s, its first step is no longer than float32's, and its scores stay
  closer to float32's (`benchmarks/README.md`).
  The rewrite applies to TensorFlow functions first run inside `precision_scope`, which `fit`
  and every prediction enter; an export computes in bfloat16 only where its server turns the
  rewrite on. TensorFlow only: training with it on JAX or PyTorch is refused
  (`check_training_precision`); a model trained with it predicts there in float32.
- "auto": "mixed_bfloat16" on CPUs with bfloat16 instructions, "float32" elsewhere.
"""

import contextlib

import keras

from kerastl.errors import KerastlError

PRECISIONS = ("auto", "float32", "mixed_bfloat16", "onednn_bfloat16")
BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")
#: The grappler option behind "onednn_bfloat16".
ONEDNN_BFLOAT16_REWRITE = "auto_mixed_precision_onednn_bfloat16"


def check_precision(precision):
    """Return `precision` if kerastl knows it; raise a ValueError naming the choices otherwise."""
    if precision not in PRECISIONS:
        raise ValueError(f"`precision` must be one of {PRECISIONS}. Received: precision={precision!r}")
    return precision


def check_training_precision(precision):
    """Refuse "onednn_bfloat16" off TensorFlow (a TensorFlow graph rewrite), in one line naming the
    alternatives; return `precision` otherwise."""
    backend = keras.backend.backend()
    if precision == "onednn_bfloat16" and backend != "tensorflow":
        raise KerastlError(f"precision 'onednn_bfloat16' is a TensorFlow graph rewrite and the Keras backend is "
                           f"{backend}. Fix: use --precision mixed_bfloat16 (Keras mixed precision, any backend) or "
                           "float32, or run with KERAS_BACKEND=tensorflow.")
    return precision


def resolve_precision(precision):
    """Turn "auto" into "mixed_bfloat16" on CPUs with bfloat16 instructions, else "float32"."""
    if precision != "auto":
        return precision
    return "mixed_bfloat16" if cpu_has_bfloat16() else "float32"


def keras_dtype_policy(precision):
    """The Keras dtype policy the backbone's layers take for `precision`: "mixed_bfloat16" for
    Keras' mixed precision, "float32" otherwise (the oneDNN rewrite leaves the model float32)."""
    return "mixed_bfloat16" if resolve_precision(precision) == "mixed_bfloat16" else "float32"


@contextlib.contextmanager
def precision_scope(precision):
    """Inside the block, TensorFlow functions run for the first time compute as `precision` asks.

    For "onednn_bfloat16" the block turns TensorFlow's oneDNN bfloat16 rewrite on and sets it
    back as it was on exit; for the other precisions it does nothing. TensorFlow keeps a
    function's optimized graph per optimizer setting, so the same function called outside the
    block runs (and is optimized once more) in float32. The setting is TensorFlow's, for the
    whole process: functions another thread first runs meanwhile are rewritten too.

    Example:

    >>> from kerastl.training.precision import precision_scope
    >>> with precision_scope("float32"):
    ...     pass
    """
    if resolve_precision(precision) != "onednn_bfloat16" or keras.backend.backend() != "tensorflow":
        yield  # off TensorFlow a model trained with the rewrite computes in float32
        return
    import tensorflow as tf

    previous = tf.config.optimizer.get_experimental_options().get(ONEDNN_BFLOAT16_REWRITE, False)
    tf.config.optimizer.set_experimental_options({ONEDNN_BFLOAT16_REWRITE: True})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options({ONEDNN_BFLOAT16_REWRITE: previous})


def cpu_has_bfloat16():
    """True when /proc/cpuinfo lists a bfloat16 instruction set (AVX512-BF16 or AMX-BF16)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            flags = next((line for line in cpuinfo if line.startswith("flags")), "").split()
    except OSError:
        return False
    return any(flag in flags for flag in BFLOAT16_CPU_FLAGS)
