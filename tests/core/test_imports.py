"""Importing the adapters stays light: the openai SDK and the request-fitting machinery are
loaded on first use, not at import time."""

from __future__ import annotations

import subprocess
import sys

import ovh_responses
from ovh_responses.errors import RequiredToolNotCalledError

_DEFERRED = (
    "openai",
    "ovh_responses.fitting.routing",
    "ovh_responses.fitting.request",
    "ovh_responses.chat.request",
    "ovh_responses.fitting.profiles",
)


def test_importing_the_adapters_loads_neither_the_sdk_nor_the_request_fitting() -> None:
    code = (
        "import sys\n"
        "import langchain_ovh_responses, llama_index_ovh_responses\n"
        "import ovh_responses.client\n"
        f"loaded = [m for m in {_DEFERRED!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_every_typed_error_is_exported_by_the_package() -> None:
    assert ovh_responses.RequiredToolNotCalledError is RequiredToolNotCalledError
    assert "RequiredToolNotCalledError" in ovh_responses.__all__
