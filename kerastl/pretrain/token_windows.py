"""`token_windows`: pack tokenized documents end to end into fixed-length windows."""

import numpy as np

from kerastl.preprocessing import SpecialTokens, tokenize_texts

#: Documents longer than this many tokens are cut (a window never needs more).
LONGEST_DOCUMENT = 100_000


def token_windows(tokenizer, texts, window_length):
    """Tokenize `texts` as `[CLS] text [SEP]` each, join them and cut into windows.

    Packing leaves no padding inside a window, so every step trains on full windows; only the
    last window is padded with the tokenizer's pad id.

    Args:
        tokenizer: a keras-hub tokenizer.
        texts: a list of strings.
        window_length: tokens per window.

    Returns:
        An int32 numpy array of shape `(windows, window_length)`; also how many real (not
        padding) tokens it holds, as a tuple `(windows, token_count)`.

    Example:

    >>> from kerastl.pretrain.token_windows import token_windows
    >>> windows, count = token_windows(tokenizer, ["a film", "a book"], 8)  # doctest: +SKIP
    """
    if not texts:
        return np.zeros((0, window_length), "int32"), 0
    ids = tokenize_texts(tokenizer, list(texts), LONGEST_DOCUMENT).flat_values.numpy().astype("int32")
    count = len(ids)
    rows = -(-count // window_length)
    padded = np.full(rows * window_length, SpecialTokens.of(tokenizer).pad, "int32")
    padded[:count] = ids
    return padded.reshape(rows, window_length), count
