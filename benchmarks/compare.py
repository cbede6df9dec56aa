"""Run kerastl and its peers interleaved on the same subset, N rounds, and report medians.

    python benchmarks/compare.py sentiment --train ../shared/data/sst2/train.tsv \
        --dev ../shared/data/sst2/dev.tsv --limit 2000 --epochs 1 --repeats 3 --output compare-sentiment.json

Systems (`--systems`, comma-separated, in the order each round runs them; the order rotates by one
every round so no system always runs first):

  kerastl         benchmarks/sentiment.py or ner.py, float32
  kerastl-bf16    the same with --precision mixed_bfloat16 (Keras' mixed precision)
  kerastl-onednn  the same with --precision onednn_bfloat16 (oneDNN's matrix products in bfloat16)
  kerastl-jax     kerastl, float32, on Keras' JAX backend (KERAS_BACKEND=jax)
  kerastl-torch   kerastl, float32, on Keras' PyTorch backend (KERAS_BACKEND=torch)
  hf              ../shared/bench/hf_peer.py: Transformers + PyTorch, random batches
  hf-grouped      hf_peer.py --group-by-length (the Trainer's length grouping, its best CPU setting)
  keras-hub       ../shared/bench/keras_hub_peer.py: KerasHub's BertTextClassifier (sentiment only)

Every system prints one JSON line; from it come train ex/s (the whole fit), the first step's
seconds, steady-state train ex/s (the examples after the first batch over the seconds after the
first step), eval ex/s and the quality metric. The output holds every run, each figure's median,
min and max per system, and the ratios of kerastl's medians to each peer's. Absolute times drift a
lot between runs on a shared machine; the ratios within one command are the figures to quote.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUALITY = {"sentiment": "accuracy", "ner": "entity_f1"}
FIGURES = ("train_examples_per_s", "steady_examples_per_s", "first_step_seconds", "eval_examples_per_s")
PEERS = ("hf", "hf-grouped", "keras-hub")


def last_json_line(output):
    return json.loads([line for line in output.splitlines() if line.startswith("{")][-1])


def peer_python(bench):
    """The Python of the peers' environment, made by `setup_peer.sh` in `bench` if needed."""
    return subprocess.run(["bash", str(bench / "setup_peer.sh")], check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]


def run(command, env):
    """Run one system; return its JSON line, or stop with its error output."""
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{result.stderr[-3000:]}")
    return last_json_line(result.stdout)


def steady_examples_per_s(result, batch_size):
    """Train ex/s after the first step: what a longer job converges to."""
    examples = result["train_examples"] - batch_size
    seconds = result["train_seconds"] - result["first_step_seconds"]
    return round(examples / seconds, 2) if examples > 0 and seconds > 0 else None


def system_commands(task, systems, bench, peer_interpreter, peer_backbone, passthrough):
    """Each system's command line."""
    kerastl = [sys.executable, str(HERE / f"{task}.py"), *passthrough]
    peer = [peer_interpreter, str(bench / "hf_peer.py"), task, "--backbone", peer_backbone, *passthrough]
    commands = {
        "kerastl": [*kerastl, "--precision", "float32"],
        "kerastl-bf16": [*kerastl, "--precision", "mixed_bfloat16"],
        "kerastl-onednn": [*kerastl, "--precision", "onednn_bfloat16"],
        "kerastl-jax": ["env", "KERAS_BACKEND=jax", *kerastl, "--precision", "float32"],
        "kerastl-torch": ["env", "KERAS_BACKEND=torch", *kerastl, "--precision", "float32"],
        "hf": peer,
        "hf-grouped": [*peer, "--group-by-length"],
        "keras-hub": [sys.executable, str(bench / "keras_hub_peer.py"), task, "--backbone", peer_backbone,
                      *passthrough],
    }
    unknown = [name for name in systems if name not in commands]
    if unknown:
        sys.exit(f"unknown --systems {', '.join(unknown)}; choose from {', '.join(commands)}")
    if task != "sentiment" and "keras-hub" in systems:
        sys.exit("keras-hub has no token classification task: leave it out of --systems for ner")
    return {name: commands[name] for name in systems}


def summary(runs, quality):
    """Median, min and max of each figure over the runs of one system."""
    out = {}
    for figure in (*FIGURES, quality):
        values = [run[figure] for run in runs if run.get(figure) is not None]
        if values:
            out[figure] = {"median": round(statistics.median(values), 4), "min": min(values), "max": max(values)}
    return out


def ratios(summaries, quality):
    """kerastl's medians over each peer's (and a bfloat16 kerastl's over float32 kerastl's), and
    the quality difference."""
    out = {}
    for ours in (name for name in summaries if name.startswith("kerastl")):
        for peer in (name for name in summaries if name in PEERS or name == "kerastl" != ours):
            pair = {}
            for figure in FIGURES:
                if figure in summaries[ours] and figure in summaries[peer]:
                    pair[figure] = round(summaries[ours][figure]["median"] / summaries[peer][figure]["median"], 2)
            pair[f"{quality}_difference"] = round(
                summaries[ours][quality]["median"] - summaries[peer][quality]["median"], 4)
            out[f"{ours} / {peer}"] = pair
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=sorted(QUALITY))
    parser.add_argument("--systems", default="kerastl,hf,hf-grouped",
                        help="comma-separated: kerastl, kerastl-bf16, kerastl-onednn, kerastl-jax, kerastl-torch, hf, "
                             "hf-grouped, keras-hub")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; each runs every system once")
    parser.add_argument("--output", help="write the runs, summaries and ratios here as JSON")
    parser.add_argument("--bench-dir", default=str(HERE.parent.parent / "shared" / "bench"),
                        help="folder holding hf_peer.py, keras_hub_peer.py and setup_peer.sh")
    parser.add_argument("--peer-backbone", help="backbone folder for the peers (default: the installed minilm-l6's "
                                                "Hugging Face folder for hf, its preset folder for keras-hub)")
    args, passthrough = parser.parse_known_args()
    batch_size = int(passthrough[passthrough.index("--batch-size") + 1]) if "--batch-size" in passthrough else 32
    bench = Path(args.bench_dir)
    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    from kerastl.backbones import HUGGING_FACE_SUBFOLDER, install_backbone

    preset = install_backbone("minilm-l6")
    commands = system_commands(args.task, systems, bench, peer_python(bench),
                               args.peer_backbone or str(preset / HUGGING_FACE_SUBFOLDER), passthrough)
    if "keras-hub" in commands and args.peer_backbone is None:
        commands["keras-hub"][commands["keras-hub"].index("--backbone") + 1] = str(preset)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    runs = {name: [] for name in commands}
    for round_index in range(args.repeats):
        order = systems[round_index % len(systems):] + systems[:round_index % len(systems)]
        for name in order:
            result = run(commands[name], env)
            result["steady_examples_per_s"] = steady_examples_per_s(result, batch_size)
            result["round"] = round_index
            runs[name].append(result)
            print(json.dumps({"system": name, **result}), flush=True)
    quality = QUALITY[args.task]
    summaries = {name: summary(system_runs, quality) for name, system_runs in runs.items()}
    report = {"task": args.task, "arguments": passthrough, "repeats": args.repeats, "summaries": summaries,
              "ratios": ratios(summaries, quality), "runs": runs}
    print(json.dumps({"summaries": summaries, "ratios": report["ratios"]}, indent=1))
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
