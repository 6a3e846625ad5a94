"""The engine tier: tests against vLLM's own ``/v1/responses`` server.

``bash scripts/engine/run.sh`` installs vLLM, builds the tiny model, starts the server and runs
this folder with ``OVH_ENGINE_BASE_URL`` set. Without that variable every test here is skipped,
so the fast suite passes over them.

The model is tiny and trained on a handful of formats: tests assert the protocol and what the
adapters make of it, never the quality of an answer. Where the engine has to produce a tool call
or JSON, guided decoding makes it (``tool_choice`` forced, ``strict`` schemas, ``text.format``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI

ENGINE_URL = os.environ.get("OVH_ENGINE_BASE_URL", "")
ENGINE_MODEL = os.environ.get("OVH_ENGINE_MODEL", "ovh-tiny-chat")
MAX_MODEL_LEN = int(os.environ.get("OVH_ENGINE_MAX_MODEL_LEN", "1024"))
_HERE = Path(__file__).resolve().parent
_SKIP = pytest.mark.skip(reason="needs the vLLM engine: bash scripts/engine/run.sh")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.engine)
            if not ENGINE_URL:
                item.add_marker(_SKIP)


@pytest.fixture(scope="session")
def engine_url() -> str:
    return ENGINE_URL


@pytest.fixture(scope="session")
def model() -> str:
    return ENGINE_MODEL


@pytest.fixture(scope="session")
def max_model_len() -> int:
    return MAX_MODEL_LEN


@pytest.fixture
def sdk() -> Iterator[OpenAI]:
    from openai import OpenAI

    client = OpenAI(base_url=ENGINE_URL, api_key="unused", max_retries=0, timeout=60.0)
    yield client
    client.close()


@pytest.fixture
async def async_sdk() -> AsyncIterator[AsyncOpenAI]:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=ENGINE_URL, api_key="unused", max_retries=0, timeout=60.0)
    yield client
    await client.close()
