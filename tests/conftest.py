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
