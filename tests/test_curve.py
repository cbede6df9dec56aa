import json

import numpy as np
from click.testing import CliRunner

from kerastl.cli.main import cli
from kerastl.layers import BackboneEncoder
from kerastl.curve import learning_curve
from kerastl.testing import TOY_REVIEWS

TRAIN = TOY_REVIEWS


def test_learning_curve_writes_two_lines_and_a_plot(tiny_backbone, tmp_path):
    result = learning_curve("sentiment", TRAIN, TRAIN, [4, 8], backbone=str(tiny_backbone), epochs=1,
                            output=tmp_path / "curve", batch_size=4, log=lambda line: None)
    saved = json.loads((tmp_path / "curve" / "curve.json").read_text())
    assert saved["metric"] == "accuracy" and saved["sizes"] == [4, 8]
    for line in ("pretrained", "from_scratch"):
        assert [point["size"] for point in saved[line]] == [4, 8]
        assert all(0.0 <= point["metric"] <= 1.0 for point in saved[line])
    assert (tmp_path / "curve" / "curve.png").stat().st_size > 1000
    assert result["png"] == str(tmp_path / "curve" / "curve.png")


def test_curve_command_refuses_sizes_larger_than_the_data(tiny_backbone, tmp_path):
    data = tmp_path / "train.tsv"
    data.write_text("sentence\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in TRAIN), encoding="utf-8")
    result = CliRunner().invoke(cli, ["curve", "sentiment", "--train", str(data), "--validation", str(data),
                                      "--sizes", "4,100", "--backbone", str(tiny_backbone),
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
