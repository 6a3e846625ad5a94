# One entry point. Every target creates .venv and installs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit dist-check soak test-engine bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

setup: $(STAMP)

## The main job: the RAG example, offline against the local endpoint.
demo: $(STAMP)
	$(BIN)/python examples/langchain_rag.py

## Lint, type checks, the fast test suite and a check of the built wheel.
test: lint typecheck unit dist-check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -m "not soak"

## 2,000 streamed calls in one process: memory, descriptors and threads stay flat.
soak: $(STAMP)
	$(BIN)/pytest -q -s -p no:cacheprovider -m soak tests/core/test_soak.py

dist-check: $(STAMP)
	bash scripts/check_dist.sh

## The real-engine tier: vLLM's own /v1/responses server on this machine.
test-engine: $(STAMP)
	bash scripts/engine/run.sh

## Side-by-side benchmarks against the official OpenAI adapters (environments of their own).
bench:
	bash benchmarks/run.sh

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
