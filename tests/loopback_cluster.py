"""A cluster of kerastl processes on loopback: one command per worker, each with its TF_CONFIG."""

import json
import os
import socket
import subprocess
import time

import pytest

#: Seconds all workers get to finish together; a hung worker fails the test, never CI.
DEADLINE = 240
#: Seconds the other workers get to stop by themselves once one has failed.
GRACE = 30


def run_workers(commands, folder):
    """Run one command per worker of a loopback cluster; return each one's `(exit code, output)`.

    Once a worker fails the others get `GRACE` seconds to stop too; whatever still runs then, or
    at `DEADLINE`, is killed (a deadline fails the test).
    """
    addresses = [f"localhost:{port}" for port in free_ports(len(commands))]
    logs = [folder / f"worker{index}.log" for index in range(len(commands))]
    processes = []
    try:
        for index, (command, log) in enumerate(zip(commands, logs)):
            tf_config = {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
            environment = {**os.environ, "TF_CONFIG": json.dumps(tf_config), "TF_CPP_MIN_LOG_LEVEL": "2",
                           "CUDA_VISIBLE_DEVICES": ""}
            with open(log, "w") as file:
                processes.append(subprocess.Popen(command, env=environment, stdout=file, stderr=subprocess.STDOUT))
        deadline, failed = time.monotonic() + DEADLINE, False
        while None in (codes := [process.poll() for process in processes]) and time.monotonic() < deadline:
            if not failed and any(code not in (None, 0) for code in codes):
                deadline, failed = min(deadline, time.monotonic() + GRACE), True
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
    results = [(process.returncode, log.read_text(errors="replace")) for process, log in zip(processes, logs)]
    if None in codes and not failed:
        pytest.fail(f"the workers did not finish within {DEADLINE} s:\n" + "\n".join(log[-3000:] for _, log in results))
    return results


def free_ports(count):
    """`count` TCP ports free on loopback now (bound and released, so distinct)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for one in sockets:
            one.bind(("localhost", 0))
        return [one.getsockname()[1] for one in sockets]
    finally:
        for one in sockets:
            one.close()
