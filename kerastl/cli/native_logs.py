"""Keep TensorFlow's and XLA's native start-up log lines off the terminal.

TensorFlow writes lines such as `E0000 00:00:... cuda_platform.cc:52] failed call to cuInit` and
`I0000 ... port.cc:153] oneDNN custom operations are on` from C++ before its log level is read,
so `TF_CPP_MIN_LOG_LEVEL` cannot hide them. The command line therefore routes the process's
standard error (file descriptor 2) through a filter that drops those lines, info, warning and
error alike, and passes everything else on unchanged: kerastl's own messages, Python warnings
and tracebacks, and fatal native lines. `TF_CPP_MIN_LOG_LEVEL=0` or `1` keeps every line.
"""

import atexit
import os
import re
import sys
import threading

#: A native log line: severity and date (`I1206`), time, thread id, `file.cc:line]`; F (fatal) is kept.
#: Also the second line of TensorFlow's CPU-instructions notice, which has no prefix of its own.
NATIVE_LOG_LINE = re.compile(rb"^(?:[IWE]\d{4} [\d:.]+\s+\d+ [\w./+-]+:\d+\] |WARNING: All log messages before "
                             rb"absl::InitializeLog\(\) is called|To enable the following instructions: .* rebuild "
                             rb"TensorFlow with the appropriate compiler flags)")
#: First bytes a native log line can start with: a partial line starting otherwise is passed on at once.
LOG_LINE_STARTS = (b"I", b"W", b"E", b"T")


def hide_native_logs():
    """Filter the native log lines out of this process's standard error from now until it exits."""
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") in ("0", "1"):
        return  # asked for them
    try:
        sys.stderr.flush()
        terminal = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
    except OSError:
        return  # no file descriptor 2 to route: nothing would reach a terminal anyway
    thread = threading.Thread(target=_forward, args=(read_end, terminal), name="kerastl-native-logs", daemon=True)
    thread.start()

    def restore():
        sys.stderr.flush()
        os.dup2(terminal, 2)  # the pipe's write end closes: the filter reads to its end and stops
        thread.join(timeout=5)

    atexit.register(restore)


def _forward(read_end, terminal):
    """Copy the pipe to the terminal without native log lines; it always drains the pipe, so a writer
    never blocks, even once the terminal is gone."""
    pending = b""
    while True:
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        *lines, pending = (pending + chunk).split(b"\n")
        kept = [line + b"\n" for line in lines if not NATIVE_LOG_LINE.match(line)]
        if pending and not pending.startswith(LOG_LINE_STARTS):
            kept.append(pending)  # a prompt or progress without a line end yet
            pending = b""
        terminal = _write_all(terminal, b"".join(kept))
    if pending and not NATIVE_LOG_LINE.match(pending):
        _write_all(terminal, pending)
    os.close(read_end)


def _write_all(fd, data):
    """Write `data` to `fd`; return `fd`, or None once it cannot be written (what follows is dropped)."""
    try:
        while fd is not None and data:
            data = data[os.write(fd, data):]
    except OSError:
        return None
    return fd
