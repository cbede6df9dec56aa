"""Safe loading: a model folder whose parts do not belong together is refused with a clear error."""

import json
import shutil

import keras
import pytest

import kerastl
from kerastl.errors import ModelLoadError
from model_folders import edit_json



@pytest.fixture()
def saved(tiny_sentiment_folder):
    return tiny_sentiment_folder


@pytest.fixture()
def copy(tiny_sentiment_copy):
    return tiny_sentiment_copy


def test_untouched_folder_loads(saved):
    assert kerastl.load(saved).label_set.names == ["negative", "positive"]


def test_extra_label_does_not_match_the_head(copy):
    edit_json(copy / "kerastl.json", lambda d: d["config"].update(labels=["negative", "neutral", "positive"]))
    with pytest.raises(ModelLoadError, match=r"head of 3 outputs but the model's head has 2"):
        kerastl.load(copy)


def test_single_label_is_an_invalid_config(copy):
    edit_json(copy / "kerastl.json", lambda d: d["config"].update(labels=["positive"]))
    with pytest.raises(ModelLoadError, match=r"kerastl.json holds an invalid task config"):
        kerastl.load(copy)


def test_head_that_does_not_match_the_weights(copy):
    def widen_head(config):
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "ClassificationHead":
                layer["config"]["num_classes"] = 5

    edit_json(copy / "model.json", widen_head)
    with pytest.raises(ModelLoadError, match=r"cannot be loaded"):
        kerastl.load(copy)


def test_foreign_tokenizer_is_refused(copy):
    from kerastl.backbones.tokenizer_files import save_tokenizer

    import keras_hub

    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"word{i}" for i in range(2000)]
    shutil.rmtree(copy / "tokenizer")
    save_tokenizer(keras_hub.models.BertTokenizer(vocabulary=vocabulary), copy / "tokenizer")
    with pytest.raises(ModelLoadError, match=r"tokenizer has 2005 tokens"):
        kerastl.load(copy)


def test_stored_code_is_refused_in_safe_mode(copy):
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    (copy / "model.json").write_text(json.dumps(keras.saving.serialize_keras_object(model)))
    with pytest.raises(ModelLoadError, match=r"cannot be loaded"):
        kerastl.load(copy)


def test_sentiment_task_class_refuses_another_tasks_folder(copy):
    edit_json(copy / "kerastl.json", lambda d: d.update(task="no-such-task"))
    with pytest.raises(kerastl.KerastlError, match="no-such-task"):
        kerastl.load(copy)


def test_a_repeated_vocabulary_token_names_the_file_and_both_lines(copy):
    vocabulary = next((copy / "tokenizer").rglob("vocabulary.txt"))
    lines = vocabulary.read_text(encoding="utf-8").splitlines()
    vocabulary.write_text("\n".join(lines + [lines[7]]) + "\n", encoding="utf-8")
    with pytest.raises(ModelLoadError, match=rf"vocabulary.txt:{len(lines) + 1}: the token .* is already on line 8"):
        kerastl.load(copy)


@pytest.mark.parametrize("content", [b"not a sentencepiece model", b""], ids=["garbage", "empty"])
def test_a_broken_sentence_piece_model_is_named(content, tiny_family_backbone, tmp_path):
    from kerastl.tasks import SentimentTask

    task = SentimentTask(str(tiny_family_backbone("albert")), max_length=16)
    task.prepare(task.read([("a great film", "positive"), ("a dull film", "negative")]))
    task.save(tmp_path / "model")
    next((tmp_path / "model/tokenizer").rglob("*.spm")).write_bytes(content)
    with pytest.raises(ModelLoadError, match=r"vocabulary.spm is not a SentencePiece model"):
        kerastl.load(tmp_path / "model")
