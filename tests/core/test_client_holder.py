"""Every adapter class lists the endpoint's models and closes its pools the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from langchain_ovh_responses import ChatOVHResponses, OVHAuthenticationError, OVHEmbeddings
from llama_index_ovh_responses import OVHEmbedding, OVHResponses
from ovh_responses.errors import AuthenticationError
from ovh_responses.testing import CATALOG, LocalEndpoint

ADAPTERS: dict[str, Callable[[str, str | None], Any]] = {
    "ChatOVHResponses": lambda url, key: ChatOVHResponses(base_url=url, api_key=key),
    "OVHEmbeddings": lambda url, key: OVHEmbeddings(base_url=url, api_key=key),
    "OVHResponses": lambda url, key: OVHResponses(api_base=url, api_key=key),
    "OVHEmbedding": lambda url, key: OVHEmbedding(api_base=url, api_key=key),
}


@pytest.mark.parametrize("name", ADAPTERS)
async def test_lists_the_models_and_closes(name: str, endpoint: LocalEndpoint) -> None:
    adapter = ADAPTERS[name](endpoint.base_url, None)
    listed = {m.id for m in adapter.list_models()}
    assert {spec.id for spec in CATALOG} <= listed
    assert {m.id for m in await adapter.alist_models()} == listed
    adapter.close()
    await adapter.aclose()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("ChatOVHResponses", OVHAuthenticationError),
        ("OVHEmbeddings", OVHAuthenticationError),
        ("OVHResponses", AuthenticationError),
        ("OVHEmbedding", AuthenticationError),
    ],
)
def test_a_listing_error_leaves_as_the_framework_expects(
    name: str, error: type[Exception], make_endpoint: Callable[..., LocalEndpoint]
) -> None:
    server = make_endpoint(api_key="right")
    adapter = ADAPTERS[name](server.base_url, "wrong")
    with pytest.raises(error):
        adapter.list_models()
    adapter.close()
