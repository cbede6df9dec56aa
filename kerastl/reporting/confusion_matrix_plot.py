"""`confusion_matrix.png`: how often each true class was predicted as each class."""

import numpy as np
from matplotlib.figure import Figure


def confusion_matrix(true_labels, predicted_labels, label_names):
    """Count (true, predicted) pairs.

    Returns:
        An integer numpy array; row i is true class `label_names[i]`, column j the predicted one.

    Example:

    >>> from kerastl.reporting.confusion_matrix_plot import confusion_matrix
    >>> confusion_matrix(["a", "b"], ["a", "a"], ["a", "b"]).tolist()
    [[1, 0], [1, 0]]
    """
    index = {name: i for i, name in enumerate(label_names)}
    counts = np.zeros((len(label_names), len(label_names)), dtype=int)
    for true, predicted in zip(true_labels, predicted_labels):
        counts[index[true], index[predicted]] += 1
    return counts


def plot_confusion_matrix(true_labels, predicted_labels, label_names, path, title="Confusion matrix"):
    """Draw the confusion matrix of a classifier as a PNG heat map with counts in the cells.

    Args:
        true_labels: the reference label of each example.
        predicted_labels: the predicted label of each example.
        label_names: every class, in the order of the rows and columns.
        path: the PNG file to write.
        title: the figure's title.

    Returns:
        The matrix of counts (see `confusion_matrix`).
    """
    counts = confusion_matrix(true_labels, predicted_labels, label_names)
    size = max(4.0, 0.6 * len(label_names) + 2.5)
    figure = Figure(figsize=(size + 1, size), dpi=100, layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes, shrink=0.8)
    names = [str(name) for name in label_names]
    axes.set_xticks(range(len(names)), names, rotation=45 if len(names) > 4 else 0, ha="right" if len(names) > 4 else "center")
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title)
    threshold = counts.max() / 2 if counts.size else 0
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            axes.text(j, i, str(counts[i, j]), ha="center", va="center",
                      color="white" if counts[i, j] > threshold else "black")
    figure.savefig(path, format="png")
    return counts
