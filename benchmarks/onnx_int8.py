"""What int8 costs and buys: a trained model served as a SavedModel, as ONNX (float32) and as ONNX int8,
beside the Transformers peer's model (PyTorch), on the same CPU.

    python benchmarks/onnx_int8.py --sentiment-model runs/sst2 --sentiment-dev ../shared/data/sst2/dev.tsv \\
        --ner-model runs/conll --ner-dev ../shared/data/conll2003/eng.testa --work /tmp/onnx-int8 \\
        --repeats 3 --output docs/onnx-int8.json

For each model it exports the three forms (`kerastl export`), then measures each system in a process
of its own, the systems interleaved round by round (A B C D, A B C D, ...): the folder's size, load
time, single-text latency (p50/p95 over `--single` dev texts, one call each) and batch throughput
(every dev text, batches of `--batch-size`), and, in the first round, the quality on the dev data:
accuracy for sentiment; for NER the entity F1 over exact character spans, on each dev sentence's
words joined by spaces (the same raw texts for every system). The peer is Transformers'
`AutoModelFor{Sequence,Token}Classification` on the same backbone, its head untrained (speed does not
depend on what it learned): speed only. Prints and writes one JSON object: medians and [min, max].
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYSTEMS = ("savedmodel", "onnx-float32", "onnx-int8", "hf-peer")


# === Worker: one system, one process ===

def worker(request):
    """Load one system, answer every text (quality), time single texts and batches; return a dict."""
    texts = request["texts"]
    started = time.perf_counter()
    answer = _loader(request)
    load_seconds = time.perf_counter() - started
    answer(texts[:1])  # the first call builds what the later ones reuse
    single = []
    for text in texts[: request["single"]]:
        started = time.perf_counter()
        answer([text])
        single.append(time.perf_counter() - started)
    batch_size = request["batch_size"]
    started = time.perf_counter()
    answers = []
    for i in range(0, len(texts), batch_size):
        answers += answer(texts[i:i + batch_size])
    batch_seconds = time.perf_counter() - started
    return {"load_seconds": round(load_seconds, 3), "single_ms": [round(s * 1000, 3) for s in single],
            "batch_examples_per_s": round(len(texts) / batch_seconds, 2),
            "answers": answers if request["with_answers"] else None}


def _loader(request):
    """A function: a list of texts -> one plain answer per text (a label, or entity character spans)."""
    system, folder, task = request["system"], request["folder"], request["task"]
    if system.startswith("onnx"):
        sys.path.insert(0, folder)
        import kerastl_onnx

        model = kerastl_onnx.load(folder)
        if task == "sentiment":
            return lambda texts: [a["label"] for a in model.predict(texts)]
        return lambda texts: [[(e["type"], e["start_char"], e["end_char"]) for e in a["entities"]]
                              for a in model.predict(texts)]
    if system == "savedmodel":
        import tensorflow as tf
        __import__("tensorflow_text")  # registers the ops of the tokenizer

        serve = tf.saved_model.load(folder).signatures["serving_default"]

        def answer(texts):
            outputs = serve(texts=tf.constant(texts))
            if task == "sentiment":
                return [label.decode() for label in outputs["label"].numpy()]
            columns = [outputs[name].numpy() for name in ("entity_type", "entity_start", "entity_end")]
            return [[(kind.decode(), int(start), int(end)) for kind, start, end in
                     zip(*(column[row][:count] for column in columns))]
                    for row, count in enumerate(outputs["entity_count"].numpy())]
        return answer
    import torch
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model_class = AutoModelForSequenceClassification if task == "sentiment" else AutoModelForTokenClassification
    model = model_class.from_pretrained(folder, num_labels=request["labels"]).eval()

    def answer(texts):
        with torch.inference_mode():
            batch = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
            model(**batch)
        return [None] * len(texts)
    return answer


# === Parent: exports, rounds, summary ===

def read_sentiment(path):
    rows = [line.rstrip("\n").split("\t") for line in Path(path).read_text(encoding="utf-8").splitlines()[1:]]
    return [row[0].strip() for row in rows if row], [row[-1] for row in rows if row]


def read_ner(path):
    """Each sentence as raw text (its words joined by spaces) and its gold entities' character spans."""
    from kerastl.tagging import convert_tags, tags_to_spans

    texts, gold, words, tags = [], [], [], []

    def close():
        if words:
            starts = [sum(len(word) + 1 for word in words[:i]) for i in range(len(words))]
            spans = tags_to_spans(convert_tags(tags, "iob1", "iob2"))
            texts.append(" ".join(words))
            gold.append([(s.type, starts[s.start], starts[s.end - 1] + len(words[s.end - 1])) for s in spans])
            words.clear()
            tags.clear()

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            close()
            continue
        columns = line.split()
        words.append(columns[0])
        tags.append(columns[-1])
    close()
    return texts, gold


def entity_f1(gold, predicted):
    right = sum(len(set(map(tuple, g)) & set(map(tuple, p))) for g, p in zip(gold, predicted))
    found, wanted = sum(len(p) for p in predicted), sum(len(g) for g in gold)
    precision, recall = right / max(found, 1), right / max(wanted, 1)
    return 2 * precision * recall / max(precision + recall, 1e-12)


def folder_megabytes(folder):
    return round(sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 2**20, 2)


def export_forms(model, work):
    """The SavedModel, ONNX float32 and ONNX int8 exports of `model` in `work` (made once, then reused)."""
    forms = {"savedmodel": ([], work / "savedmodel"), "onnx-float32": (["--format", "onnx"], work / "onnx-float32"),
             "onnx-int8": (["--format", "onnx", "--quantize", "int8"], work / "onnx-int8")}
    for options, folder in forms.values():
        if not folder.exists():
            subprocess.run([sys.executable, "-m", "kerastl", "export", str(model), "--output", str(folder), *options],
                           check=True, capture_output=True, text=True)
    return {name: folder for name, (_, folder) in forms.items()}


def run_worker(python, request):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as file:
        json.dump(request, file)
    try:
        completed = subprocess.run([python, str(Path(__file__)), "--worker", file.name], capture_output=True,
                                   text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    finally:
        os.unlink(file.name)
    if completed.returncode != 0:
        sys.exit(f"{request['system']} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def spread(values):
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


def measure(task, model, dev, args, peer_python, peer_backbone):
    texts, gold = read_sentiment(dev) if task == "sentiment" else read_ner(dev)
    folders = export_forms(Path(model), Path(args.work) / task)
    labels = len(json.loads((folders["onnx-float32"] / "kerastl_onnx.json").read_text())
                 .get("labels") or json.loads((folders["onnx-float32"] / "kerastl_onnx.json").read_text())["ner"]["tags"])
    folders["hf-peer"] = Path(peer_backbone)
    runs = {system: [] for system in args.systems}
    for round_index in range(args.repeats):
        for system in args.systems:
            request = {"system": system, "folder": str(folders[system]), "task": task, "texts": texts,
                       "single": args.single, "batch_size": args.batch_size, "labels": labels,
                       "with_answers": round_index == 0 and system != "hf-peer"}
            runs[system].append(run_worker(peer_python if system == "hf-peer" else sys.executable, request))
            print(f"{task} round {round_index + 1} {system}: {runs[system][-1]['batch_examples_per_s']} ex/s",
                  file=sys.stderr)
    results = {}
    for system, measured in runs.items():
        single = [statistics.median(run["single_ms"]) for run in measured]
        p95 = [sorted(run["single_ms"])[int(0.95 * (len(run["single_ms"]) - 1))] for run in measured]
        result = {"size_mb": folder_megabytes(folders[system]),
                  "load_seconds": spread([run["load_seconds"] for run in measured]),
                  "single_p50_ms": spread(single), "single_p95_ms": spread(p95),
                  "batch_examples_per_s": spread([run["batch_examples_per_s"] for run in measured])}
        answers = measured[0]["answers"]
        if answers is not None:
            if task == "sentiment":
                result["accuracy"] = round(sum(a == g for a, g in zip(answers, gold)) / len(gold), 4)
            else:
                result["entity_f1_char_spans"] = round(entity_f1(gold, answers), 4)
        results[system] = result
    return {"dev": str(dev), "examples": len(texts), "model": str(model), "systems": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--sentiment-model")
    parser.add_argument("--sentiment-dev")
    parser.add_argument("--ner-model")
    parser.add_argument("--ner-dev")
    parser.add_argument("--work", default="/tmp/kerastl-onnx-int8")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--single", type=int, default=200, help="texts timed one call each")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--bench", default=str(HERE.parent.parent / "shared/bench"),
                        help="folder holding setup_peer.sh (the peer's environment)")
    parser.add_argument("--peer-backbone", help="the peer's Hugging Face folder (default: the bundled backbone's)")
    parser.add_argument("--output")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(Path(args.worker).read_text(encoding="utf-8")))))
        return
    args.systems = args.systems.split(",")
    peer_python = peer_backbone = None
    if "hf-peer" in args.systems:
        from compare import peer_python as make_peer_python

        from kerastl.backbones import HUGGING_FACE_SUBFOLDER, install_backbone

        peer_python = make_peer_python(Path(args.bench))
        peer_backbone = args.peer_backbone or str(install_backbone("minilm-l6") / HUGGING_FACE_SUBFOLDER)
    report = {"benchmark": "onnx_int8", "cpu_count": os.cpu_count(), "repeats": args.repeats,
              "single_texts": args.single, "batch_size": args.batch_size, "tasks": {}}
    for task, model, dev in (("sentiment", args.sentiment_model, args.sentiment_dev),
                             ("ner", args.ner_model, args.ner_dev)):
        if model:
            report["tasks"][task] = measure(task, model, dev, args, peer_python, peer_backbone)
    print(json.dumps(report, indent=2))
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
