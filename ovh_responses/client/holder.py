"""What every adapter class that holds a :class:`~ovh_responses.client.ResponsesClient`
offers, written once: the endpoint's models, and closing the pools it opened."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ovh_responses.client.calls import ResponsesClient
    from ovh_responses.fitting.profiles import ModelInfo

__all__ = ["ClientHolder"]


class ClientHolder:
    """Mixin for a class whose ``_client`` is its :class:`ResponsesClient`. Errors leave
    through :meth:`_errors`, which a framework overrides with its own translation."""

    if TYPE_CHECKING:
        _client: ResponsesClient

    def _errors(self) -> AbstractContextManager[object]:
        return contextlib.nullcontext()

    def list_models(self) -> list[ModelInfo]:
        """The models this endpoint serves (``GET /v1/models``), each with its context window
        and capability profile; what the listing says is used from then on."""
        with self._errors():
            return self._client.list_models()

    async def alist_models(self) -> list[ModelInfo]:
        with self._errors():
            return await self._client.alist_models()

    def close(self) -> None:
        """Close the connection pools this object opened (caller-supplied HTTP clients are
        left open)."""
        self._client.close()

    async def aclose(self) -> None:
        """Close the running event loop's connection pool (caller-supplied HTTP clients are
        left open)."""
        await self._client.aclose()
