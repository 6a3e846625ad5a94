"""The tests (and test files) README.md and docs/ name as proof of a behaviour exist under
those names."""

from __future__ import annotations

import re
from pathlib import Path

import langchain_tests

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NAME = re.compile(r"`[^`]*?\b(test_[a-z0-9_]+)")


def _pattern(name: str) -> str:
    # a name ending in "_" cites a family of tests by its prefix
    return f"def {name}" if name.endswith("_") else rf"def {name}\b"


def _defined(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.py"))


def test_every_test_the_docs_name_is_defined() -> None:
    ours = _defined(ROOT / "tests")
    standard = _defined(Path(langchain_tests.__file__).parent)  # the standard suites we run
    named = {n for doc in DOCS for n in NAME.findall(doc.read_text(encoding="utf-8"))}
    assert named, "the docs name no test: the pattern no longer matches how they cite tests"
    files = {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    missing = sorted(n for n in named - files if not re.search(_pattern(n), ours + standard))
    assert not missing, f"named in the docs but defined nowhere: {missing}"
