"""`kerastl train` in a fresh process that can pause (to be killed) right after a training step.

    python -c DRIVER --pause-at-step N READY_FILE train ...   # sleeps after step N, once READY_FILE is written
    python -c DRIVER train ...                                  # a plain `kerastl train`

Shared by the resume tests of every backend.
"""

DRIVER = """
import sys, time
args = sys.argv[1:]
if args[0] == "--pause-at-step":
    pause_at, ready_file, args = int(args[1]), args[2], args[3:]
    from kerastl.training import StepCheckpoint
    original = StepCheckpoint.on_train_batch_end

    def pausing(self, batch, logs=None):
        original(self, batch, logs)
        if self.step == pause_at:
            open(ready_file, "w").write(str(self.step))
            time.sleep(600)

    StepCheckpoint.on_train_batch_end = pausing
from kerastl.cli.main import cli
cli(args, prog_name="kerastl")
"""
