"""Fixtures of the core's tests: a ResponsesClient on the shared local endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ovh_responses.client import ResponsesClient
from ovh_responses.testing import LocalEndpoint


@pytest.fixture
async def client(endpoint: LocalEndpoint) -> AsyncIterator[ResponsesClient]:
    """A client of the shared local endpoint, without retries; both its pools closed after."""
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    yield client
    client.close()
    await client.aclose()
