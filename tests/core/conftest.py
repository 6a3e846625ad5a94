"""Fixtures of the core's tests: a ResponsesClient on the shared local endpoint, and the openai
SDK's own client of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from openai import OpenAI

from ovh_responses.client import ResponsesClient
from ovh_responses.testing import LocalEndpoint


@pytest.fixture
async def client(endpoint: LocalEndpoint) -> AsyncIterator[ResponsesClient]:
    """A client of the shared local endpoint, without retries; both its pools closed after."""
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    yield client
    client.close()
    await client.aclose()


@pytest.fixture
def sdk_key() -> str:
    """The key ``sdk`` sends; a module that checks where a key goes gives its own."""
    return "test-key"


@pytest.fixture
def sdk(endpoint: LocalEndpoint, sdk_key: str) -> OpenAI:
    """The openai SDK's client of the shared local endpoint (``endpoint``), without retries."""
    return OpenAI(base_url=endpoint.base_url, api_key=sdk_key, max_retries=0)
