import json

import numpy as np
import pytest
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.layers import BackboneEncoder
from kerastl.runs.curve import SCRATCH_LABEL, curve_lines, curve_table, learning_curve, plot_curve
from kerastl.testing import TOY_REVIEWS, make_tiny_backbone

TRAIN = TOY_REVIEWS
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def two_backbones(tmp_path_factory):
    """Two tiny backbones of different architectures whose folders share the name "backbone"."""
    root = tmp_path_factory.mktemp("curve-backbones")
    return (make_tiny_backbone(root / "general" / "backbone", num_layers=1),
            make_tiny_backbone(root / "domain" / "backbone", family="distil_bert", num_layers=1))


@pytest.fixture()
def train_file(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in TRAIN), encoding="utf-8")
    return path


def test_curve_command_trains_each_backbone_and_scratch_once_per_seed(two_backbones, train_file, tmp_path):
    general, domain = two_backbones
    output = tmp_path / "curve"
    result = CliRunner().invoke(cli, ["curve", "sentiment", "--train", str(train_file), "--validation",
                                      str(train_file), "--sizes", "4", "--backbones", f"{general},{domain}",
                                      "--seeds", "0,1", "--epochs", "1", "--batch-size", "4",
                                      "--scratch-learning-rate", "0.001", "--output", str(output)])
    assert result.exit_code == 0, result.output
    saved = json.loads((output / "curve.json").read_text())
    assert saved["task"] == "sentiment" and saved["metric"] == "accuracy" and saved["sizes"] == [4]
    assert saved["validation_examples"] == len(TRAIN) and saved["epochs"] == 1 and saved["seeds"] == [0, 1]
    lines = saved["lines"]
    assert list(lines) == ["general/backbone", "domain/backbone", SCRATCH_LABEL]
    assert [(line["backbone"], line["pretrained"]) for line in lines.values()] == [
        (str(general), True), (str(domain), True), (str(general), False)]
    assert lines[SCRATCH_LABEL]["learning_rate"] == 0.001 != lines["general/backbone"]["learning_rate"]
    for line in lines.values():
        (point,) = line["points"]
        assert point["size"] == 4 and point["n"] == 2 and sorted(run["seed"] for run in point["runs"]) == [0, 1]
        scores = [run["metric"] for run in point["runs"]]
        assert point["min"] == min(scores) <= point["median"] <= point["max"] == max(scores)
        assert point["mean"] == pytest.approx(np.mean(scores)) and point["std"] == pytest.approx(np.std(scores))
    assert [(run["seed"], run["line"]) for run in saved["runs"]] == [
        (seed, label) for seed in (0, 1) for label in lines]
    assert (output / "curve.png").read_bytes()[:8] == PNG_SIGNATURE
    assert "[1/6] sentiment general/backbone, 4 examples, seed 0" in result.output
    table_row = next(row for row in result.output.splitlines() if row.startswith("domain/backbone "))
    median, low, high = (lines["domain/backbone"]["points"][0][key] for key in ("median", "min", "max"))
    assert table_row.split()[1] == f"{median:.3f}"
    assert f"[{low:.3f}-{high:.3f}]" in table_row


class _RecordedRuns:
    """Stands in for training: records what each run was given, scores it by its seed and size."""

    def __init__(self, monkeypatch, task_class):
        self.calls = []
        recorded = self

        def fit(task, train, **options):
            recorded.calls.append({"backbone": task.backbone, "pretrained": task.pretrained_weights,
                                   "seed": task.seed, "texts": [record["text"] for record in train]})

        def evaluate(task, data, **options):
            return {"accuracy": 0.5 + 0.1 * task.seed + 0.01 * len(recorded.calls[-1]["texts"]), "examples": 8}

        monkeypatch.setattr(task_class, "fit", fit)
        monkeypatch.setattr(task_class, "evaluate", evaluate)


def test_each_seed_draws_its_own_nested_subsets_shared_by_all_lines(two_backbones, monkeypatch):
    from kerastl.tasks import SentimentTask

    recorded = _RecordedRuns(monkeypatch, SentimentTask)
    general, domain = two_backbones
    result = learning_curve("sentiment", TRAIN, TRAIN, [6, 3], backbones=[general, domain], seeds=[0, 1, 2],
                            log=lambda line: None)
    calls = recorded.calls
    assert len(calls) == 2 * 3 * 3
    assert [(len(call["texts"]), call["seed"]) for call in calls[::3]] == [(size, seed) for size in (3, 6)
                                                                            for seed in (0, 1, 2)]
    assert [(call["backbone"], call["pretrained"]) for call in calls[:3]] == [
        (str(general), True), (str(domain), True), (str(general), False)]
    for first in range(0, len(calls), 3):  # the lines of one (size, seed) see the same examples
        assert calls[first]["texts"] == calls[first + 1]["texts"] == calls[first + 2]["texts"]
    small, large = {}, {}
    for call in calls:
        (small if len(call["texts"]) == 3 else large)[call["seed"]] = call["texts"]
    assert all(set(small[seed]) < set(large[seed]) for seed in (0, 1, 2))  # nested per seed
    assert len({tuple(sorted(texts)) for texts in small.values()}) == 3  # each seed its own subset
    point = result["lines"]["general/backbone"]["points"][0]
    assert point["n"] == 3 and point["median"] == pytest.approx(0.63)
    assert (point["min"], point["max"]) == (pytest.approx(0.53), pytest.approx(0.73))


def test_no_scratch_leaves_out_the_random_init_line(two_backbones, monkeypatch):
    from kerastl.tasks import SentimentTask

    recorded = _RecordedRuns(monkeypatch, SentimentTask)
    result = learning_curve("sentiment", TRAIN, TRAIN, [2], backbones=str(two_backbones[0]), seeds=5,
                            scratch=False, log=lambda line: None)
    assert list(result["lines"]) == ["backbone"] and [call["pretrained"] for call in recorded.calls] == [True]
    assert result["seeds"] == [5] and result["lines"]["backbone"]["points"][0]["n"] == 1


def test_folders_of_one_name_get_labels_that_tell_them_apart(tmp_path):
    for folder in ("runs/a/backbone", "runs/b/backbone", "c/from scratch"):
        (tmp_path / folder).mkdir(parents=True)
    lines = curve_lines([str(tmp_path / "runs/a/backbone"), str(tmp_path / "runs/b/backbone"),
                         "minilm-l6", str(tmp_path / "c/from scratch")])
    assert [line.label for line in lines] == ["a/backbone", "b/backbone", "minilm-l6", "c/from scratch",
                                              SCRATCH_LABEL]
    assert lines[-1].backbone == str(tmp_path / "runs/a/backbone") and not lines[-1].pretrained


def test_one_backbone_given_twice_is_refused(tmp_path):
    from kerastl.errors import KerastlError

    (tmp_path / "backbone").mkdir()
    with pytest.raises(KerastlError, match="names one backbone twice"):
        curve_lines([str(tmp_path / "backbone"), str(tmp_path / "backbone") + "/"])


@pytest.mark.parametrize("flags", [["--backbone", "minilm-l6", "--backbones", "a,b"], ["--seed", "1", "--seeds", "1,2"]],
                         ids=["backbone", "seed"])
def test_single_and_several_forms_together_fail_with_one_line(flags, train_file, tmp_path):
    result = CliRunner().invoke(cli, ["curve", "sentiment", "--train", str(train_file), "--validation",
                                      str(train_file), "--sizes", "4", "--output", str(tmp_path / "c"), *flags])
    assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1, result.output
    single, several = flags[0], flags[2]
    assert f"{single} and {several} were both given" in result.output
    assert not (tmp_path / "c").exists()


def test_a_two_line_curve_json_of_before_is_still_drawn_and_tabled(tmp_path):
    old = {"task": "sentiment", "backbone": "/models/minilm-l6", "epochs": 1, "seed": 0, "sizes": [10, 100],
           "validation_examples": 8, "metric": "accuracy",
           "pretrained": [{"size": 10, "metric": 0.6}, {"size": 100, "metric": 0.8}],
           "from_scratch": [{"size": 10, "metric": 0.5}, {"size": 100, "metric": 0.55}]}
    path = plot_curve(old, tmp_path / "old.png")
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    rows = curve_table(old).splitlines()
    assert rows[1].split() == ["minilm-l6", "0.600", "0.800"]
    assert rows[2].split() == ["from", "scratch", "0.500", "0.550"]


def test_curve_command_refuses_sizes_larger_than_the_data(tiny_backbone, train_file, tmp_path):
    result = CliRunner().invoke(cli, ["curve", "sentiment", "--train", str(train_file), "--validation",
                                      str(train_file), "--sizes", "4,100", "--backbone", str(tiny_backbone),
                                      "--output", str(tmp_path / "c")])
    assert result.exit_code == 1 and "between 1 and the 8 training examples" in result.output


def test_pretrained_weights_switch_builds_the_same_architecture_randomly(tiny_backbone):
    from kerastl.tasks import SentimentTask

    tasks = [SentimentTask(str(tiny_backbone), labels=["a", "b"], pretrained_weights=flag, seed=1)
             for flag in (True, False)]
    for task in tasks:
        task.build()
    encoders = [next(layer for layer in task.model.layers if isinstance(layer, BackboneEncoder)) for task in tasks]
    pretrained, scratch = (encoder.backbone.token_embedding.embeddings.numpy() for encoder in encoders)
    assert pretrained.shape == scratch.shape and not np.allclose(pretrained, scratch)
    assert tasks[1].get_config()["pretrained_weights"] is False


def test_each_line_is_compared_with_the_last_backbone_given_or_the_baseline_named(two_backbones, monkeypatch):
    from kerastl.tasks import SentimentTask

    _RecordedRuns(monkeypatch, SentimentTask)
    general, domain = (str(folder) for folder in two_backbones)
    result = learning_curve("sentiment", TRAIN, TRAIN, [3], backbones=[domain, general], seeds=[0, 1],
                            log=lambda line: None)
    comparisons = result["comparisons"]
    assert comparisons["baseline"] == "general/backbone"
    assert list(comparisons["lines"]) == ["domain/backbone", SCRATCH_LABEL]
    (row,) = comparisons["lines"]["domain/backbone"]
    assert set(row["differences_by_seed"]) == {"0", "1"} and "paired differences against general/backbone" in \
        curve_table(result)
    named = learning_curve("sentiment", TRAIN, TRAIN, [3], backbones=[domain, general], seeds=[0],
                           baseline=SCRATCH_LABEL, log=lambda line: None)
    assert named["comparisons"]["baseline"] == SCRATCH_LABEL
    assert list(named["comparisons"]["lines"]) == ["domain/backbone", "general/backbone"]
    single = learning_curve("sentiment", TRAIN, TRAIN, [3], backbones=general, scratch=False, seeds=[0],
                            log=lambda line: None)
    assert "comparisons" not in single


def test_a_baseline_that_is_no_line_is_refused_in_one_line(two_backbones, train_file, tmp_path):
    result = CliRunner().invoke(cli, ["curve", "sentiment", "--train", str(train_file), "--validation",
                                      str(train_file), "--sizes", "4", "--backbone", str(two_backbones[0]),
                                      "--baseline", "minilm-l6", "--output", str(tmp_path / "curve")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "--baseline minilm-l6 is not a line of this curve" in result.output
    assert not (tmp_path / "curve").exists()
