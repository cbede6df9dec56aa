"""Join WordPiece tokens into text, in Python (`detokenize`) and in a TensorFlow graph.

Both apply the same `SPACING_RULES`, written once with placeholders and rendered for Python's
`re` and for RE2 (TensorFlow's regex ops). RE2 has no lookaround, so a rule that needs a
character on each side matches it and writes it back; a consumed character can hide the next
match, so each rule runs twice ("a - b - c": the first pass joins "a-b", the second "b-c").
"""

import re

#: `(pattern, replacement)`, in order. `{w}` is a word character, `{nw}` any other character,
#: `{end}` the end of the text.
SPACING_RULES = (
    (r" ([.,!?;:%)\]}])", r"\1"),  # no space before closing punctuation
    (r"([(\[{]) ", r"\1"),  # no space after opening brackets
    (r"({w}) ([-/]) ({w})", r"\1\2\3"),  # "T - Shirt" -> "T-Shirt", "and / or" -> "and/or"
    (r"({w}) ' (s|t|re|ve|ll|d|m)({nw}|{end})", r"\1'\2\3"),  # "don ' t" -> "don't"
)
PASSES = 2

# The character classes of each dialect: RE2's `\w` is ASCII only; `[\p{L}\p{N}_]` matches what
# Python's `\w` does (on every character Python's Unicode database assigns).
_PYTHON = {"w": r"\w", "nw": r"\W", "end": r"\Z"}
_RE2 = {"w": r"[\p{L}\p{N}_]", "nw": r"[^\p{L}\p{N}_]", "end": r"\z"}


def _render(dialect):
    """`SPACING_RULES` with the placeholders replaced by the classes of `dialect`."""
    rules = []
    for pattern, replacement in SPACING_RULES:
        for name, value in dialect.items():
            pattern = pattern.replace("{" + name + "}", value)
        rules.append((pattern, replacement))
    return rules


_PYTHON_RULES = [(re.compile(pattern), replacement) for pattern, replacement in _render(_PYTHON)]


def detokenize(tokens):
    """Join word pieces into text: `##` pieces attach, punctuation takes no space before it.

    Args:
        tokens: WordPiece token strings.

    Returns:
        The text.

    Example:

    >>> from kerastl.preprocessing.detokenization import detokenize
    >>> detokenize(["Ein", "T", "-", "Shirt", ",", "das", "Fahr", "##rad", "(", "rot", ")", "."])
    'Ein T-Shirt, das Fahrrad (rot).'
    """
    words = []
    for token in tokens:
        if token.startswith("##") and words:
            words[-1] += token[2:]
        else:
            words.append(token)
    text = " ".join(words)
    for pattern, replacement in _PYTHON_RULES:
        for _ in range(PASSES):
            text = pattern.sub(replacement, text)
    return text


def detokenize_in_graph(tokens):
    """`detokenize` for a batch, with TensorFlow ops (for exported models).

    Args:
        tokens: a `tf.RaggedTensor` of token strings `(batch, None)`.

    Returns:
        A `tf.string` tensor `(batch,)`.

    Example:

    >>> import tensorflow as tf
    >>> from kerastl.preprocessing.detokenization import detokenize_in_graph
    >>> detokenize_in_graph(tf.ragged.constant([["Fahr", "##rad", "."]])).numpy().tolist()
    [b'Fahrrad.']
    """
    import tensorflow as tf

    # Tokens hold no spaces, so " ##" only occurs where a piece attaches to the word before it.
    text = tf.strings.regex_replace(tf.strings.reduce_join(tokens, axis=-1, separator=" "), " ##", "")
    for pattern, replacement in _render(_RE2):
        for _ in range(PASSES):
            text = tf.strings.regex_replace(text, pattern, replacement)
    return text
