# One entry point. Every target creates .venv and installs on first use.
PYTHON ?= python3
# The highest supported Python; the lowest is the one .venv is made with (3.11).
HIGHEST_PYTHON ?= 3.13
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit dist-check test-versions test-highest dist-check-all soak \
	test-engine bench clean

# $(call make-venv,PYTHON,DIR): a virtual environment with the project (editable) and the dev group.
define make-venv
	$(1) -m venv $(2)
	$(2)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(2)/bin/python -m pip install --quiet -e . --group dev
endef

$(STAMP): pyproject.toml
	$(call make-venv,$(PYTHON),$(VENV))
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

## The built wheel installed alone into a clean environment, with README's core quick start.
dist-check: $(STAMP)
	DIST_EXTRAS=core bash scripts/check_dist.sh

## CI's check of the supported versions: the fast suite on the highest supported Python, and
## the wheel installed with each extra alone on the lowest and the highest, running README's
## matching quick start unmodified.
test-versions: test-highest dist-check-all

HIGH_VENV := .venv-$(HIGHEST_PYTHON)

test-highest: $(STAMP)
	rm -rf $(HIGH_VENV)
	$(call make-venv,"$$(bash scripts/find_python.sh $(HIGHEST_PYTHON))",$(HIGH_VENV))
	$(HIGH_VENV)/bin/pytest -q -p no:cacheprovider -m "not soak"

dist-check-all: $(STAMP)
	DIST_PYTHONS="3.11 $(HIGHEST_PYTHON)" bash scripts/check_dist.sh

## The real-engine tier: vLLM's own /v1/responses server on this machine.
test-engine: $(STAMP)
	bash scripts/engine/run.sh

## Side-by-side benchmarks against the official OpenAI adapters (environments of their own).
bench:
	bash benchmarks/run.sh

clean:
	rm -rf $(VENV) $(HIGH_VENV) dist build .pytest_cache .mypy_cache .ruff_cache
