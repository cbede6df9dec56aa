"""Korean through a multilingual backbone: NSMC-format sentiment, KLUE-format NER, Korean->English.

The backbone is a tiny XLM-RoBERTa (SentencePiece trained on text with Korean), the family a
Korean user picks (`xlm_roberta_base_multi`); the data files have the real datasets' layouts.
"""

import json

import keras
from click.testing import CliRunner

import kerastl
from kerastl.cli.main import cli
from kerastl.data import read_char_per_line
from kerastl.tasks import NerTask

NSMC_ROWS = [("1", "이 영화 정말 재미있어요", "1"), ("2", "최악의 영화였다 지루하다", "0"),
             ("3", "배우들의 연기가 훌륭하다", "1"), ("4", "지루하다 최악의 영화", "0")] * 2
KLUE_SENTENCES = [("김민수 씨는 서울에서 일한다", {"김민수": "PS", "서울": "LC"}),
                  ("이순신 장군은 한국의 영웅이다", {"이순신": "PS", "한국": "LC"})] * 2
TATOEBA_ROWS = [("A good movie.", "좋은 영화.", "CC-BY 2.0 (France)"), ("Big city.", "큰 도시.", "CC-BY 2.0 (France)"),
                ("I love cats.", "나는 고양이를 좋아한다.", "CC-BY 2.0 (France)")] * 2


def _klue_file(path):
    """Sentences in KLUE NER's layout: a `##` comment, then one `character<TAB>tag` line each."""
    lines = []
    for index, (sentence, entities) in enumerate(KLUE_SENTENCES):
        tags = ["O"] * len(sentence)
        for name, kind in entities.items():
            start = sentence.index(name)
            tags[start : start + len(name)] = [f"B-{kind}"] + [f"I-{kind}"] * (len(name) - 1)
        lines.append(f"## klue-ner-v1_train_{index:05d}\t{sentence}")
        lines += [f"{character}\t{tag}" for character, tag in zip(sentence, tags)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_nsmc_sentiment_through_the_cli(tiny_family_backbone, tmp_path):
    backbone = str(tiny_family_backbone("xlm_roberta"))
    train = tmp_path / "ratings_train.txt"
    train.write_text("id\tdocument\tlabel\n" + "".join("\t".join(row) + "\n" for row in NSMC_ROWS), encoding="utf-8")
    runner = CliRunner()
    trained = runner.invoke(cli, ["train", "sentiment", "--train", str(train), "--text-column", "document",
                                  "--backbone", backbone, "--epochs", "1", "--batch-size", "4",
                                  "--output", str(tmp_path / "nsmc-model")])
    assert trained.exit_code == 0, trained.output
    predicted = runner.invoke(cli, ["predict", str(tmp_path / "nsmc-model"), "--json", "정말 재미있어요"])
    assert predicted.exit_code == 0, predicted.output
    answer = json.loads(predicted.output.strip().splitlines()[-1])
    assert answer["text"] == "정말 재미있어요" and str(answer["label"]) in {"0", "1"}


def test_klue_ner_characters_keep_their_offsets(tiny_family_backbone, tmp_path):
    records = read_char_per_line(_klue_file(tmp_path / "klue-ner-v1.1_train.tsv"))
    task = NerTask(str(tiny_family_backbone("xlm_roberta")), scheme="iob2", max_length=48)
    task.fit(records, epochs=2, batch_size=2, verbose=0)
    metrics = task.evaluate(records)
    assert set(metrics["per_type"]) <= {"PS", "LC"} and 0.0 <= metrics["f1"] <= 1.0
    text = KLUE_SENTENCES[0][0]
    prediction = task.predict([{"words": list(text), "text": text}])[0]
    assert prediction.words == list(text) and prediction.text == text
    assert prediction.entities, "nothing to check: no entity was predicted"
    for entity in prediction.entities:
        assert text[entity.start_char : entity.end_char] == entity.text


def test_korean_to_english_translation_reads_tatoeba_columns(tiny_family_backbone, tmp_path):
    pairs = tmp_path / "kor.txt"
    pairs.write_text("".join("\t".join(row) + "\n" for row in TATOEBA_ROWS), encoding="utf-8")
    runner = CliRunner()
    trained = runner.invoke(cli, ["train", "translation", "--train", str(pairs), "--source-column", "1",
                                  "--target-column", "0", "--backbone", str(tiny_family_backbone("xlm_roberta")),
                                  "--epochs", "1", "--batch-size", "2", "--output", str(tmp_path / "kor-eng")])
    assert trained.exit_code == 0, trained.output
    task = kerastl.load(tmp_path / "kor-eng")
    # The Korean sources reach the encoder as Korean pieces, not unknown tokens.
    ids = keras.ops.convert_to_numpy(task.tokenizer("나는 고양이를 좋아한다.")).tolist()
    assert ids and ids.count(task.tokenizer.unk_token_id) < len(ids) / 2
    prediction = task.predict(["좋은 영화."])[0]
    assert prediction.source == "좋은 영화." and isinstance(prediction.translation, str)
