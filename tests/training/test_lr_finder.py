"""`find_learning_rate`: an exponential sweep that leaves the model as it found it."""

import json
import math

import numpy as np
import pytest

from kerastl.errors import DataError, KerastlError
from kerastl.tasks import ClassificationTask
from kerastl.training import LearningRateSweep, find_learning_rate

WORDS = ["good", "bad", "fine", "awful", "great", "dull", "nice", "poor"]
ROWS = [(f"a {WORDS[i % 8]} film {'indeed ' * (i % 3)}", "positive" if i % 2 == 0 else "negative") for i in range(48)]
STEPS, MIN_RATE, MAX_RATE = 12, 1e-6, 1e-1


def new_task(backbone):
    return ClassificationTask(str(backbone), max_length=16, labels=["negative", "positive"])


def variables_of(task):
    return [np.array(variable) for variable in task.model.variables]  # weights and dropout seeds


@pytest.fixture(scope="module")
def swept(tiny_backbone):
    """A task before and after one sweep, then trained one epoch; and a fresh task trained the same."""
    task = new_task(tiny_backbone)
    task.prepare(task.read(ROWS))
    before = variables_of(task)
    sweep = find_learning_rate(task, ROWS, steps=STEPS, min_rate=MIN_RATE, max_rate=MAX_RATE, batch_size=4)
    after = variables_of(task)
    optimizer_after = task.model.optimizer
    task.fit(ROWS, epochs=1, batch_size=4, verbose=0)
    fresh = new_task(tiny_backbone)
    fresh.fit(ROWS, epochs=1, batch_size=4, verbose=0)
    return {"sweep": sweep, "before": before, "after": after, "optimizer_after": optimizer_after,
            "trained": variables_of(task), "trained_fresh": variables_of(fresh)}


def test_rates_grow_exponentially_and_each_step_has_a_loss(swept):
    sweep = swept["sweep"]
    assert len(sweep.rates) == len(sweep.losses) == len(sweep.raw_losses) == STEPS
    assert sweep.rates[0] == pytest.approx(MIN_RATE, rel=1e-5) and sweep.rates[-1] == pytest.approx(MAX_RATE, rel=1e-4)
    ratios = np.array(sweep.rates[1:]) / np.array(sweep.rates[:-1])
    np.testing.assert_allclose(ratios, (MAX_RATE / MIN_RATE) ** (1 / (STEPS - 1)), rtol=1e-4)
    assert all(math.isfinite(loss) and loss > 0 for loss in sweep.losses + sweep.raw_losses)
    assert sweep.losses[0] == sweep.raw_losses[0]  # the bias-corrected average of one loss is that loss
    assert sweep.raw_losses != sweep.losses


def test_the_model_is_restored_exactly_and_keeps_no_optimizer(swept):
    assert len(swept["before"]) == len(swept["after"])
    for before, after in zip(swept["before"], swept["after"]):
        np.testing.assert_array_equal(before, after)
    assert swept["optimizer_after"] is None


def test_a_fit_after_the_sweep_is_exactly_a_fit_without_it(swept):
    assert not all(np.array_equal(a, b) for a, b in zip(swept["before"], swept["trained"]))  # it did train
    for with_sweep, without in zip(swept["trained"], swept["trained_fresh"]):
        np.testing.assert_array_equal(with_sweep, without)


def test_the_suggestion_lies_within_the_swept_range(swept):
    sweep = swept["sweep"]
    assert sweep.rates[0] <= sweep.suggestion <= sweep.rates[-1]
    assert sweep.suggestion == pytest.approx(max(sweep.minimum_rate / 10, sweep.rates[0]))
    facts = json.loads(json.dumps(sweep.to_dict()))
    assert facts["suggested"] == sweep.suggestion and facts["steps"] == STEPS and facts["rates"] == sweep.rates


def test_the_sweep_stops_when_the_loss_diverges(tiny_backbone):
    task = new_task(tiny_backbone)
    sweep = find_learning_rate(task, ROWS, steps=STEPS, min_rate=1.0, max_rate=1e6, batch_size=4)
    assert sweep.stopped_early and len(sweep.rates) < STEPS
    assert sweep.losses[-1] > 4 * min(sweep.losses) or not math.isfinite(sweep.raw_losses[-1])


def test_the_rule_takes_the_lowest_loss_after_the_first_tenth_and_stays_in_range():
    rates = [10.0 ** (i - 20) for i in range(20)]
    valley = LearningRateSweep(rates=rates, losses=[0.1] + [1.0 - 0.01 * i for i in range(1, 15)] + [2.0] * 5,
                               raw_losses=[1.0] * 20, min_rate=rates[0], max_rate=rates[-1], planned_steps=20,
                               batch_size=8)
    assert valley.minimum_index == 14  # not the noisy first step
    assert valley.suggestion == pytest.approx(rates[13])
    slow = [1e-6 * 2 ** i for i in range(20)]
    rising = LearningRateSweep(rates=slow, losses=[1.0 + i for i in range(20)], raw_losses=[1.0] * 20,
                               min_rate=slow[0], max_rate=slow[-1], planned_steps=20, batch_size=8)
    assert rising.minimum_index == 2 and rising.suggestion == slow[0]  # a tenth of slow[2] is below the range


def test_a_sweep_that_cannot_tell_says_why():
    rates = [10.0 ** (i / 5 - 7) for i in range(40)]
    falling = [1.0 - 0.01 * i for i in range(30)] + [2.0] * 10
    readable = LearningRateSweep(rates=rates, losses=falling, raw_losses=falling, min_rate=rates[0],
                                 max_rate=rates[-1], planned_steps=40, batch_size=8)
    assert readable.inconclusive_because is None and readable.to_dict()["inconclusive_because"] is None
    short = LearningRateSweep(rates=rates[:10], losses=falling[:10], raw_losses=falling[:10], min_rate=rates[0],
                              max_rate=rates[-1], planned_steps=10, batch_size=32)
    assert "took 10 steps" in short.inconclusive_because
    rising = LearningRateSweep(rates=rates, losses=[1.0 + i for i in range(40)], raw_losses=[1.0] * 40,
                               min_rate=rates[0], max_rate=rates[-1], planned_steps=40, batch_size=8)
    assert "never fell" in rising.inconclusive_because


def test_the_plot_is_a_png(tmp_path):
    sweep = LearningRateSweep(rates=[1e-5, 1e-4, 1e-3, 1e-2], losses=[0.7, 0.6, 0.4, 2.0],
                              raw_losses=[0.7, 0.5, 0.3, 5.0], min_rate=1e-5, max_rate=1e-2, planned_steps=4,
                              batch_size=32)
    path = sweep.plot(tmp_path / "lr_find.png")
    assert path.read_bytes().startswith(b"\x89PNG") and [p.name for p in tmp_path.iterdir()] == ["lr_find.png"]


def test_data_too_small_for_a_sweep_names_the_file_and_the_fix(tiny_backbone, tmp_path):
    data = tmp_path / "train.tsv"
    data.write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in ROWS[:6]), encoding="utf-8")
    task = new_task(tiny_backbone)
    with pytest.raises(DataError, match="--batch-size") as error:
        find_learning_rate(task, str(data), batch_size=4)
    assert str(data) in str(error.value) and "6 training examples make 2 batches of 4" in str(error.value)
    assert task.model is None  # refused before building anything


@pytest.mark.parametrize("settings, message", [
    ({"min_rate": 1e-2, "max_rate": 1e-3}, "min_rate must be below max_rate"),
    ({"min_rate": 1e-3, "max_rate": 1e-3}, "min_rate must be below max_rate"),
    ({"min_rate": -1e-5}, "min_rate must be a positive number"),
    ({"max_rate": float("nan")}, "max_rate must be a positive number"),
    ({"steps": 3}, "steps must be a whole number of at least"),
    ({"smoothing": 1.0}, "smoothing must be"),
    ({"divergence": 0.5}, "divergence must be above 1"),
])
def test_bad_settings_are_refused_before_any_work(settings, message):
    task = ClassificationTask("no-such-backbone-is-loaded")
    with pytest.raises(KerastlError, match=message):
        find_learning_rate(task, ROWS, **settings)
    assert task.model is None
