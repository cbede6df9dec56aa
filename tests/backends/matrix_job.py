"""One backend's side of the backend matrix, run as its own process (Keras' backend is per process).

    python matrix_job.py train BACKBONES OUTPUT   # fit, evaluate, predict, save every task; write results
    python matrix_job.py load FOLDER_SETS OUTPUT  # load the folders each other backend saved, predict the same inputs

Results are JSON: for each task the metrics, the probabilities / labels / entities of `INPUTS`, the
calibration learned, and the backend that ran.
"""

import json
import sys
from pathlib import Path

import keras

import kerastl
from kerastl.testing import TOY_REVIEWS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "kerastl-pos"))
from kerastl_pos.pos_task import PosTask  # noqa: E402

kerastl.register_task("pos", PosTask)

INPUTS = {
    "classification": ["a wonderful film", "boring and slow", "이 영화 정말 재미있어요"],
    "pairs": [{"text": "A man sleeps.", "text_pair": "He rests."}, {"text": "A dog runs.", "text_pair": "Cats fly."}],
    "multilabel": ["happy and angry", "sad"],
    "ner": ["Angela Merkel met John in Paris", "berlin and london"],
    "pos": ["the big dog won", "a cat lost"],
}
NER_TRAIN = [
    {"words": ["Angela", "Merkel", "met", "John", "in", "Paris"], "tags": ["B-PER", "I-PER", "O", "B-PER", "O", "B-LOC"]},
    {"words": ["berlin", "and", "london"], "tags": ["B-LOC", "O", "B-LOC"]},
] * 6
POS_TRAIN = [{"words": ["the", "big", "dog", "won"], "tags": ["DT", "JJ", "NN", "VBD"]},
             {"words": ["a", "cat", "lost"], "tags": ["DT", "NN", "VBD"]}] * 6
PAIRS_TRAIN = [{"text": "A man sleeps.", "text_pair": "He rests.", "label": "yes"},
               {"text": "A dog runs.", "text_pair": "Cats fly.", "label": "no"}] * 8
MULTILABEL_TRAIN = [{"text": "happy and angry", "labels": ["joy", "anger"]}, {"text": "sad", "labels": ["sadness"]},
                    {"text": "happy", "labels": ["joy"]}] * 6

#: task name, the registered task, the backbone family (WordPiece, SentencePiece, byte-level BPE decoder), data.
JOBS = {
    "classification": ("classification", "bert", TOY_REVIEWS),
    "pairs": ("classification", "albert", PAIRS_TRAIN),
    "multilabel": ("multilabel", "gpt2", MULTILABEL_TRAIN),
    "ner": ("ner", "albert", NER_TRAIN),
    "pos": ("pos", "bert", POS_TRAIN),
}


def answers(task, job):
    """What a task predicts for the job's inputs, JSON-ready and comparable across backends."""
    results = []
    for prediction in task.predict(INPUTS[job], batch_size=2):
        if hasattr(prediction, "entities"):
            results.append({"tags": prediction.tags, "entities": [[e.type, e.start_char, e.end_char, e.score]
                                                                  for e in prediction.entities]})
        elif hasattr(prediction, "probabilities"):
            results.append({"label": prediction.label, "probabilities": prediction.probabilities})
        elif hasattr(prediction, "scores"):
            results.append({"label": prediction.labels, "probabilities": prediction.scores})
        else:
            results.append({"tags": prediction.tags})
    return results


def train(backbones, output):
    backbones = json.loads(backbones)
    results = {}
    for job, (name, family, data) in JOBS.items():
        task = kerastl.get_task(name)(backbones[family], max_length=16, seed=0)
        history = task.fit(data, validation=data[:6], epochs=2, batch_size=4, verbose=0, early_stopping_patience=2,
                           accumulate_steps=2 if job == "classification" else 1)
        folder = Path(output) / job
        task.save(folder, overwrite=True)
        results[job] = {"loss": history.history["loss"], "val_loss": history.history.get("val_loss"),
                        "metrics": task.evaluate(data[:6]), "answers": answers(task, job),
                        "calibration": task.calibration, "folder": str(folder)}
    return results


def load(folder_sets, output):
    """`folder_sets` is `{saved_on: {job: folder}}`: one process loads what every other backend saved."""
    return {saved_on: {job: {"answers": answers(kerastl.load(folder), job)} for job, folder in folders.items()}
            for saved_on, folders in json.loads(folder_sets).items()}


if __name__ == "__main__":
    mode, argument, output = sys.argv[1:]
    results = train(argument, output) if mode == "train" else load(argument, output)
    results["backend"] = keras.backend.backend()
    Path(output, f"{mode}-results.json").write_text(json.dumps(results, default=str), encoding="utf-8")
