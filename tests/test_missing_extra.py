"""Importing an adapter whose framework is not installed names the ``pip install`` line."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _import_without(package: str, blocked: str) -> subprocess.CompletedProcess[str]:
    # A None entry in sys.modules makes Python raise ModuleNotFoundError for that module, as
    # when it is not installed.
    code = f"import sys\nsys.modules[{blocked!r}] = None\nimport {package}\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("package", "blocked", "install"),
    [
        ("langchain_ovh_responses", "langchain_core", 'pip install "ovh-responses[langchain]"'),
        ("llama_index_ovh_responses", "llama_index", 'pip install "ovh-responses[llama-index]"'),
    ],
)
def test_a_missing_extra_names_the_install_line(package: str, blocked: str, install: str) -> None:
    run = _import_without(package, blocked)
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: "), run.stderr
    assert install in last


def test_an_adapter_imports_without_the_other_framework() -> None:
    assert _import_without("langchain_ovh_responses", "llama_index").returncode == 0
    assert _import_without("llama_index_ovh_responses", "langchain_core").returncode == 0
