"""Every Python code block of README.md and docs/ runs, as written, against the local endpoint.

Sybil finds the blocks; the blocks of one file share a namespace and run in order. The
snippets are written for the real platform: the environment points the settings at a
``LocalEndpoint`` instead (``OVH_AI_ENDPOINTS_BASE_URL``), and they run in an empty folder.
A block that cannot run offline is marked ``<!-- skip: next "reason" -->`` above it.
"""

from __future__ import annotations

import unittest
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from ovh_responses.settings import BASE_URL_ENV_VAR

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ovh_responses.testing import LocalEndpoint

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SYBIL = Sybil(parsers=[PythonCodeBlockParser(), SkipParser()])
CODE_ONLY = Sybil(parsers=[PythonCodeBlockParser()])


@pytest.fixture
def _llama_index_settings_restored() -> Iterator[None]:
    """The quick start sets LlamaIndex's global ``Settings``; later tests must not see them."""
    from llama_index.core import Settings

    saved = (Settings._llm, Settings._embed_model)
    yield
    Settings._llm, Settings._embed_model = saved


@pytest.mark.usefixtures("_llama_index_settings_restored")
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_block_runs(
    path: Path, endpoint: LocalEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BASE_URL_ENV_VAR, endpoint.base_url)
    monkeypatch.chdir(tmp_path)
    skipped: list[str] = []
    for example in SYBIL.parse(path).examples():
        try:
            example.evaluate()
        except unittest.SkipTest as skip:
            skipped.append(f"line {example.line}: {skip}")
    if skipped:
        pytest.skip("skipped blocks: " + "; ".join(skipped))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_python_block_is_missed(path: Path) -> None:
    # A block under another fence spelling (```py, ```Python) would silently not run.
    fences = [line for line in path.read_text().splitlines() if line.lower().startswith("```py")]
    assert len(list(CODE_ONLY.parse(path).examples())) == len(fences)
