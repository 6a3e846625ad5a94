"""Importing stays light: the openai SDK (and its HTTP client) is loaded on first use, and the
core loads no framework. Our own modules are imported at the top, where a reader expects them."""

from __future__ import annotations

import subprocess
import sys

import ovh_responses
from ovh_responses.errors import RequiredToolNotCalledError

_SDK = ("openai",)
_HEAVY_FOR_THE_CORE = ("openai", "httpx2", "langchain_core", "llama_index")


def test_importing_the_adapters_does_not_load_the_sdk() -> None:
    code = (
        "import sys\n"
        "import langchain_ovh_responses, llama_index_ovh_responses\n"
        "import ovh_responses.client\n"
        f"loaded = [m for m in {_SDK!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_importing_the_core_loads_neither_the_sdk_nor_a_framework() -> None:
    code = (
        "import sys\n"
        "import ovh_responses, ovh_responses.client, ovh_responses.request, ovh_responses.testing\n"
        f"loaded = [m for m in {_HEAVY_FOR_THE_CORE!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_every_typed_error_is_exported_by_the_package() -> None:
    assert ovh_responses.RequiredToolNotCalledError is RequiredToolNotCalledError
    assert "RequiredToolNotCalledError" in ovh_responses.__all__
