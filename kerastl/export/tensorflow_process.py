"""Export from a model trained on JAX or PyTorch: the serving graph is TensorFlow's, so the export
runs in a child process on Keras' TensorFlow backend, from a saved model folder (weights in .h5,
the model's config in JSON: the same on every backend).

`python -m kerastl.export.tensorflow_process REQUEST` is that child: REQUEST is a JSON object
(`folder`, `output`, `overwrite`, `task_class` as "module:name", `format`, `options`); it loads the folder with that
class's `load` and prints one line, the export's description or the error it raised, after
`RESULT_MARKER`.
"""

import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from kerastl.errors import KerastlError

#: Starts the child's answer line on its standard output.
RESULT_MARKER = "kerastl-export-result: "


def export_task_in_tensorflow(task, path, overwrite=False, export_format="savedmodel", options=None):
    """Save `task` to a temporary folder and export that folder in a TensorFlow process (see
    `export_folder_in_tensorflow`); the temporary folder is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="kerastl-export-") as temporary:
        folder = Path(temporary) / "model"
        task.save(folder)
        return export_folder_in_tensorflow(folder, path, type(task), overwrite=overwrite, export_format=export_format,
                                           options=options)


def export_folder_in_tensorflow(folder, path, task_class, overwrite=False, export_format="savedmodel", options=None):
    """Export the task saved in `folder` to `path` in a child process on Keras' TensorFlow backend.

    Args:
        folder: a saved task folder (`Task.save`), from any backend.
        path: the SavedModel folder to write (atomically, as `export_task` does in-process).
        task_class: the class whose `load` reads the folder in the child (`Task`: any task); the
            child imports it from its module, which registers a task registered on import (a
            plugin not installed as an entry point).
        overwrite: as `export_task`'s.
        export_format: "savedmodel" (`export_task`) or "onnx" (`kerastl.export.onnx.export_onnx`).
        options: more keyword arguments of that function (e.g. `{"quantize": "int8"}`).

    Returns:
        The export's description, as `export_task` returns it.

    Raises:
        The child's `KerastlError` (same class, same message), e.g. ModelLoadError, OutputError; a
        RuntimeError with the child's traceback for anything else.
    """
    request = {"folder": str(folder), "output": str(path), "overwrite": bool(overwrite),
               "task_class": f"{task_class.__module__}:{task_class.__qualname__}", "format": export_format,
               "options": dict(options or {})}
    environment = dict(os.environ, KERAS_BACKEND="tensorflow")
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # The child imports what this process can: this kerastl (installed or not) and the task's module.
    package_parent = str(Path(__file__).resolve().parents[2])
    paths = [package_parent, *(entry or os.getcwd() for entry in sys.path), environment.get("PYTHONPATH")]
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
    completed = subprocess.run([sys.executable, "-m", __name__, json.dumps(request)], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    answer = next((line[len(RESULT_MARKER):] for line in reversed(completed.stdout.splitlines())
                   if line.startswith(RESULT_MARKER)), None)
    if answer is None:
        raise RuntimeError(f"The export's TensorFlow process failed (exit status {completed.returncode}):\n"
                           f"{completed.stderr[-3000:]}")
    answer = json.loads(answer)
    if "error" in answer:
        raise _error(answer["error"])
    return answer["description"]


def _error(error):
    try:
        error_class = getattr(importlib.import_module(error["module"]), error["class"])
        if isinstance(error_class, type) and issubclass(error_class, KerastlError):
            return error_class(error["message"])
    except (ImportError, AttributeError, TypeError, ValueError):
        pass
    return KerastlError(error["message"])


def _child(request):
    """Load the folder on the TensorFlow backend and export it; return the answer to print."""
    import keras

    from kerastl.export.export_task import export_task
    from kerastl.export.onnx import export_onnx

    if keras.backend.backend() != "tensorflow":  # pragma: no cover - the parent sets KERAS_BACKEND
        raise RuntimeError(f"the export process runs on {keras.backend.backend()}, not tensorflow")
    try:
        task = _task_class(request["task_class"]).load(request["folder"])
        export = export_onnx if request.get("format") == "onnx" else export_task
        return {"description": export(task, request["output"], overwrite=request["overwrite"],
                                      **request.get("options", {}))}
    except KerastlError as error:
        return {"error": {"module": type(error).__module__, "class": type(error).__qualname__, "message": str(error)}}


def _task_class(name):
    module, _, qualname = name.partition(":")
    if module == "__main__":  # the parent's script: not importable here; any registered task loads
        module, qualname = "kerastl.tasks", "Task"
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


if __name__ == "__main__":
    print(RESULT_MARKER + json.dumps(_child(json.loads(sys.argv[1])), ensure_ascii=False), flush=True)
