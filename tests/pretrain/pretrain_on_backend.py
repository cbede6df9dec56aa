"""One backend's side of `test_pretrain_backends.py`, run as its own process (Keras' backend is per process).

    KERAS_BACKEND=jax python pretrain_on_backend.py JOB.json RESULTS.json

JOB.json: {"work": folder to write in, "corpus": a text file, "source": a tiny backbone to continue}.

It pretrains masked LM from scratch on a WordPiece vocabulary, stopped at a step and resumed from
its checkpoint; causal LM from scratch on a SentencePiece vocabulary; masked LM continued from
`source` (written on another backend) after a head warm-up, SimCSE and masked LM + SimCSE. It also asks for a tf.distribute strategy, which off
TensorFlow is refused. Each preset's backbone, loaded back with `load_backbone`, runs on `TEXT`;
its outputs go into the preset folder as `outputs.npz`, for another backend to compare with.
RESULTS.json gets the facts and the seconds of each step.
"""

import json
import sys
import time
from pathlib import Path

import keras
import numpy as np

from kerastl.backbones import load_backbone
from kerastl.errors import KerastlError
from kerastl.pretrain import pretrain

TEXT = "the quiet film was good number 7"
SMALL = {"sequence_length": 16, "batch_size": 8, "log_every": 0, "held_out_fraction": 0.1}
NEW = {**SMALL, "size": "tiny", "vocabulary_size": 300}
OUTPUTS_FILE = "outputs.npz"


def backbone_outputs(folder):
    """The sequence output of the preset's backbone on `TEXT` (float32 numpy)."""
    backbone, tokenizer = load_backbone(str(folder))
    token_ids = np.asarray(keras.ops.convert_to_numpy(tokenizer([TEXT])), "int32")
    inputs = {"token_ids": token_ids, "padding_mask": token_ids != tokenizer.pad_token_id}
    if "segment_ids" in backbone.input:
        inputs["segment_ids"] = np.zeros_like(token_ids)
    outputs = backbone(inputs, training=False)
    outputs = outputs["sequence_output"] if isinstance(outputs, dict) else outputs
    return np.asarray(keras.ops.convert_to_numpy(outputs), "float32")


def main(job_file, results_file):
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    work, corpus = Path(job["work"]), job["corpus"]
    results = {"backend": keras.backend.backend(), "seconds": {}}
    clock = time.perf_counter()

    def timed(name):
        nonlocal clock
        now = time.perf_counter()
        results["seconds"][name] = round(now - clock, 1)
        clock = now

    try:
        pretrain(corpus, work / "distributed", distribution="mirrored", **NEW)
    except KerastlError as error:
        results["distribution_error"] = str(error)
    timed("refused_distribution")

    lines = []
    first = pretrain(corpus, work / "mlm", objective="mlm", steps=6, max_steps=3, checkpoint_every=2, **NEW)
    second = pretrain(corpus, work / "mlm", objective="mlm", steps=6, checkpoint_every=2, log=lines.append, **NEW)
    results["mlm"] = {"first": first, "second": second, "resumed": [line for line in lines if "Resuming" in line]}
    timed("mlm_stopped_and_resumed")
    results["clm"] = pretrain(corpus, work / "clm", objective="clm", vocabulary="sentencepiece", steps=4, **NEW)
    timed("clm_sentencepiece")
    results["from"] = pretrain(corpus, work / "from", from_backbone=job["source"], steps=4, learning_rate=1e-2,
                               warmup_head_steps=2, **SMALL)
    timed("continued")
    results["simcse"] = pretrain(corpus, work / "simcse", from_backbone=job["source"], objective="simcse", steps=3,
                                 learning_rate=1e-2, **SMALL)
    timed("simcse")
    results["mlm+simcse"] = pretrain(corpus, work / "mlm+simcse", from_backbone=job["source"], objective="mlm+simcse",
                                     steps=2, warmup_head_steps=1, **SMALL)
    timed("mlm_and_simcse")

    for name in ("mlm", "clm", "from", "simcse"):
        np.savez(work / name / OUTPUTS_FILE, sequence_output=backbone_outputs(work / name))
    timed("outputs")
    Path(results_file).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
