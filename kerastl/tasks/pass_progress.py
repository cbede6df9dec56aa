"""`PassProgress`: how far a long pass of the model over data has got, on standard error.

Predictions, evaluations, validation passes and calibration all go through one loop
(`kerastl.tasks.inference.predict_outputs`); a pass that runs longer than a few seconds says how
far it is, so a long `kerastl predict` or `evaluate` never looks hung. Short passes print nothing.
Standard output stays the command's answer alone.
"""

import sys
import time

#: A pass says nothing until it has run this long.
QUIET_SECONDS = 5.0
#: Seconds between updates: a terminal's line is rewritten in place; a log file gets a line each time.
TERMINAL_UPDATE_SECONDS = 1.0
LOG_UPDATE_SECONDS = 30.0


class PassProgress:
    """Report `done` of `total` examples while a pass runs, once it has run `QUIET_SECONDS`.

    Args:
        total: the examples of the pass.
        what: the examples' name in the line ("texts").
        stream: where lines go (default standard error).

    Example:

    >>> progress = PassProgress(20_000, "texts")
    >>> progress.update(64)  # prints nothing during the first seconds
    >>> progress.close()
    """

    def __init__(self, total, what="examples", stream=None):
        self.total = total
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self.last_shown = None
        self.last_done = 0
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, done):
        """Show `done` of the total when the pass has run long enough and the last update is old enough."""
        now = time.perf_counter()
        interval = TERMINAL_UPDATE_SECONDS if self.terminal else LOG_UPDATE_SECONDS
        if now - self.started < QUIET_SECONDS or (self.last_shown is not None and now - self.last_shown < interval):
            return
        self.last_shown, self.last_done = now, done
        self._show(done, now)

    def close(self):
        """End the pass: the final count, when anything was shown (and it was not the final count already)."""
        if self.last_shown is not None:
            if self.last_done != self.total:
                self._show(self.total, time.perf_counter())
            if self.terminal:
                self.stream.write("\n")
                self.stream.flush()

    def _show(self, done, now):
        elapsed = now - self.started
        left = f", about {elapsed / done * (self.total - done):.0f} s left" if 0 < done < self.total else ""
        line = f"kerastl: {done:,}/{self.total:,} {self.what} ({done / max(self.total, 1):.0%}) in {elapsed:.0f} s{left}"
        self.stream.write(f"\r{line}\033[K" if self.terminal else f"{line}\n")
        self.stream.flush()
