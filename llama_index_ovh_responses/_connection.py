"""The one way a LlamaIndex class of this package makes its ``ResponsesClient``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ovh_responses.client import ResponsesClient

if TYPE_CHECKING:
    import httpx2
    from pydantic import SecretStr


class _Connection(Protocol):
    api_key: SecretStr | None
    api_base: str
    timeout: float
    max_retries: int
    default_headers: dict[str, str] | None


def connect(
    model: _Connection,
    http_client: httpx2.Client | None,
    async_http_client: httpx2.AsyncClient | None,
) -> ResponsesClient:
    """The client for ``model``'s resolved settings and the caller's own HTTP clients, if any."""
    return ResponsesClient(
        api_key=model.api_key,
        base_url=model.api_base,
        timeout=model.timeout,
        max_retries=model.max_retries,
        default_headers=model.default_headers,
        http_client=http_client,
        http_async_client=async_http_client,
    )
