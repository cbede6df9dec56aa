"""Keep a SentencePiece tokenizer working across `keras.utils.set_random_seed`.

In eager TensorFlow, `tf.random.set_seed` (which `keras.utils.set_random_seed` calls) clears the
kernel cache. tf-text's `SentencepieceOp` keeps its model in a resource *owned by its kernel*, so
clearing the cache deletes the model, and every traced function that captured it then fails with
`NotFoundError: ... SentencepieceOp ... does not exist`. WordPiece and BPE lookup tables are not
kernel-owned and survive.

A resource created under a `shared_name` belongs to the resource manager instead of the kernel,
and outlives the cache. `seed_safe(tokenizer)` re-creates a SentencePiece tokenizer's model
resource that way. The name is derived from the model proto, so tokenizers of the same model
share one resource (a process holds each distinct model once, however often it is loaded).
"""

import hashlib

import tensorflow as tf

SHARED_NAME_PREFIX = "kerastl_sentencepiece_"


def seed_safe(tokenizer):
    """Make `tokenizer` survive `keras.utils.set_random_seed`; return it.

    Tokenizers without a SentencePiece model (WordPiece, BPE) are returned unchanged. Call it
    again after anything that replaces the tokenizer's proto (keras-hub's `set_proto`).

    Args:
        tokenizer: a keras-hub tokenizer.

    Returns:
        The same tokenizer object.

    Example:

    >>> import keras
    >>> from kerastl.preprocessing.seed_safe_tokenizer import seed_safe
    >>> tokenizer = seed_safe(keras_hub.models.AlbertTokenizer(proto=proto))  # doctest: +SKIP
    >>> keras.utils.set_random_seed(0)  # doctest: +SKIP
    >>> tokenizer(["still works"])  # doctest: +SKIP
    """
    resource = getattr(getattr(tokenizer, "_sentence_piece", None), "_model_resource", None)
    model = getattr(resource, "_model", None)
    if resource is None or model is None:
        return tokenizer
    model_bytes = model.numpy() if hasattr(model, "numpy") else model
    if isinstance(model_bytes, str):
        model_bytes = model_bytes.encode("utf-8")
    shared_name = SHARED_NAME_PREFIX + hashlib.sha256(model_bytes).hexdigest()[:32]
    if getattr(resource, "_kerastl_shared_name", None) == shared_name:
        return tokenizer
    from tensorflow_text.python.ops.sentencepiece_tokenizer import gen_sentencepiece_tokenizer

    def create_resource():
        with tf.name_scope("SentenceTokenizerInitializer"):
            return gen_sentencepiece_tokenizer.sentencepiece_op(model=resource._model, shared_name=shared_name)

    # Also used when a SavedModel that holds the tokenizer is restored.
    resource._create_resource = create_resource
    resource._resource_handle = create_resource()
    resource._kerastl_shared_name = shared_name
    return tokenizer
