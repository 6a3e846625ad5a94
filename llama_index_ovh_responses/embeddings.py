"""``OVHEmbedding``: OVHcloud AI Endpoints' ``/v1/embeddings`` as a LlamaIndex embedding model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field, PrivateAttr, SecretStr

from llama_index_ovh_responses._connection import connect
from ovh_responses.settings import resolve_api_key, resolve_base_url

if TYPE_CHECKING:
    import httpx2

    from ovh_responses.client import ResponsesClient

DEFAULT_EMBEDDING_MODEL = "bge-m3"


class OVHEmbedding(BaseEmbedding):
    """Embeddings from OVHcloud AI Endpoints (``bge-m3`` by default).

    The API key and base URL are found as for :class:`~llama_index_ovh_responses.OVHResponses`.
    Texts are sent ``embed_batch_size`` at a time.
    """

    model_name: str = Field(default=DEFAULT_EMBEDDING_MODEL, description="Embedding model id.")
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    api_base: str = Field(default="", description="Base URL, up to /v1.")
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    default_headers: dict[str, str] | None = Field(default=None, exclude=True, repr=False)

    _client: ResponsesClient = PrivateAttr()

    def __init__(
        self,
        model_name: str = DEFAULT_EMBEDDING_MODEL,
        *,
        api_key: str | SecretStr | None = None,
        api_base: str | None = None,
        http_client: httpx2.Client | None = None,
        async_http_client: httpx2.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        resolved: dict[str, Any] = {
            "api_key": resolve_api_key(api_key),
            "api_base": resolve_base_url(api_base),
        }
        super().__init__(model_name=model_name, **resolved, **kwargs)
        self._client = connect(self, http_client, async_http_client)

    @classmethod
    def class_name(cls) -> str:
        return "OVHEmbedding"

    def _embed(self, texts: list[str]) -> list[Embedding]:
        return self._client.embed(self.model_name, texts, batch_size=self.embed_batch_size)

    async def _aembed(self, texts: list[str]) -> list[Embedding]:
        return await self._client.aembed(self.model_name, texts, batch_size=self.embed_batch_size)

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._embed([query])[0]

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._aembed([query]))[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._embed([text])[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._aembed([text]))[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._embed(texts)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return await self._aembed(texts)

    # ----- cleanup -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pools this object opened (caller-supplied HTTP clients are
        left open)."""
        self._client.close()

    async def aclose(self) -> None:
        """Close the running event loop's connection pool (caller-supplied HTTP clients are
        left open)."""
        await self._client.aclose()
