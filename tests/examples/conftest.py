"""The examples are scripts in examples/, not a package: make them importable by name."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DOCS = EXAMPLES.parent / "docs"

if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))


@pytest.fixture
def docs_text():
    """A guide's text with its line breaks folded, as an answer quoting it would read."""

    def read(name: str) -> str:
        return " ".join((DOCS / name).read_text(encoding="utf-8").split())

    return read


@pytest.fixture(autouse=True)
def _restore_llama_index_settings():
    """The LlamaIndex examples set the global Settings, as a program would; undo it per test."""
    from llama_index.core import Settings

    saved = (Settings._llm, Settings._embed_model)
    yield
    Settings._llm, Settings._embed_model = saved


@pytest.fixture(autouse=True)
def _index_in_a_temporary_folder(tmp_path, monkeypatch):
    """The RAG examples keep their vector index on disk: each test gets a fresh folder."""
    monkeypatch.setenv("OVH_RESPONSES_EXAMPLES_INDEX", str(tmp_path / "index"))
