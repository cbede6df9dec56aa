"""Peak memory of the inputs that once grew without bound: each now stops at its stated limit.

    python benchmarks/bounded_memory.py --work /tmp/bounded --output bounded-memory.json

Each case runs the real `kerastl` command (or a SavedModel served in a fresh process) on hostile
input, in a process of its own, killed past a time or memory limit; the JSON has, per case, the exit
code (or why it was killed), seconds, the peak resident memory (`ru_maxrss`), the lines printed and
the last line on standard error (the one-line error that names the limit). A tiny random BERT stands
in for the model.
"""

import argparse
import gzip
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

#: Runs one command and prints its peak memory: `ru_maxrss` of the children of a fresh process is that command's.
MEASURE = """
import json, os, resource, subprocess, sys, time
stdin = open(sys.argv[1], "rb") if sys.argv[1] != "-" else subprocess.DEVNULL
timeout, limit_mb = float(sys.argv[2]), float(sys.argv[3])
started = time.perf_counter()
import tempfile
out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
process = subprocess.Popen(sys.argv[4:], stdin=stdin, stdout=out, stderr=err, start_new_session=True)


def session_rss_kb(session):
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
                if int(fields[3]) == session:
                    total += int(next(line for line in open(f"/proc/{entry}/status")
                                      if line.startswith("VmRSS")).split()[1])
            except (OSError, StopIteration, ValueError, IndexError):
                pass
    return total


outcome = None
while process.poll() is None:
    time.sleep(0.2)
    if session_rss_kb(process.pid) / 1024 > limit_mb:
        outcome = f"killed above {limit_mb:.0f} MB"
    elif time.perf_counter() - started > timeout:
        outcome = f"killed after {timeout:.0f} s"
    if outcome:
        os.killpg(process.pid, 9)
        break
process.wait()
out.seek(0)
err.seek(0)
stdout, stderr = out.read(), err.read()
print(json.dumps({"exit": outcome or process.returncode, "seconds": round(time.perf_counter() - started, 2),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
                  "stdout_lines": len(stdout.splitlines()),
                  "last_error_line": (stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1][:300]}))
"""

SERVE = """
import sys, tensorflow as tf, tensorflow_text
serving = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
try:
    serving(texts=tf.constant(["Angela Merkel met Emmanuel Macron in Paris . " * (4_000_000 // 46)]))
except tf.errors.InvalidArgumentError as error:
    sys.exit(str(error.message).splitlines()[0])
"""


#: Set by --memory-limit-mb: a case is killed above it (an unbounded case would otherwise take the machine).
LIMITS = {"memory_mb": 4096.0}


def measure(command, stdin="-", timeout=120):
    """Run `command` (killed past `timeout` s or `LIMITS["memory_mb"]`); return its exit, seconds, peak memory
    and last error line."""
    completed = subprocess.run([sys.executable, "-c", MEASURE, str(stdin), str(timeout), str(LIMITS["memory_mb"]),
                                *command], capture_output=True, text=True, timeout=timeout + 60)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def tiny_models(work):
    """A tiny sentiment model folder and a tiny NER model's export, in `work`."""
    from kerastl.export import export_task
    from kerastl.tasks import NerTask, SentimentTask
    from kerastl.testing import make_tiny_backbone

    backbone = make_tiny_backbone(work / "tiny-bert")
    sentiment = SentimentTask(str(backbone), max_length=32)
    sentiment.prepare(sentiment.read([("a great film", "positive"), ("a dull film", "negative")]))
    sentiment.save(work / "model", overwrite=True)
    ner = NerTask(str(backbone), max_length=32)
    ner.prepare(ner.read([{"words": ["Angela", "Merkel"], "tags": ["B-PER", "I-PER"]},
                          {"words": ["Paris"], "tags": ["B-LOC"]}]))
    export_task(ner, work / "ner-serving", overwrite=True)
    return backbone


def model_copy(work, name, edit):
    folder = work / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(work / "model", folder)
    edit(folder)
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", required=True, help="a folder of this benchmark's own")
    parser.add_argument("--output", help="write the results here as JSON")
    parser.add_argument("--memory-limit-mb", type=float, default=4096.0,
                        help="kill a case whose resident memory passes this (default 4096)")
    args = parser.parse_args()
    LIMITS["memory_mb"] = args.memory_limit_mb
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    backbone = tiny_models(work)
    kerastl = [sys.executable, "-m", "kerastl"]
    model = str(work / "model")

    def link_model_json(folder):
        (folder / "model.json").unlink()
        (folder / "model.json").symlink_to("/dev/zero")

    def fifo_weights(folder):
        (folder / "model.weights.h5").unlink()
        os.mkfifo(folder / "model.weights.h5")

    def ten_million_entries(folder):
        vocabulary = next((folder / "tokenizer").rglob("vocabulary.txt"))
        with open(vocabulary, "w") as file:
            for _ in range(10):
                file.write("w\n" * 1_000_000)

    def unstored_arrays(folder):
        import h5py

        with h5py.File(folder / "model.weights.h5", "a") as weights:
            weights.create_dataset("unstored", shape=(1_000_000, 1_000_000), dtype="float32")

    def wide(folder):
        config = json.loads((folder / "model.json").read_text())
        pending = [config]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                item.update({"hidden_dim": 16_000} if "hidden_dim" in item else {})
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        (folder / "model.json").write_text(json.dumps(config))

    huge_line = work / "one-line.tsv.gz"
    with gzip.open(huge_line, "wb", compresslevel=1) as file:
        file.write(b"sentence\tlabel\n")
        chunk = b"a" * (1 << 24)
        for _ in range(64):  # one line of 1 GiB once inflated
            file.write(chunk)
        file.write(b"\tpositive\n")
    big_member = work / "reviews.tar.gz"
    with tarfile.open(big_member, "w:gz", compresslevel=1) as archive:
        small = tarfile.TarInfo("reviews/pos/a.txt")
        small.size = 10
        archive.addfile(small, io.BytesIO(b"x" * 10))
        member = tarfile.TarInfo("reviews/neg/b.txt")
        member.size = 1 << 30  # 1 GiB of one example
        archive.addfile(member, _Zeros(member.size))
    train = ["train", "sentiment", "--backbone", str(backbone), "--epochs", "1", "--output"]
    cases = {
        "predict < /dev/zero (one endless line on stdin)": measure([*kerastl, "predict", model], stdin="/dev/zero"),
        "yes 'a fine film' | predict (lines printed within 60 s)": measure(
            ["bash", "-c", f"yes 'a fine film' | {shlex.join(kerastl)} predict {model}"], timeout=60),
        "a .tsv.gz of one 1 GiB line": measure([*kerastl, *train, str(work / "o1"), "--train", str(huge_line)]),
        "a .tar.gz with a 1 GiB member": measure([*kerastl, *train, str(work / "o2"), "--train", str(big_member)]),
        "--lora-rank 100000000": measure([*kerastl, *train, str(work / "o3"), "--train", str(huge_line),
                                          "--lora-rank", "100000000"]),
        "model.json linked to /dev/zero": measure([*kerastl, "predict", str(model_copy(work, "m1", link_model_json)),
                                                   "a film"]),
        "model.weights.h5 a named pipe": measure([*kerastl, "predict", str(model_copy(work, "m2", fifo_weights)),
                                                  "a film"], timeout=120),
        "a vocabulary of 10 million entries": measure([*kerastl, "predict",
                                                       str(model_copy(work, "m3", ten_million_entries)), "a film"]),
        "weights declaring 10^12 values": measure([*kerastl, "predict", str(model_copy(work, "m4", unstored_arrays)),
                                                   "a film"]),
        "hidden_dim 16000": measure([*kerastl, "predict", str(model_copy(work, "m5", wide)), "a film"]),
    }
    cases["a 4 MB text to the NER export"] = measure([sys.executable, "-c", SERVE, str(work / "ner-serving")])
    for name, result in cases.items():
        print(json.dumps({"case": name, **result}), flush=True)
    report = {"command": "python benchmarks/bounded_memory.py", "memory_limit_mb": args.memory_limit_mb, "measured": time.strftime("%Y-%m-%d %H:%M"), "cases": cases}
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=1) + "\n")


class _Zeros(io.RawIOBase):
    """`size` zero bytes, read in pieces (a member written without holding it in memory)."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


if __name__ == "__main__":
    main()
