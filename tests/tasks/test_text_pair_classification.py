"""Classifying text pairs: examples, fit -> predict -> save -> load -> export served by TensorFlow alone, CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.errors import DataError
from kerastl.export import export_task
from kerastl.tasks import ClassificationTask
from kerastl.testing import TOY_REVIEWS, assert_predictions_close, run_task_test

#: Does the second text say the same as the first? Words the tiny vocabularies know.
TRAIN = [(first, second, "same" if first_label == second_label else "other")
         for first, first_label in TOY_REVIEWS[::2] for second, second_label in TOY_REVIEWS[1::2]]
INPUTS = [("the best movie i loved it", "a wonderful film"), ("an awful boring movie", "a wonderful film"),
          ("a", "이 영화 정말 재미있어요")]

SERVE_WITHOUT_KERASTL = """
import json, sys
import tensorflow as tf
import tensorflow_text  # the ops of tf-text tokenizers
folder, texts, text_pairs = json.loads(sys.stdin.read())
outputs = tf.saved_model.load(folder).signatures["serving_default"](texts=tf.constant(texts),
                                                                     text_pairs=tf.constant(text_pairs))
print(json.dumps({"label": [v.decode() for v in outputs["label"].numpy()],
                  "probabilities": outputs["probabilities"].numpy().tolist(),
                  "kerastl_imported": any(m.startswith("kerastl") for m in sys.modules)}))
"""


@pytest.mark.parametrize("example, expected", [
    (("a", "b", "yes"), {"text": "a", "text_pair": "b", "label": "yes"}),
    ({"text": "a", "text_pair": "b", "label": "yes"}, {"text": "a", "text_pair": "b", "label": "yes"}),
    ({"sentence1": "a", "sentence2": "b", "label": "yes"}, {"text": "a", "text_pair": "b", "label": "yes"}),
    ({"premise": "a", "hypothesis": "b"}, {"text": "a", "text_pair": "b"}),
    (("a", "yes"), {"text": "a", "label": "yes"}),
])
def test_examples_become_records(example, expected):
    record = ClassificationTask("unused").record_from_example(example)
    assert {key: value for key, value in record.items() if key != "where"} == expected


def test_a_pair_model_reads_two_strings_as_a_pair_and_a_tab_as_their_border():
    task = ClassificationTask("unused", text_pairs=True)
    assert task.record_from_example(("a", "b"))["text_pair"] == "b"
    assert task.record_from_example("a\tb c")["text_pair"] == "b c"


def test_an_empty_second_text_is_refused():
    with pytest.raises(DataError, match="text_pair"):
        ClassificationTask("unused").read([("a", " ", "yes")])


@pytest.fixture(scope="module")
def trained(tiny_family_backbone, tmp_path_factory):
    """`(family) -> (task, predictions, folder)`: a pair classifier fitted, saved and reloaded once per family."""
    cache = {}

    def train(family):
        if family not in cache:
            folder = tmp_path_factory.mktemp(f"pairs-{family}")
            task, _, predictions = run_task_test(ClassificationTask, tiny_family_backbone(family), train=TRAIN,
                                                 inputs=INPUTS, tmp_path=folder, task_options={"max_length": 16})
            cache[family] = task, predictions, folder
        return cache[family]

    return train


@pytest.mark.parametrize("family, segment_ids", [("bert", True), ("xlm_roberta", False)])
def test_fit_predict_save_load_export(trained, family, segment_ids):
    task, predictions, folder = trained(family)
    assert task.text_pairs is True
    assert ("segment_ids" in task.model.input) is segment_ids
    assert [p.text_pair for p in predictions] == [b for _, b in INPUTS]
    loaded = kerastl.load(folder / "ClassificationTask-saved")
    assert_predictions_close(predictions, loaded.predict(INPUTS))
    description = export_task(loaded, folder / "export")
    assert description["text_pairs"] is True and set(description["inputs"]) == {"texts", "text_pairs"}
    served = _serve(folder / "export", INPUTS)
    assert served["kerastl_imported"] is False
    assert served["label"] == [p.label for p in predictions]
    names = list(predictions[0].probabilities)
    assert np.allclose(served["probabilities"], [[p.probabilities[n] for n in names] for p in predictions], atol=1e-5)


def test_the_second_text_changes_the_answer(trained):
    task, _, _ = trained("bert")
    first = task.predict([("a wonderful film", "the worst film")])[0].probabilities
    second = task.predict([("a wonderful film", "the best movie i loved it")])[0].probabilities
    assert not np.allclose(list(first.values()), list(second.values()))


def test_a_pair_model_refuses_single_texts_and_a_text_model_refuses_pairs(trained, tiny_family_backbone):
    task, _, _ = trained("bert")
    with pytest.raises(DataError, match="reads text pairs") as error:
        task.predict(["a wonderful film"])
    assert "text<TAB>text_pair" in str(error.value)
    single = ClassificationTask(str(tiny_family_backbone("bert")), max_length=16)
    single.fit(TOY_REVIEWS, epochs=1, batch_size=4, verbose=0)
    with pytest.raises(DataError, match="reads single texts"):
        single.predict([{"text": "a", "text_pair": "b"}])
    assert single.serving_metadata()["text_pairs"] is False


def test_cli_train_evaluate_predict_on_a_pair_table(tmp_path, tiny_backbone):
    data = tmp_path / "pairs.tsv"
    data.write_text("index\tsentence1\tsentence2\tlabel\n"
                    + "".join(f"{i}\t{a}\t{b}\t{label}\n" for i, (a, b, label) in enumerate(TRAIN)), encoding="utf-8")
    out, runner = tmp_path / "model", CliRunner()
    columns = ["--text-column", "sentence1", "--text-pair-column", "sentence2", "--label-column", "label"]
    trained = runner.invoke(cli, ["train", "classification", "--train", str(data), "--validation", str(data),
                                  "--backbone", str(tiny_backbone), "--epochs", "1", "--max-length", "16",
                                  "--output", str(out), *columns])
    assert trained.exit_code == 0, trained.output
    evaluated = runner.invoke(cli, ["evaluate", str(out), "--data", str(data), *columns])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output)["examples"] == len(TRAIN)
    predicted = runner.invoke(cli, ["predict", str(out), "--json"], input="a wonderful film\tthe worst film\n")
    assert predicted.exit_code == 0, predicted.output
    line = json.loads(predicted.output)
    assert (line["text"], line["text_pair"]) == ("a wonderful film", "the worst film")
    single = runner.invoke(cli, ["predict", str(out), "a wonderful film"])
    assert single.exit_code == 1 and "reads text pairs" in single.output and "Traceback" not in single.output


def test_cli_names_the_row_with_an_empty_second_text(tmp_path, tiny_backbone):
    data = tmp_path / "pairs.tsv"
    data.write_text("sentence1\tsentence2\tlabel\na good film\ta fine ending\tsame\nthe worst film\t\tother\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "classification", "--train", str(data), "--backbone", str(tiny_backbone),
                                      "--text-column", "sentence1", "--text-pair-column", "sentence2",
                                      "--output", str(tmp_path / "out")])
    assert result.exit_code == 1 and f"{data}:3" in result.output and "text_pair" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def _serve(folder, inputs):
    completed = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT_KERASTL], capture_output=True, text=True, timeout=600,
        input=json.dumps([str(folder), [a for a, _ in inputs], [b for _, b in inputs]]),
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_folder_per_class_is_not_read_as_pairs(tmp_path):
    with pytest.raises(DataError, match="folder per class") as error:
        ClassificationTask("unused").read(tmp_path, text_pair_column="sentence2")
    assert str(tmp_path) in str(error.value) and "--text-pair-column" in str(error.value)
