"""Class weights for imbalanced labels: "balanced" or a mapping, resolved against a task's labels.

A weight multiplies the loss of every example (or, for NER, every word) of that class, as
Keras' `Model.fit(class_weight=...)` does, so rare classes count more. "balanced" gives each
class `n / (k * count)` (scikit-learn's rule: `n` examples, `k` classes), so the mean weight
over the training examples is 1 and the learning rate keeps its meaning.

Example:

>>> from kerastl.tasks.class_weights import balanced_class_weight, parse_class_weight
>>> parse_class_weight("pos=3,neg=1")
{'pos': 3.0, 'neg': 1.0}
>>> balanced_class_weight(["neg", "pos"], ["neg"] * 90 + ["pos"] * 10)
{'neg': 0.5556, 'pos': 5.0}
"""

from collections import Counter

import click

from kerastl.errors import KerastlError
from kerastl.tasks.labels import normalize_label

BALANCED = "balanced"


def parse_class_weight(text):
    """Read a `--class-weight` value: "balanced", or "LABEL=WEIGHT,LABEL=WEIGHT" into a dict.

    Raises:
        KerastlError: for a value of another shape or a weight that is not a positive number.
    """
    if text is None or isinstance(text, dict) or text == BALANCED:
        return text
    weights = {}
    for part in str(text).split(","):
        label, equals, weight = part.partition("=")
        if not equals or not label.strip():
            raise KerastlError(f"--class-weight {text!r}: {part!r} is not LABEL=WEIGHT. "
                               "Fix: pass 'balanced' or e.g. --class-weight positive=3,negative=1.")
        weights[label.strip()] = _positive_weight(weight.strip(), label.strip())
    return weights


def check_class_weight(spec):
    """Refuse a constructor `class_weight` that is neither None, "balanced" nor a mapping of positive weights."""
    if spec is None or spec == BALANCED:
        return spec
    if not isinstance(spec, dict) or not spec:
        raise KerastlError(f"class_weight must be 'balanced' or a mapping from label to weight "
                           f"(got {spec!r}). Fix: e.g. class_weight={{'positive': 3, 'negative': 1}}.")
    return {label: _positive_weight(weight, label) for label, weight in spec.items()}


def balanced_class_weight(names, observed, ignore=()):
    """The "balanced" weights of classes from the labels seen in training: `n / (k * count)`.

    Args:
        names: the class names.
        observed: every training label (one per example, or per word for NER).
        ignore: names that keep weight 1 and are left out of `n` and `k` (e.g. NER's "O").

    Returns:
        A dict from class name to weight (rounded to 4 digits); unseen classes weigh 1.
    """
    counts = Counter(normalize_label(label) for label in observed if normalize_label(label) not in ignore)
    total, present = sum(counts.values()), len(counts)
    return {name: round(total / (present * counts[name]), 4) if counts.get(name) else 1.0 for name in names}


def class_weights_in_order(mapping, names):
    """The weight of every class in class-id order (labels the mapping leaves out weigh 1).

    Raises:
        KerastlError: the mapping names a label the task does not have.
    """
    weights = {normalize_label(label): float(weight) for label, weight in mapping.items()}
    unknown = sorted(str(label) for label in weights if label not in names)
    if unknown:
        raise KerastlError(f"class_weight names labels the data does not have: {unknown}; the labels are "
                           f"{[str(name) for name in names]}. Fix: weigh only these labels.")
    return [weights.get(name, 1.0) for name in names]


def _positive_weight(value, label):
    try:
        weight = float(value)
    except (TypeError, ValueError):
        weight = None
    if weight is None or not weight > 0 or weight == float("inf"):
        raise KerastlError(f"the class weight of {label!r} must be a positive number (got {value!r}). "
                           "Fix: e.g. --class-weight positive=3,negative=1, or 'balanced'.")
    return weight


class ClassWeightType(click.ParamType):
    """`--class-weight`: "balanced" or "LABEL=WEIGHT,..."."""

    name = "balanced|LABEL=W,..."

    def convert(self, value, param, ctx):
        try:
            return parse_class_weight(value)
        except KerastlError as error:
            self.fail(str(error), param, ctx)


CLASS_WEIGHT = ClassWeightType()


def sparse_crossentropy(class_weight, names, ignore_class=None):
    """The loss of a task with `class_weight` (None or a resolved mapping) over classes `names`:
    Keras' sparse cross-entropy from logits, or `ClassWeightedCrossentropy` with the weights."""
    import keras

    from kerastl.losses import ClassWeightedCrossentropy

    if class_weight is None:
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ignore_class)
    return ClassWeightedCrossentropy(class_weights_in_order(class_weight, names), ignore_class=ignore_class)
