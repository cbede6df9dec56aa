"""The offline demo: fine-tune the default backbone on kerastl's own small sentiment sample."""

import random
import time
from importlib import resources

SAMPLE = "movie_reviews.tsv"


def sample_path():
    """Return the path of the labeled sentiment sample shipped inside kerastl."""
    return resources.files("kerastl") / "data" / "samples" / SAMPLE


def split_sample(records, held_out=0.25, seed=0):
    """Split records into (train, held_out), keeping each label's share in both parts."""
    by_label = {}
    for record in records:
        by_label.setdefault(record["label"], []).append(record)
    train, test = [], []
    rng = random.Random(seed)
    for label in sorted(by_label):
        group = by_label[label]
        rng.shuffle(group)
        cut = int(round(len(group) * held_out))
        test.extend(group[:cut])
        train.extend(group[cut:])
    rng.shuffle(train)
    return train, test


def run_demo(backbone="minilm-l6", epochs=3, batch_size=16, seed=0, echo=print):
    """Fine-tune `backbone` on 75% of the shipped sample, evaluate on the other 25%.

    Args:
        backbone: the backbone to fine-tune.
        epochs: passes over the training part.
        batch_size: examples per step.
        seed: seed of the split, the initialization and the shuffling.
        echo: where progress lines go.

    Returns:
        The metrics dict of the held-out part (accuracy, macro_f1, ...).
    """
    from kerastl.tasks import SentimentTask

    task = SentimentTask(backbone, seed=seed, learning_rate=5e-5)
    records = task.read(sample_path())
    train, test = split_sample(records, seed=seed)
    echo(f"kerastl demo: fine-tuning {backbone} on {len(train)} labeled sentences, "
         f"evaluating on {len(test)} it has not seen.")
    started = time.perf_counter()
    task.fit(train, epochs=epochs, batch_size=batch_size)
    metrics = task.evaluate(test)
    chance = max(sum(r["label"] == label for r in test) for label in {r["label"] for r in test}) / len(test)
    echo(f"Trained in {time.perf_counter() - started:.0f} s. Held-out accuracy {metrics['accuracy']:.3f} "
         f"(majority class: {chance:.3f}), macro-F1 {metrics['macro_f1']:.3f}.")
    echo("A few predictions:")
    examples = ["An absolute joy from the first scene to the last.",
                "Two hours of my life I will never get back.",
                "The soundtrack was lovely but the plot made no sense at all."]
    for prediction in task.predict(examples):
        echo(f"  {prediction.describe()}")
    return metrics
