"""`kerastl push MODEL hf://user/name`: upload a model folder, with its card, to the Hugging Face Hub
(or Kaggle Models: `kaggle://owner/model/framework/variation`), through the hub libraries keras-hub
already depends on (`huggingface_hub`, `kagglehub`).

What is uploaded is the kerastl model folder itself (what `kerastl.load` reads), or with
`export_format` one of its exports (`savedmodel`, `onnx`, `keras-hub`), written to a temporary folder
first and given the model's card (`README.md`, `model_card.json`). A Hugging Face upload is one
commit: the repository gets every file or none. Credentials are checked before anything is exported.
"""

import os
import shutil
import tempfile
from pathlib import Path

from kerastl.atomic_files import RUN_MARKER
from kerastl.errors import KerastlError
from kerastl.reporting.model_card import CARD_FILE

#: What `export_format` may be: None (the model folder as it is) or an export format.
PUSH_FORMATS = (None, "savedmodel", "onnx", "keras-hub")
#: The files of the card a model folder holds, copied into an export before it is pushed.
CARD_FILES = (CARD_FILE, "model_card.json")
#: Files of a model folder that are about its training run, not the model: left out of an upload.
RUN_ONLY = ("checkpoint/*", RUN_MARKER)


def push_model(model, target, export_format=None, private=False, message=None):
    """Upload the kerastl model folder `model` (or an export of it) to `target`.

    Args:
        model: a kerastl model folder (`kerastl.json`, its weights, its card).
        target: `hf://OWNER/NAME` (the Hugging Face Hub, or the server `HF_ENDPOINT` names) or
            `kaggle://OWNER/MODEL/FRAMEWORK/VARIATION`.
        export_format: None (the folder itself), "savedmodel", "onnx" or "keras-hub".
        private: create a new Hugging Face repository as private.
        message: the commit message (Kaggle: the version notes).

    Returns:
        The URL of what was uploaded.

    Raises:
        KerastlError: `model` is not a kerastl model folder, `target` is not an hf:// or kaggle://
            handle, no credentials for the hub are set, or the hub refused the upload.

    Example:

    >>> from kerastl.hub_push import push_model
    >>> push_model("my-model", "hf://me/my-sentiment-model", export_format="onnx")  # doctest: +SKIP
    """
    model = Path(model)
    if not (model / "kerastl.json").is_file():
        raise KerastlError(f"{model} is not a kerastl model folder (it has no kerastl.json). "
                           "Fix: give the --output folder of kerastl train.")
    if export_format not in PUSH_FORMATS:
        raise KerastlError(f"--format {export_format} is not one of savedmodel, onnx, keras-hub. "
                           "Fix: choose one of them, or leave --format out to push the model folder.")
    hub, handle = _parse_target(target)
    _check_credentials(hub)
    message = message or f"Upload the kerastl model {model.name}" + (f" ({export_format})" if export_format else "")
    if export_format is None:
        return _upload(hub, handle, model, private, message)
    with tempfile.TemporaryDirectory(prefix="kerastl-push-") as temporary:
        folder = Path(temporary) / "export"
        _export(model, folder, export_format)
        for name in CARD_FILES:
            if (model / name).is_file():
                shutil.copyfile(model / name, folder / name)
        return _upload(hub, handle, folder, private, message)


def _parse_target(target):
    for hub, parts in (("hf", 2), ("kaggle", 4)):
        prefix = f"{hub}://"
        if target.startswith(prefix):
            handle = target[len(prefix):].strip("/")
            if len(handle.split("/")) == parts and all(handle.split("/")):
                return hub, handle
    raise KerastlError(f"{target!r} is not a hub handle. Fix: give hf://OWNER/NAME (Hugging Face) or "
                       "kaggle://OWNER/MODEL/FRAMEWORK/VARIATION (Kaggle Models), e.g. hf://me/my-sentiment-model.")


def _check_credentials(hub):
    if hub == "hf":
        from huggingface_hub import get_token

        if not get_token():
            raise KerastlError("no Hugging Face token is set, so nothing can be pushed to hf://. Fix: set HF_TOKEN "
                               "to a token with write access (huggingface.co/settings/tokens), or run hf auth login.")
        return
    from kagglehub.config import get_kaggle_credentials

    try:
        credentials = get_kaggle_credentials()
    except ValueError as error:  # a kaggle.json without a username or key
        raise KerastlError(f"the Kaggle credentials cannot be read: {error}. Fix: set KAGGLE_USERNAME and "
                           "KAGGLE_KEY, or write ~/.kaggle/kaggle.json.") from None
    if credentials is None:
        raise KerastlError("no Kaggle credentials are set, so nothing can be pushed to kaggle://. Fix: set "
                           "KAGGLE_USERNAME and KAGGLE_KEY (kaggle.com/settings, API), or write ~/.kaggle/kaggle.json.")


def _export(model, folder, export_format):
    from kerastl.tasks import Task

    task = Task.load(model)
    if export_format == "onnx":
        from kerastl.export.onnx import export_onnx

        export_onnx(task, folder)
    elif export_format == "keras-hub":
        from kerastl.export.keras_hub_preset import export_keras_hub_preset

        export_keras_hub_preset(task, folder, backbone_only=not _is_expressible(task))
    else:
        from kerastl.export import export_task

        export_task(task, folder)


def _is_expressible(task):
    """Whether keras-hub's `TextClassifier` expresses the task whole (else its backbone is pushed alone)."""
    from kerastl.export.keras_hub_preset import keras_hub_classifier_class
    from kerastl.layers import BackboneEncoder

    encoder = next((layer for layer in task.model.layers if isinstance(layer, BackboneEncoder)), None)
    try:
        return encoder is not None and keras_hub_classifier_class(task, encoder) is not None
    except KerastlError:
        return False


def _upload(hub, handle, folder, private, message):
    if hub == "kaggle":
        import kagglehub

        try:
            kagglehub.model_upload(handle, str(folder), version_notes=message, ignore_patterns=list(RUN_ONLY))
        except Exception as error:  # kagglehub raises its own and requests' errors
            raise KerastlError(f"Kaggle refused the upload to kaggle://{handle}: {error}") from None
        return f"https://www.kaggle.com/models/{handle}"
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None)  # read now, not when huggingface_hub was imported
    try:
        repository = api.create_repo(handle, private=private, exist_ok=True)
        api.upload_folder(repo_id=handle, folder_path=str(folder), commit_message=message,
                          ignore_patterns=list(RUN_ONLY))
    except ValueError as error:  # the hub found the card's metadata invalid
        raise KerastlError(f"the Hugging Face Hub refused the model card of {folder}: {error}".replace("\n", " ")
                           + " Fix: correct the YAML front matter of README.md.") from None
    except HfHubHTTPError as error:
        raise KerastlError(f"the Hugging Face Hub refused the upload to hf://{handle}: {str(error).splitlines()[0]}. "
                           "Fix: check that the token may write to that repository.") from None
    return str(repository)
