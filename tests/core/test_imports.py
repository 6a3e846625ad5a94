"""Importing stays light: the openai SDK (and its HTTP client) is loaded on first use, and the
core loads no framework. Our own modules are imported at the top, where a reader expects them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ovh_responses
from ovh_responses.errors import RequiredToolNotCalledError


def loaded_by(modules: str, heavy: tuple[str, ...]) -> list[str]:
    """Which of ``heavy`` a fresh interpreter has loaded after ``import {modules}``."""
    code = f"import sys, {modules}; print([m for m in {heavy!r} if m in sys.modules])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(run.stdout))


def test_importing_the_adapters_does_not_load_the_sdk() -> None:
    adapters = "langchain_ovh_responses, llama_index_ovh_responses, ovh_responses.client"
    assert loaded_by(adapters, ("openai",)) == []


OWN = ("ovh_responses", "langchain_ovh_responses", "llama_index_ovh_responses")


def imported_inside_functions(source: str) -> list[str]:
    """The modules of our own packages that ``source`` imports inside a function."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    found.append(inner.module)
                elif isinstance(inner, ast.Import):
                    found.extend(alias.name for alias in inner.names)
    return [name for name in found if name.split(".")[0] in OWN]


def test_our_own_modules_are_imported_at_the_top() -> None:
    root = Path(__file__).resolve().parents[2]
    late = {
        str(path.relative_to(root)): names
        for package in OWN
        for path in sorted((root / package).rglob("*.py"))
        if (names := imported_inside_functions(path.read_text()))
    }
    assert late == {}
    assert imported_inside_functions("def f():\n    from ovh_responses import errors\n") == [
        "ovh_responses"
    ]  # the check sees an import inside a function


def test_importing_the_core_loads_neither_the_sdk_nor_a_framework() -> None:
    core = "ovh_responses, ovh_responses.client, ovh_responses.request, ovh_responses.testing"
    heavy = ("openai", "httpx2", "langchain_core", "llama_index")
    assert loaded_by(core, heavy) == []
    assert loaded_by("langchain_ovh_responses", heavy) != []  # the check sees what is loaded


def test_every_typed_error_is_exported_by_the_package() -> None:
    assert ovh_responses.RequiredToolNotCalledError is RequiredToolNotCalledError
    assert "RequiredToolNotCalledError" in ovh_responses.__all__
