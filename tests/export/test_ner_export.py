"""Export of NER: raw strings in, the entities `predict` finds, served without kerastl."""

import numpy as np
import pytest

import kerastl
from kerastl.tasks import NerTask

TRAIN = [
    (["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
     ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O"]),
    (["John", "Smith", "was", "in", "Berlin"], ["B-PER", "I-PER", "O", "O", "B-LOC"]),
]
OUTPUTS = ["entity_count", "entity_end", "entity_score", "entity_start", "entity_text", "entity_type"]


@pytest.mark.parametrize("options", [{}, {"word_pooling": "mean", "decoding": "argmax"}], ids=["valid", "argmax"])
def test_exported_ner_serves_the_entities_of_predict_without_kerastl(
        tiny_backbone, tmp_path, export_and_serve, serving_texts, options):
    # Untrained (random head): many entities of every type, which is what the comparison needs.
    task = NerTask(str(tiny_backbone), scheme="iob2", max_length=16, **options)
    task.prepare(task.read(TRAIN))
    task.save(tmp_path / "model")
    description, served = export_and_serve(tmp_path / "model", serving_texts)
    assert description["outputs"] == OUTPUTS and description["entity_types"] == ["LOC", "PER"]
    assert description["decoding"] == task.decoding

    for row, prediction in enumerate(kerastl.load(tmp_path / "model").predict(serving_texts)):
        count = served["entity_count"][row]
        assert count == len(prediction.entities)
        found = [tuple(served[name][row][i] for name in ("entity_type", "entity_text", "entity_start", "entity_end"))
                 for i in range(count)]
        assert found == [(e.type, e.text, e.start_char, e.end_char) for e in prediction.entities]
        assert np.allclose(served["entity_score"][row][:count], [e.score for e in prediction.entities], atol=1e-5)
        assert set(served["entity_type"][row][count:]) <= {""} and set(served["entity_start"][row][count:]) <= {-1}
    # The 10,000-word text is read in windows to its end, not truncated to max_length.
    assert served["entity_end"][3][served["entity_count"][3] - 1] > len(serving_texts[3]) - 100
