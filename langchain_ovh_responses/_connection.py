"""The one way a LangChain class of this package makes its ``ResponsesClient``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ovh_responses.client import ResponsesClient
from ovh_responses.settings import resolve_api_key, resolve_base_url

if TYPE_CHECKING:
    from pydantic import SecretStr


class _Connection(Protocol):
    api_key: SecretStr | None
    base_url: str | None
    timeout: float | None
    max_retries: int
    default_headers: dict[str, str] | None
    http_client: Any | None
    http_async_client: Any | None


def connect(model: _Connection) -> ResponsesClient:
    """Resolve ``model``'s key and base URL from the environment (in place) and make its client."""
    model.api_key = resolve_api_key(model.api_key)
    model.base_url = resolve_base_url(model.base_url)
    return ResponsesClient(
        api_key=model.api_key,
        base_url=model.base_url,
        timeout=model.timeout,
        max_retries=model.max_retries,
        default_headers=model.default_headers,
        http_client=model.http_client,
        http_async_client=model.http_async_client,
    )
