import contextlib

import keras
import keras_hub
import numpy as np
import pytest
import yaml
from click.testing import CliRunner

import kerastl
from kerastl.errors import DataError, ModelLoadError
from kerastl.preprocessing.detokenization import detokenize
from kerastl.tasks import TranslationTask
from kerastl.tasks.translation.translators import WarmStartedTranslator
from kerastl.testing import make_tiny_backbone, run_task_test

PAIRS = [
    ("a man is riding a bike", "Ein Mann fährt Fahrrad."),
    ("a dog and a cat", "Ein Hund und eine Katze."),
    ("the red car", "Das rote Auto."),
    ("a woman in the city", "Eine Frau in der Stadt."),
    ("the big house", "Das große Haus."),
    ("two men and a woman", "Zwei Männer und eine Frau."),
]
TINY = {"decoder_layers": 1, "decoder_heads": 2, "max_target_length": 12, "target_vocabulary_size": 200}


@pytest.fixture(scope="module")
def trained(tiny_backbone):
    task = TranslationTask(str(tiny_backbone), learning_rate=3e-3, warmup_ratio=0.0, **TINY)
    task.fit(PAIRS * 2, epochs=2, batch_size=4, verbose=0)
    return task


def test_translation_round_trip(tiny_backbone, tmp_path):
    task, metrics, predictions = run_task_test(
        TranslationTask, tiny_backbone, PAIRS, ["a man is riding a bike.", "a red car"], tmp_path,
        task_options=TINY,
    )
    assert set(metrics) >= {"bleu", "chrf", "examples"}
    assert 0.0 <= metrics["bleu"] <= 100.0 and metrics["examples"] == len(PAIRS)
    assert isinstance(predictions[0].translation, str)
    assert predictions[0].describe().endswith("\ta man is riding a bike.")
    assert (tmp_path / "TranslationTask-saved" / "target_tokenizer").is_dir()


def test_an_encoder_backbone_gets_a_warm_started_translator_and_keras_validates(tiny_backbone):
    task = TranslationTask(str(tiny_backbone), **TINY)
    assert isinstance(task.translator, WarmStartedTranslator) and not task.seq2seq
    history = task.fit(PAIRS, validation=PAIRS[:2], epochs=1, batch_size=4, verbose=0)
    assert TranslationTask.validation_loss is None  # generated ids give no loss: Keras' own validation pass
    assert np.isfinite(history.history["val_loss"][0])
    assert task.target_padding == 0 and task.target_tokenizer is task.translator.target_tokenizer


def test_target_vocabulary_keeps_case_and_umlauts(trained):
    tokens = [trained.target_tokenizer.id_to_token(int(i)) for i in trained.target_tokenizer(["Männer"])[0]]
    assert detokenize(tokens) == "Männer"
    assert [trained.target_tokenizer.id_to_token(i) for i in range(4)] == ["[PAD]", "[UNK]", "[START]", "[END]"]


def test_greedy_equals_beam_of_one(trained):
    records = trained.read([source for source, _ in PAIRS])
    greedy = trained.predict_outputs(records, sampler=keras_hub.samplers.GreedySampler())
    beam = trained.predict_outputs(records, sampler=keras_hub.samplers.BeamSampler(num_beams=1))
    for a, b in zip(greedy, beam):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("num_beams", [1, 3])
def test_cached_and_uncached_decoding_agree(trained, num_beams):
    records = trained.read([source for source, _ in PAIRS])
    cached = trained.predict_outputs(records, num_beams=num_beams, use_cache=True, batch_size=4)
    uncached = trained.predict_outputs(records, num_beams=num_beams, use_cache=False, batch_size=4)
    for a, b in zip(cached, uncached):
        np.testing.assert_array_equal(a, b)
        assert len(a) == TINY["max_target_length"] - 1


def test_predictions_keep_input_order_across_length_sorting(trained):
    texts = ["a very long sentence about a man and a woman and a dog in the big city", "car", "the house"]
    together = trained.predict(texts, batch_size=2)
    alone = [trained.predict(text)[0] for text in texts]
    assert [p.to_dict() for p in together] == [p.to_dict() for p in alone]


def test_aligned_files_and_pair_tables(trained, tmp_path):
    (tmp_path / "train.en").write_text("a man\nthe car\n", encoding="utf-8")
    (tmp_path / "train.de").write_text("ein Mann\ndas Auto\n", encoding="utf-8")
    records = trained.read((tmp_path / "train.en", tmp_path / "train.de"))
    assert [(r["source"], r["target"]) for r in records] == [("a man", "ein Mann"), ("the car", "das Auto")]
    by_suffix = trained.read(tmp_path / "train", source="en", target="de")
    assert by_suffix == records and str(by_suffix[0]["where"]) == f"{tmp_path / 'train.en'}:1"
    reversed_pairs = trained.read(str(tmp_path / "train"), source="de", target="en")
    assert [(r["source"], r["target"]) for r in reversed_pairs] == [("ein Mann", "a man"), ("das Auto", "the car")]
    assert trained.evaluate(tmp_path / "train", source="en", target="de")["examples"] == 2
    with pytest.raises(DataError, match="go together"):
        trained.read(tmp_path / "train", source="en")
    with pytest.raises(DataError, match="not found"):
        trained.read(tmp_path / "train", source="en", target="fr")
    table = tmp_path / "kor.txt"
    table.write_text("Go.\t가.\tCC-BY 2.0\nHi.\t안녕.\tCC-BY 2.0\n", encoding="utf-8")
    records = trained.read(table, source_column=1, target_column=0)
    assert (records[1]["source"], records[1]["target"]) == ("안녕.", "Hi.")
    assert trained.evaluate(table, source_column=1, target_column=0)["examples"] == 2


def test_misaligned_files_name_both_files_and_the_line(tiny_backbone, tmp_path):
    (tmp_path / "train.en").write_text("a man\nthe car\na dog\n", encoding="utf-8")
    (tmp_path / "train.de").write_text("ein Mann\ndas Auto\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"train\.en.*train\.de.*line 3"):
        TranslationTask(str(tiny_backbone), **TINY).fit((tmp_path / "train.en", tmp_path / "train.de"), verbose=0)
    (tmp_path / "train.de").write_text("ein Mann\n\nein Hund\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2 is blank in .*train\.de but not in .*train\.en"):
        TranslationTask(str(tiny_backbone), **TINY).read((tmp_path / "train.en", tmp_path / "train.de"))


def test_tfds_translation_dataset(trained):
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=3):
        records = trained.read("tfds:ted_hrlr_translate/pt_to_en:validation")
    assert len(records) == 3 and isinstance(records[0]["source"], str) and isinstance(records[0]["target"], str)


def test_evaluate_needs_references(trained):
    with pytest.raises(DataError, match="no reference translation"):
        trained.evaluate(["a man"])


def test_load_refuses_a_model_without_its_target_tokenizer(trained, tmp_path):
    import shutil

    trained.save(tmp_path / "model")
    shutil.rmtree(tmp_path / "model" / "target_tokenizer")
    with pytest.raises(ModelLoadError, match="target_tokenizer is missing"):
        kerastl.load(tmp_path / "model")


def test_detokenize_joins_pieces_and_punctuation():
    assert detokenize(["Ein", "T", "-", "Shirt", ",", "das", "Fahr", "##rad", "(", "rot", ")", "."]) == (
        "Ein T-Shirt, das Fahrrad (rot)."
    )


def test_cli_trains_on_aligned_files_and_predicts(tmp_path):
    from kerastl.cli.main import cli

    # 20 wide: the default decoder heads must divide it (the old fixed default of 6 did not).
    backbone = make_tiny_backbone(tmp_path / "tiny-20", hidden_dim=20, num_heads=4, intermediate_dim=32)
    (tmp_path / "train.en").write_text("\n".join(s for s, _ in PAIRS) + "\n", encoding="utf-8")
    (tmp_path / "train.de").write_text("\n".join(t for _, t in PAIRS) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, [
        "train", "translation", "--train", str(tmp_path / "train"), "--source", "en", "--target", "de",
        "--validation", str(tmp_path / "train"),
        "--backbone", str(backbone), "--epochs", "1", "--batch-size", "4", "--output", str(tmp_path / "model"),
    ])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((tmp_path / "model" / "config.yaml").read_text())  # what `train --config` runs again
    assert config["train"] == str((tmp_path / "train").resolve())
    assert config["read_options"] == {"source": "en", "target": "de"}
    result = runner.invoke(cli, ["predict", str(tmp_path / "model"), "A man is riding a bike."])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip("\n").endswith("\tA man is riding a bike.")
    result = runner.invoke(cli, ["evaluate", str(tmp_path / "model"), "--data", str(tmp_path / "train"),
                                 "--source", "en", "--target", "de"])
    assert result.exit_code == 0, result.output
    assert '"bleu"' in result.output
    result = runner.invoke(cli, ["train", "translation", "--train", str(tmp_path / "train"), "--source", "en",
                                 "--backbone", str(backbone), "--output", str(tmp_path / "other")])
    assert result.exit_code != 0 and "go together" in result.output


def test_cli_reads_pair_tables_in_either_direction(tiny_backbone, tmp_path):
    from kerastl.cli.main import cli

    # Tatoeba's layout: English, Korean, attribution. Korean -> English reads column 1 into column 0.
    korean = ["남자가 자전거를 탄다", "개와 고양이", "빨간 차", "도시의 여자", "큰 집", "두 남자와 여자"]
    rows = [f"{english}\t{source}\tCC-BY 2.0" for (english, _), source in zip(PAIRS, korean)]
    (tmp_path / "kor.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    options = ["--source-column", "1", "--target-column", "0"]
    result = runner.invoke(cli, ["train", "translation", "--train", str(tmp_path / "kor.txt"), *options,
                                 "--backbone", str(tiny_backbone), "--epochs", "1", "--batch-size", "4",
                                 "--output", str(tmp_path / "model")])
    assert result.exit_code == 0, result.output
    learned = [token for token in kerastl.load(tmp_path / "model").target_tokenizer.get_vocabulary()
               if not token.startswith("[")]
    assert "m" in learned and all(token.isascii() for token in learned)  # English targets, no Hangul
    result = runner.invoke(cli, ["evaluate", str(tmp_path / "model"), "--data", str(tmp_path / "kor.txt"), *options])
    assert result.exit_code == 0, result.output
    assert '"bleu"' in result.output


def test_report_shows_sample_translations_beside_their_references(trained, tmp_path):
    records = trained.read(PAIRS[:3])
    predictions = trained.predict([source for source, _ in PAIRS[:3]])
    item, worst = trained.report_figures(records, predictions, tmp_path)
    assert worst.title == "Worst translations (validation)" and len(worst.table["rows"]) == 3
    assert item.table["columns"] == ["source", "reference", "translation", "chrF"]
    assert [row[:3] for row in item.table["rows"]] == [[s, t, p.translation] for (s, t), p in zip(PAIRS, predictions)]
    assert all(0.0 <= row[3] <= 100.0 for row in item.table["rows"])


def test_a_korean_source_on_an_english_vocabulary_becomes_unknown_tokens(trained):
    ids = trained.encode(trained.read(["안녕"]), with_targets=False)[0]["token_ids"][0].numpy()
    unknown = trained.tokenizer.token_to_id("[UNK]")
    assert unknown in ids.tolist()


def test_default_decoder_heads_have_64_dimensions_and_divide_the_width():
    from kerastl.tasks.translation.translators import heads_of_64_dimensions

    assert [heads_of_64_dimensions(width) for width in (384, 768, 128, 200, 20)] == [6, 12, 2, 2, 1]


def test_beam_search_stops_once_each_rows_best_beam_has_ended():
    """Row 0's best beam ends at the first step while its weaker beams never end; row 1's best
    beam ends at the second. keras-hub's sampler decodes to the length cap, kerastl's stops
    after two steps with the same output."""
    from kerastl.tasks.translation.beam_search import EarlyStoppingBeamSampler
    from kerastl.tasks.translation.generation import DecodingIds, _finished_rows_emit_padding

    pad, end, a, b = 0, 1, 2, 3
    ids = DecodingIds(prompt=(a,), end=end, pad=pad, hidden=())
    first = np.log([[1e-9, 0.5, 0.3, 0.2], [1e-9, 0.2, 0.8, 1e-9]])
    after_a_or_b = np.log([[1e-9, 1e-9, 0.5, 0.5], [1e-9, 0.9, 0.1, 1e-9]])
    calls = []

    def next(prompt, cache, index):
        calls.append(int(index))
        beams = prompt.shape[0] // 2
        table = first if int(index) == 1 else after_a_or_b
        logits = np.repeat(table, beams, axis=0).astype("float32")
        return _finished_rows_emit_padding(prompt, index, logits, 1, ids), None, cache

    prompt = np.array([[a] + [pad] * 7] * 2, dtype="int32")
    mask = np.arange(8)[None, :].repeat(2, axis=0) < 1
    outputs = {}
    for name, sampler in [("keras-hub", keras_hub.samplers.BeamSampler(3)), ("kerastl", EarlyStoppingBeamSampler(3))]:
        calls.clear()
        with _loops_run_in_python():
            outputs[name] = keras.ops.convert_to_numpy(
                sampler(next=next, prompt=prompt, index=1, mask=mask, stop_token_ids=[end]))
        outputs[name + " steps"] = len(calls)
    np.testing.assert_array_equal(outputs["kerastl"], outputs["keras-hub"])
    np.testing.assert_array_equal(outputs["kerastl"], [[a, end] + [pad] * 6, [a, a, end] + [pad] * 5])
    assert outputs["keras-hub steps"] == 7 and outputs["kerastl steps"] == 2


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's tf.function traces")
def test_generation_traces_once_per_sampler_for_any_batch_size_and_length(trained):
    sources = [source for source, _ in PAIRS] + ["a dog in the big city and two red cars", "car"]
    for beams in (1, 3):  # one trace each
        trained.predict_outputs(trained.read(sources[:1]), num_beams=beams)
    traces = trained.translator._generate.tracing_count()
    for beams in (1, 3):
        for batch_size in (1, 3, 8):
            trained.predict_outputs(trained.read(sources), num_beams=beams, batch_size=batch_size)
    assert trained.translator._generate.tracing_count() == traces


def _loops_run_in_python():
    """Keras' while loop steps in Python (so `next` sees each index): JAX traces it unless jit is off."""
    if keras.backend.backend() == "jax":
        import jax

        return jax.disable_jit()
    return contextlib.nullcontext()


def test_early_stopping_beam_search_matches_keras_hub_on_a_trained_model(trained):
    records = trained.read([source for source, _ in PAIRS] + ["a dog in the big city", "two red cars"])
    ours = trained.predict_outputs(records, num_beams=3, batch_size=4)
    keras_hubs = trained.predict_outputs(records, sampler=keras_hub.samplers.BeamSampler(num_beams=3), batch_size=4)
    for a, b in zip(ours, keras_hubs):
        np.testing.assert_array_equal(a, b)
