"""``OVHEmbeddings``: OVHcloud AI Endpoints' ``/v1/embeddings`` as LangChain embeddings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    model_validator,
)

from langchain_ovh_responses._connection import connect
from langchain_ovh_responses._errors import langchain_errors
from ovh_responses._arguments import checked, spellings
from ovh_responses.client import DEFAULT_EMBED_BATCH_SIZE, ResponsesClient
from ovh_responses.client.holder import ClientHolder
from ovh_responses.client.ratelimit import aembed_limited, embed_limited

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from typing import Self

__all__ = ["DEFAULT_EMBEDDING_MODEL", "OVHEmbeddings"]

DEFAULT_EMBEDDING_MODEL = "bge-m3"


class OVHEmbeddings(BaseModel, Embeddings, ClientHolder):
    """Embeddings from an AI Endpoints embedding model (``bge-m3``, ``bge-multilingual-gemma2``,
    ``bge-base-en-v1.5``), ``batch_size`` texts per request."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, arbitrary_types_allowed=True)

    model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL, validation_alias=AliasChoices("model", "model_name")
    )
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("api_key", "openai_api_key")
    )
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("base_url", "openai_api_base", "api_base")
    )
    timeout: float | None = 60.0
    max_retries: int = 2
    default_headers: dict[str, str] | None = Field(default=None, exclude=True, repr=False)
    batch_size: int = Field(default=DEFAULT_EMBED_BATCH_SIZE, ge=1)
    http_client: Any | None = Field(default=None, exclude=True)
    http_async_client: Any | None = Field(default=None, exclude=True)
    rate_limiter: Any | None = Field(default=None, exclude=True)
    """Waited on before each request (one per batch): LangChain's ``InMemoryRateLimiter``, or
    any object with ``acquire`` and ``aacquire``."""

    _client: ResponsesClient = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_arguments(cls, values: Any) -> Any:
        if isinstance(values, dict):
            return checked(cls.__name__, values, spellings(cls))
        return values

    @model_validator(mode="after")
    def _make_client(self) -> Self:
        self._client = connect(self)
        return self

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []

        def embed(batch: list[str]) -> list[list[float]]:
            return self._client.embed(self.model, batch, batch_size=self.batch_size)

        with langchain_errors():
            return embed_limited(embed, texts, self.batch_size, self.rate_limiter)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []

        async def embed(batch: list[str]) -> list[list[float]]:
            return await self._client.aembed(self.model, batch, batch_size=self.batch_size)

        with langchain_errors():
            return await aembed_limited(embed, texts, self.batch_size, self.rate_limiter)

    async def aembed_query(self, text: str) -> list[float]:
        return (await self.aembed_documents([text]))[0]

    def _errors(self) -> AbstractContextManager[object]:
        return langchain_errors()
