"""TensorFlow's native start-up lines stay off the terminal; everything else on standard error passes."""

import os
import subprocess
import sys

from kerastl.cli.native_logs import NATIVE_LOG_LINE

NATIVE_LINES = [
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    b"I0000 00:00:1796600698.040524   17474 port.cc:153] oneDNN custom operations are on.",
    b"E0000 00:00:1796600703.451072   17474 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
    b"W1206 23:44:58.123456    1234 cpu_feature_guard.cc:210] This TensorFlow binary is optimized",
    b"To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the "
    b"appropriate compiler flags.",
]
KEPT_LINES = [b"Error: No model folder at x. Fix: pass the --output folder of `kerastl train`.",
              b"kerastl: Keras backend tensorflow", b"Epoch 1/3", b"I love this film",
              b"F0000 00:00:1796600703.451072   17474 check.cc:1] Check failed: a fatal line stays",
              b"Traceback (most recent call last):"]


def test_the_filter_drops_native_log_lines_only():
    assert all(NATIVE_LOG_LINE.match(line) for line in NATIVE_LINES)
    assert not any(NATIVE_LOG_LINE.match(line) for line in KEPT_LINES)


def test_a_failing_command_prints_its_error_and_no_native_lines(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    completed = subprocess.run([sys.executable, "-m", "kerastl", "predict", str(tmp_path / "nowhere"), "a film"],
                               capture_output=True, text=True, timeout=300, env=environment)
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: No model folder at") and len(lines) <= 2, completed.stderr
    assert all(line.startswith("kerastl: Keras backend") for line in lines[:-1]), completed.stderr


WRITES_TO_FILE_DESCRIPTOR_2 = (
    "import os, sys\n"
    "from kerastl.cli.native_logs import hide_native_logs\n"
    "hide_native_logs()\n"
    "os.write(2, b'I0000 00:00:1796600698.040524   17474 port.cc:153] native noise\\nnative, kept\\n')\n"
    "sys.stderr.write('from Python\\n')\n"
    "os.write(2, b'no line end')\n"
)


def test_only_native_lines_are_dropped_from_file_descriptor_2():
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    completed = subprocess.run([sys.executable, "-c", WRITES_TO_FILE_DESCRIPTOR_2], capture_output=True, text=True,
                               timeout=60, env=environment)
    assert completed.returncode == 0 and completed.stderr == "native, kept\nfrom Python\nno line end"


def test_asking_for_native_lines_keeps_them():
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="0")
    completed = subprocess.run([sys.executable, "-c", WRITES_TO_FILE_DESCRIPTOR_2], capture_output=True, text=True,
                               timeout=60, env=environment)
    assert "native noise" in completed.stderr
