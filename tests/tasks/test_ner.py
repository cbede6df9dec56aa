import numpy as np
import pytest
from click.testing import CliRunner

import kerastl
from kerastl.errors import DataError
from kerastl.layers import TokenClassificationHead
from kerastl.tasks import NerTask
from kerastl.testing import run_task_test

# CoNLL-2003 style: IOB1 tags.
TRAIN = [
    (["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
     ["I-PER", "I-PER", "O", "I-PER", "I-PER", "O", "I-LOC", "O"]),
    (["John", "Smith", "was", "in", "Berlin"], ["I-PER", "I-PER", "O", "O", "I-LOC"]),
    (["the", "dog", "won", "in", "London"], ["O", "O", "O", "O", "I-LOC"]),
    (["the", "team", "lost"], ["O", "O", "O"]),
]
FAST = {"learning_rate": 3e-3, "warmup_ratio": 0.0, "dropout": 0.0, "max_length": 16}


@pytest.fixture(scope="module")
def trained(tiny_backbone):
    task = NerTask(str(tiny_backbone), **FAST)
    task.fit(TRAIN * 6, epochs=10, batch_size=8, verbose=0)
    return task


def test_ner_round_trip(tiny_backbone, tmp_path):
    task, metrics, predictions = run_task_test(
        NerTask, tiny_backbone, TRAIN, ["Angela Merkel met Emmanuel Macron in Paris.", ["John", "Smith"]], tmp_path,
        task_options={"max_length": 16},
    )
    assert set(metrics) >= {"precision", "recall", "f1", "per_type"}
    assert task.label_set.names == ["O", "B-LOC", "B-PER", "I-PER"]
    assert len(predictions[0].tags) == len(predictions[0].words) == 8
    assert kerastl.load(tmp_path / "NerTask-saved").label_set.names == task.label_set.names


def test_learns_entities_with_types_and_offsets(trained):
    metrics = trained.evaluate(TRAIN)
    assert metrics["f1"] == 1.0 and set(metrics["per_type"]) == {"PER", "LOC"}
    text = "Angela Merkel met Emmanuel Macron in Paris."
    prediction = trained.predict(text)[0]
    found = [(e.type, e.text, e.start_word, e.end_word) for e in prediction.entities]
    assert found == [("PER", "Angela Merkel", 0, 2), ("PER", "Emmanuel Macron", 3, 5), ("LOC", "Paris", 6, 7)]
    for entity in prediction.entities:
        assert text[entity.start_char : entity.end_char] == entity.text
    assert "Angela Merkel" in prediction.describe()
    assert prediction.to_dict()["entities"][0]["type"] == "PER"


def test_pre_split_words_and_dropped_characters_keep_every_word(trained):
    words = ["John", "Smith", "\x07", "in", "London"]
    prediction = trained.predict([words])[0]
    assert prediction.words == words and len(prediction.tags) == 5
    assert prediction.text == "John Smith \x07 in London"


def test_a_sentence_longer_than_max_length_gets_a_tag_for_every_word(trained):
    words = ("john smith met angela merkel in paris .".split() * 125)[:1000]
    prediction = trained.predict([words])[0]
    assert len(prediction.tags) == 1000
    # far beyond the 16-token window, entities are still found
    assert any(entity.start_word > 900 for entity in prediction.entities)


def test_predict_outputs_are_the_export_graphs_logits_one_row_per_sentence(trained):
    # `forward` runs the model through `run_model` on its windows; the export composes it all in one graph.
    from kerastl.preprocessing.word_alignment import align_words
    from kerastl.tasks.ner.graph import token_logits_in_graph

    sentences = [("john smith met angela merkel in paris .".split() * 9)[:70], [], ["Paris"], TRAIN[0][0]]
    records = trained.read([list(words) for words in sentences])
    features, targets = trained.encode(records)
    assert targets is None and features["token_ids"].nrows() == len(records)
    outputs = trained.predict_outputs(records, batch_size=3)
    graph = token_logits_in_graph(trained, align_words(trained.tokenizer, [r["words"] for r in records]))
    assert [len(o) for o in outputs] == graph.row_lengths().numpy().tolist() == \
        features["token_ids"].row_lengths().numpy().tolist()
    for output, expected in zip(outputs, graph):
        np.testing.assert_allclose(output, expected.numpy(), atol=1e-5)


def test_long_sentences_train_in_windows(tiny_backbone):
    task = NerTask(str(tiny_backbone), max_length=8)
    long_sentence = (TRAIN[0][0] * 4, TRAIN[0][1] * 4)
    task.setup(task.read([long_sentence, TRAIN[1]]))
    task.build()
    features, targets = task.encode(task.read([long_sentence]), with_targets=True)
    assert features["token_ids"].nrows() > 1  # several windows, no truncation
    assert np.all(features["token_ids"].row_lengths().numpy() <= 8)
    assert targets.row_lengths().numpy().tolist() == features["token_ids"].row_lengths().numpy().tolist()


def test_output_scheme_and_mean_pooling(trained):
    config = dict(trained.get_config(), output_scheme="bioes", word_pooling="mean")
    task = NerTask.from_config(config)
    task.tokenizer, task.model = trained.tokenizer, trained.model
    prediction = task.predict([TRAIN[0][0]])[0]
    assert prediction.tags == ["B-PER", "E-PER", "O", "B-PER", "E-PER", "O", "S-LOC", "O"]
    assert task.evaluate(TRAIN)["f1"] == 1.0


def test_all_sub_tokens_can_carry_the_label(tiny_backbone):
    task = NerTask(str(tiny_backbone), label_subtokens="all", max_length=16)
    task.setup(task.read(TRAIN))
    task.build()
    _, targets = task.encode(task.read([(["merkel", "xq"], ["I-PER", "I-PER"])]), with_targets=True)
    # [CLS] merkel x ##q [SEP]: every sub-token of a word has the word's tag
    per = task.label_set.id_of("B-PER"), task.label_set.id_of("I-PER")
    assert targets.to_list() == [[-1, per[0], per[1], per[1], -1]]


def test_conll_file_with_bioes_scheme(tiny_backbone, tmp_path):
    data = tmp_path / "train.conll"
    data.write_text("-DOCSTART- -X- O O\n\nJohn NNP S-PER\nSmith NNP S-PER\nin IN O\n\nParis NNP S-LOC\n",
                    encoding="utf-8")
    task = NerTask(str(tiny_backbone), max_length=16)
    with pytest.raises(DataError, match=r"train.conll:3: the tag 'S-PER' is not a IOB1 tag"):
        task.fit(data, verbose=0)
    records = task.read(data, scheme="bioes")
    task.fit(records, epochs=1, verbose=0)
    assert set(task.label_set.names) == {"O", "B-PER", "B-LOC"}


def test_words_and_tags_must_pair_up(tiny_backbone):
    with pytest.raises(DataError, match="2 words but 1 tags"):
        NerTask(str(tiny_backbone)).read([(["a", "b"], ["O"])])


def test_token_classification_head_in_a_functional_model():
    import keras

    states = keras.Input((None, 8))
    model = keras.Model(states, TokenClassificationHead(num_classes=3, name="tags")(states))
    assert model(np.zeros((2, 5, 8), "float32")).shape == (2, 5, 3)
    clone = keras.Model.from_config(model.get_config())
    assert clone.layers[-1].get_config()["num_classes"] == 3
    with pytest.raises(ValueError, match="token states"):
        TokenClassificationHead(num_classes=3)(np.zeros((2, 8), "float32"))


def test_cli_train_and_predict(tiny_backbone, tmp_path):
    from kerastl.cli.main import cli

    data = tmp_path / "train.conll"
    blocks = ["\n".join(f"{w} X {t}" for w, t in zip(words, tags)) for words, tags in TRAIN]
    data.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["train", "ner", "--train", str(data), "--validation", str(data), "--output",
                                  str(tmp_path / "model"), "--backbone", str(tiny_backbone), "--epochs", "1",
                                  "--max-length", "16", "--scheme", "iob1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "model" / "metrics.json").is_file()
    result = runner.invoke(cli, ["predict", "--json", str(tmp_path / "model"), "Angela Merkel met Macron in Paris."])
    assert result.exit_code == 0, result.output
    assert '"words": ["Angela", "Merkel", "met", "Macron", "in", "Paris", "."]' in result.output
