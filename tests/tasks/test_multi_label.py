"""The multilabel task: records, thresholds, calibration, bad input, and `kerastl train multilabel`."""

import json

import pytest
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.errors import DataError
from kerastl.tasks import ClassificationTask, MultiLabelTask, get_task

TRAIN = [
    ("a wonderful film with great music", ["positive", "music"]),
    ("the best movie i loved it", ["positive"]),
    ("dull plot and terrible music", ["negative", "music"]),
    ("an awful boring movie", ["negative"]),
    ("the city and the team", []),
    ("great actors and a wonderful plot", ["positive", "plot"]),
    ("bad actors and a boring ending", ["negative"]),
    ("the plot and the music", ["plot", "music"]),
]

SEMEVAL_HEADER = "ID\tTweet\tanger\tjoy\tsadness\n"
SEMEVAL_ROWS = [("so awful and terrible", "1\t0\t1"), ("a wonderful day", "0\t1\t0"), ("the city", "0\t0\t0"),
                ("i hated it so bad", "1\t0\t0"), ("the worst film i hated it", "1\t0\t1"),
                ("really good and great", "0\t1\t0"), ("loved it", "0\t1\t0"), ("dull and sad", "0\t0\t1")]


def semeval_file(path, rows=SEMEVAL_ROWS):
    lines = [f"2018-En-{i}\t{text}\t{labels}\n" for i, (text, labels) in enumerate(rows)]
    path.write_text(SEMEVAL_HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def calibrated(tiny_backbone):
    """A task fitted one epoch, its thresholds tuned on `TRAIN` as validation."""
    task = MultiLabelTask(str(tiny_backbone), max_length=16)
    task.fit(TRAIN, validation=TRAIN, epochs=1, batch_size=4, verbose=0)
    return task


def test_registered_as_multilabel_and_multi_label():
    assert get_task("multilabel") is MultiLabelTask and get_task("multi-label") is MultiLabelTask


def test_labels_are_learned_sorted_and_scores_cover_every_label(calibrated):
    assert calibrated.label_set.names == ["music", "negative", "plot", "positive"]
    prediction = calibrated.predict("a wonderful film")[0]
    assert set(prediction.scores) == {"music", "negative", "plot", "positive"}
    assert all(0.0 < p < 1.0 for p in prediction.scores.values())  # independent sigmoids
    assert prediction.labels == [name for name in calibrated.label_set.names
                                 if prediction.scores[name] >= calibrated.thresholds[calibrated.label_set.id_of(name)]]


def test_calibration_tunes_thresholds_that_predict_and_evaluate_use(calibrated):
    facts = calibrated.calibration
    assert list(facts["thresholds"]) == calibrated.label_set.names
    assert calibrated.get_config()["thresholds"] == calibrated.thresholds
    assert any(t != 0.5 for t in calibrated.thresholds)
    assert facts["tuned_thresholds"]["macro_f1"] >= facts["default_thresholds"]["macro_f1"]
    metrics = calibrated.evaluate(TRAIN)
    for key in ("jaccard_accuracy", "micro_f1", "macro_f1"):
        assert round(metrics[key], 4) == facts["tuned_thresholds"][key]


def test_a_folder_saved_when_multilabel_derived_from_classification_still_loads(calibrated, tmp_path):
    calibrated.save(tmp_path / "model")
    description_file = tmp_path / "model" / "kerastl.json"
    description = json.loads(description_file.read_text())
    # What `ClassificationTask.get_config` added to every multilabel config then (never applied to it).
    description["config"].update({"class_weight": None, "temperature": 1.0, "text_pairs": None})
    description_file.write_text(json.dumps(description))
    loaded = kerastl.load(tmp_path / "model")
    assert type(loaded) is MultiLabelTask and loaded.thresholds == calibrated.thresholds
    [before], [after] = calibrated.predict(["a wonderful film"]), loaded.predict(["a wonderful film"])
    assert after.labels == before.labels and after.scores == pytest.approx(before.scores, abs=1e-6)
    assert not isinstance(loaded, ClassificationTask)  # siblings: no softmax temperature to inherit


def test_given_thresholds_decide_and_no_calibration_keeps_them(tiny_backbone):
    task = MultiLabelTask(str(tiny_backbone), max_length=16, thresholds=[0.0, 1.0, 0.0, 1.0])
    task.fit(TRAIN, validation=TRAIN, epochs=1, batch_size=4, verbose=0, calibrate=False)
    assert task.calibration is None and task.thresholds == [0.0, 1.0, 0.0, 1.0]
    assert {tuple(p.labels) for p in task.predict(["a film", "the worst"])} == {("music", "plot")}


@pytest.mark.parametrize("thresholds, message", [
    ([0.5, 1.5], r"a number in \[0, 1\]; got 1.5"), ([0.5, -0.1], r"got -0.1"), ([0.5], "got 1 thresholds for 2"),
    (0.5, "must be a list"),
])
def test_bad_thresholds_are_clear_errors(thresholds, message):
    with pytest.raises(DataError, match=message):
        MultiLabelTask(labels=["anger", "joy"], thresholds=thresholds)


def test_threshold_count_is_checked_once_the_labels_are_learned(tiny_backbone):
    task = MultiLabelTask(str(tiny_backbone), max_length=16, thresholds=[0.5, 0.5])
    with pytest.raises(DataError, match="got 2 thresholds for 4 labels"):
        task.fit(TRAIN, epochs=1, verbose=0)


def test_unknown_label_at_evaluation_names_the_file_and_line(calibrated, tmp_path):
    data = tmp_path / "dev.jsonl"
    data.write_text('{"text": "a film", "labels": ["music"]}\n{"text": "a film", "labels": ["sports"]}\n')
    with pytest.raises(DataError, match=r"dev.jsonl:2: unknown label 'sports'.*Fix:"):
        calibrated.evaluate(data)


def test_examples_with_a_label_that_is_not_a_list_are_refused():
    with pytest.raises(DataError, match="needs a list of labels; got 'joy'"):
        MultiLabelTask().read([("so happy", "joy")])


@pytest.mark.parametrize("line", ['{"text": "mad", "label": ["anger", "joy"]}', '{"text": "mad", "labels": ["anger"]}'])
def test_label_lists_given_to_the_single_label_task_point_to_multilabel(tmp_path, line):
    data = tmp_path / "train.jsonl"
    data.write_text('{"text": "fine", "label": "joy"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train.jsonl:2: the example has a list of labels.*kerastl train multilabel"):
        ClassificationTask().read(data)
    with pytest.raises(DataError, match="kerastl train multilabel"):
        ClassificationTask().read([("mad", ["anger", "joy"])])
    with pytest.raises(DataError, match="kerastl train multilabel"):
        ClassificationTask().read([{"text": "mad", "labels": ["anger"]}])
    assert ClassificationTask().read([("fine", "joy")])[0]["label"] == "joy"  # one label still reads


def test_cli_trains_evaluates_and_predicts_on_a_semeval_layout_file(tiny_backbone, tmp_path):
    train, dev = semeval_file(tmp_path / "train.txt"), semeval_file(tmp_path / "dev.txt", SEMEVAL_ROWS[:5])
    output = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "multilabel", "--train", str(train), "--validation", str(dev),
                                      "--text-column", "Tweet", "--backbone", str(tiny_backbone), "--epochs", "1",
                                      "--batch-size", "4", "--max-length", "16", "--output", str(output)])
    assert result.exit_code == 0, result.output
    summary = json.loads((output / "metrics.json").read_text())
    assert summary["main_metric"] == "jaccard_accuracy"
    assert list(summary["calibration"]["thresholds"]) == ["anger", "joy", "sadness"]
    assert [item["title"] for item in summary["report_items"]] == ["Per-label precision, recall and F1"]
    model = kerastl.load(output)
    assert model.thresholds == pytest.approx(list(summary["calibration"]["thresholds"].values()), abs=1e-4)

    evaluated = CliRunner().invoke(cli, ["evaluate", str(output), "--data", str(dev), "--text-column", "Tweet"])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output)["jaccard_accuracy"] == pytest.approx(summary["validation"]["jaccard_accuracy"])
    predicted = CliRunner().invoke(cli, ["predict", str(output), "--json", "so awful"])
    assert predicted.exit_code == 0, predicted.output
    assert set(json.loads(predicted.output)["scores"]) == {"anger", "joy", "sadness"}


def test_cli_reports_a_bad_label_cell_in_one_line(tiny_backbone, tmp_path):
    bad = semeval_file(tmp_path / "train.txt", SEMEVAL_ROWS[:3] + [("so bad", "1\tyes\t0")] + SEMEVAL_ROWS[3:])
    result = CliRunner().invoke(cli, ["train", "multilabel", "--train", str(bad), "--text-column", "Tweet",
                                      "--label-columns", "anger,joy,sadness", "--backbone", str(tiny_backbone),
                                      "--output", str(tmp_path / "model")])
    assert result.exit_code == 1
    assert f"{bad}:5: the label column 'joy' holds 'yes'" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_train_help_lists_the_multilabel_flags():
    result = CliRunner().invoke(cli, ["train", "multilabel", "--help"])
    assert result.exit_code == 0
    for flag in ("--label-columns", "--label-list-column", "--label-separator", "--text-column"):
        assert flag in result.output
