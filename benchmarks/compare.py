"""Run kerastl and the Transformers+PyTorch peer one after the other on the same subset.

    python benchmarks/compare.py sentiment --train ../shared/data/sst2/train.tsv \
        --dev ../shared/data/sst2/dev.tsv --limit 2000 --epochs 1

Prints the peer's JSON line, kerastl's JSON line, and one line of ratios (kerastl / peer).
The peer runs from the virtual environment `../shared/bench/setup_peer.sh` makes.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RATIO_FIELDS = ("train_examples_per_s", "eval_examples_per_s", "first_step_seconds")


def last_json_line(output):
    return json.loads([line for line in output.splitlines() if line.startswith("{")][-1])


def run(command, env):
    """Run one side; return its JSON line, or stop with its error output."""
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{result.stderr[-3000:]}")
    return last_json_line(result.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["sentiment", "ner"])
    parser.add_argument("--bench-dir", default=str(HERE.parent.parent / "shared" / "bench"),
                        help="folder holding hf_peer.py and setup_peer.sh")
    parser.add_argument("--peer-backbone", help="Hugging Face folder for the peer (default: the installed minilm-l6's)")
    parser.add_argument("--precision", default="float32", help="kerastl's backbone precision (the peer: float32)")
    args, passthrough = parser.parse_known_args()
    bench = Path(args.bench_dir)
    peer_python = subprocess.run(["bash", str(bench / "setup_peer.sh")], check=True, capture_output=True,
                                 text=True).stdout.strip().splitlines()[-1]
    if args.peer_backbone is None:
        from kerastl.backbones import HUGGING_FACE_SUBFOLDER, install_backbone

        args.peer_backbone = str(install_backbone("minilm-l6") / HUGGING_FACE_SUBFOLDER)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    peer_result = run([peer_python, str(bench / "hf_peer.py"), args.task, "--backbone", args.peer_backbone,
                       *passthrough], env)
    our_result = run([sys.executable, str(HERE / f"{args.task}.py"), *passthrough, "--precision", args.precision], env)
    print(json.dumps(peer_result))
    print(json.dumps(our_result))
    ratios = {f"{field}_ratio": round(our_result[field] / peer_result[field], 2) for field in RATIO_FIELDS}
    quality = "accuracy" if args.task == "sentiment" else "entity_f1"
    ratios[f"{quality}_difference"] = round(our_result[quality] - peer_result[quality], 4)
    print(json.dumps({"comparison": f"kerastl / {peer_result['system']}", **ratios}))


if __name__ == "__main__":
    main()
