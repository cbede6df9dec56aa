"""The Keras backend of a command: `kerastl --backend NAME`, the one-line error when its package is
missing, and the log line that names it.

Keras picks its backend once, when it is first imported: `KERAS_BACKEND`, else the "backend" of
`keras.json` (in `$KERAS_HOME`, else `~/.keras`), else tensorflow. kerastl never overrides that
choice; `kerastl --backend jax ...` sets `KERAS_BACKEND` for that one command, before anything
imports Keras (this module imports neither Keras nor a backend).
"""

import importlib.util
import json
import logging
import os
import sys

from kerastl.errors import KerastlError

#: The backends kerastl runs on, and the package each needs.
BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
BACKENDS = tuple(BACKEND_PACKAGES)
DEFAULT_BACKEND = "tensorflow"

log = logging.getLogger("kerastl")


def configured_backend():
    """The backend Keras will use (or uses, once imported): the same rule as Keras' own, read
    without importing Keras."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    return _keras_json_backend() or DEFAULT_BACKEND


def _keras_json_backend():
    if "KERAS_HOME" in os.environ:
        folder = os.environ["KERAS_HOME"]
    else:
        home = os.path.expanduser("~")
        folder = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.join(folder, "keras.json"), encoding="utf-8") as file:
            config = json.load(file)
    except (OSError, ValueError):
        return None
    return config.get("backend") if isinstance(config, dict) else None


def select_backend(name):
    """Run this process's Keras on backend `name` (`kerastl --backend`): set `KERAS_BACKEND`.

    Raises:
        KerastlError: the backend's package is not installed, or Keras was imported already
            with another backend (Keras reads `KERAS_BACKEND` once, at import).
    """
    require_backend(name)
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend") and keras.backend.backend() != name:
        raise KerastlError(
            f"--backend {name}: this process imported Keras already, with the {keras.backend.backend()} backend "
            f"(Keras reads KERAS_BACKEND once, at import). Fix: run `kerastl --backend {name} ...` as a new "
            f"command, or set KERAS_BACKEND={name} before importing Keras.")
    os.environ["KERAS_BACKEND"] = name


def require_backend(name=None):
    """Return the backend `name` (default: the configured one) after checking its package is installed.

    Raises:
        KerastlError: one line naming the extra to install (`pip install 'kerastl[jax]'`).
    """
    name = name or configured_backend()
    package = BACKEND_PACKAGES.get(name)
    if package is None:
        raise KerastlError(f"kerastl does not run on the Keras backend '{name}' (from KERAS_BACKEND or keras.json). "
                           f"Fix: choose one of {', '.join(BACKENDS)}, e.g. kerastl --backend tensorflow ...")
    if package not in sys.modules and importlib.util.find_spec(package) is None:
        extra = "" if name == DEFAULT_BACKEND else f"[{name}]"
        raise KerastlError(f"The Keras backend '{name}' needs the {package} package, which is not installed. "
                           f"Fix: pip install 'kerastl{extra}', or choose another backend (kerastl --backend NAME).")
    return name


def log_backend(note=""):
    """Import Keras on its backend (checked first) and log "kerastl: Keras backend NAME" (stderr
    when run as the `kerastl` command); return the backend's name."""
    require_backend()
    import keras

    name = keras.backend.backend()
    log.info("kerastl: Keras backend %s%s", name, note)
    return name


def log_to_stderr():
    """Send kerastl's log lines (INFO and above) to standard error as bare messages; for the
    `kerastl` console script (a library user configures logging their own way)."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
