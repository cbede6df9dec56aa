"""`LearningRateSweep`: what `find_learning_rate` measured, its suggested rate, and its plot."""

from dataclasses import dataclass, field
from pathlib import Path

from kerastl.atomic_files import atomic_file

#: How the suggestion is made, in words (kept in `to_dict()`).
SUGGESTION_RULE = ("the rate of the lowest smoothed loss after the first tenth of the steps, / 10 "
                   "(fastai's 'minimum')")
#: The fewest steps whose curve can show a minimum: a sweep of fewer spans decades in a handful of
#: noisy batches (10 steps over seven decades put 300 examples' suggestion at the range's floor).
MIN_CONCLUSIVE_STEPS = 30
LOSS_COLOR = "#1f77b4"
SUGGESTION_COLOR = "#d62728"


@dataclass
class LearningRateSweep:
    """The losses of a learning-rate sweep, one per training step, and the rate it suggests.

    Attributes:
        rates: the learning rate of each step, growing exponentially from `min_rate`.
        losses: the exponentially smoothed (bias-corrected) training loss after each step.
        raw_losses: the loss of each step's batch.
        min_rate, max_rate: the rates the sweep was planned to span over `planned_steps`.
        planned_steps: the steps the sweep would take without stopping early.
        batch_size: examples per step.
        stopped_early: whether the smoothed loss diverged before the last planned step.
        seconds: how long the sweep took.

    Example:

    >>> from kerastl.training.learning_rate_sweep import LearningRateSweep
    >>> sweep = LearningRateSweep(rates=[1e-5, 1e-4, 1e-3, 1e-2], losses=[0.7, 0.6, 0.4, 2.0],
    ...                           raw_losses=[0.7, 0.5, 0.3, 5.0], min_rate=1e-5, max_rate=1e-2,
    ...                           planned_steps=4, batch_size=32)
    >>> sweep.minimum_rate
    0.001
    >>> f"{sweep.suggestion:.0e}"
    '1e-04'
    """

    rates: list
    losses: list
    raw_losses: list
    min_rate: float
    max_rate: float
    planned_steps: int
    batch_size: int
    stopped_early: bool = False
    seconds: float = 0.0
    rule: str = field(default=SUGGESTION_RULE, init=False)

    @property
    def minimum_index(self):
        """The step of the lowest smoothed loss, the first tenth of the planned steps left out (as
        fastai does: there the average holds few, noisy batches, and the rate barely acts)."""
        start = min(self.planned_steps // 10, len(self.losses) - 1)
        return min(range(start, len(self.losses)), key=self.losses.__getitem__)

    @property
    def inconclusive_because(self):
        """Why the sweep cannot tell a rate (its suggestion is not to be trusted), or None when it can."""
        if len(self.rates) < MIN_CONCLUSIVE_STEPS:
            return (f"it took {len(self.rates)} steps, and a curve of fewer than {MIN_CONCLUSIVE_STEPS} shows no "
                    "minimum to read a rate from")
        if self.minimum_index <= min(self.planned_steps // 10, len(self.losses) - 1):
            return "the loss never fell below its level at the first rates it counts, so no rate made it fall"
        return None

    @property
    def minimum_rate(self):
        """The rate of the step with the lowest smoothed loss (`minimum_index`)."""
        return self.rates[self.minimum_index]

    @property
    def suggestion(self):
        """The suggested peak learning rate: `minimum_rate / 10`, at least the first rate swept.

        A tenth of the rate where the loss stopped falling is a rate at which it still falls
        steadily; the divergence just past the minimum is left a decade away. The result lies
        within the swept range.
        """
        return max(self.minimum_rate / 10, self.rates[0])

    def to_dict(self):
        """The sweep as JSON-ready data (what `kerastl lr-find` writes to `lr_find.json`)."""
        return {
            "suggested": self.suggestion,
            "rule": self.rule,
            "inconclusive_because": self.inconclusive_because,
            "minimum_rate": self.minimum_rate,
            "min_rate": self.min_rate,
            "max_rate": self.max_rate,
            "planned_steps": self.planned_steps,
            "steps": len(self.rates),
            "batch_size": self.batch_size,
            "stopped_early": self.stopped_early,
            "seconds": round(self.seconds, 2),
            "rates": [float(rate) for rate in self.rates],
            "losses": [float(loss) for loss in self.losses],
            "raw_losses": [float(loss) for loss in self.raw_losses],
        }

    def plot(self, path, title=None):
        """Draw the smoothed loss against the learning rate (log scale), the suggestion marked.

        Args:
            path: the PNG file to write (atomically).
            title: the figure's title (default: the number of steps and the batch size).

        Returns:
            `path` as a `Path`.
        """
        from matplotlib.figure import Figure

        figure = Figure(figsize=(6.5, 4.2), dpi=100, layout="constrained")
        axes = figure.subplots()
        axes.plot(self.rates, self.raw_losses, color=LOSS_COLOR, alpha=0.25, linewidth=1, label="batch loss")
        axes.plot(self.rates, self.losses, color=LOSS_COLOR, label="smoothed loss")
        axes.axvline(self.suggestion, color=SUGGESTION_COLOR, linestyle="--",
                     label=f"suggested {self.suggestion:.2e}")
        axes.plot([self.minimum_rate], [self.losses[self.minimum_index]], marker="o", color=SUGGESTION_COLOR,
                  linestyle="none", label=f"lowest loss at {self.minimum_rate:.2e}")
        axes.set_xscale("log")
        low, high = min(self.losses + self.raw_losses), max(self.losses)
        spread = (high - low) or abs(high) or 1.0
        axes.set_ylim(low - 0.05 * spread, high + 0.1 * spread)  # spikes of the batch loss may leave the frame
        axes.set_xlabel("learning rate")
        axes.set_ylabel("training loss")
        axes.set_title(title or f"Learning-rate sweep: {len(self.rates)} steps of {self.batch_size} examples",
                       fontsize=10)
        axes.grid(alpha=0.3, which="both")
        axes.legend()
        path = Path(path)
        with atomic_file(path, "wb") as file:
            figure.savefig(file, format="png")
        return path
