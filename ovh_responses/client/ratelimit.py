"""Pacing embeddings requests with a client-side rate limiter, so that an app on the anonymous
tier (2 requests a minute per model) runs slowly instead of failing with 429.

LangChain's chat models and LlamaIndex's LLMs and embeddings have a ``rate_limiter=`` hook of
their own; LangChain's ``Embeddings`` has none, so ``OVHEmbeddings`` takes one (LangChain's
``InMemoryRateLimiter``, or any object with ``acquire`` and ``aacquire``) and waits on it before
each batch, since each batch is one request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

__all__ = ["Limiter", "aembed_limited", "embed_limited"]


class Limiter(Protocol):
    """What a rate limiter offers (LangChain's ``BaseRateLimiter`` has both): wait for one
    request's turn."""

    def acquire(self, *, blocking: bool = True) -> bool: ...

    async def aacquire(self, *, blocking: bool = True) -> bool: ...


def embed_limited(
    embed: Callable[[list[str]], list[list[float]]],
    texts: Sequence[str],
    batch_size: int,
    limiter: Limiter | None,
) -> list[list[float]]:
    """``embed`` called for ``batch_size`` texts at a time, each call waiting for the limiter
    (one request each); without a limiter, one call for all the texts."""
    if limiter is None:
        return embed(list(texts))
    vectors: list[list[float]] = []
    for start in range(0, len(texts), batch_size):
        limiter.acquire()
        vectors.extend(embed(list(texts[start : start + batch_size])))
    return vectors


async def aembed_limited(
    embed: Callable[[list[str]], Awaitable[list[list[float]]]],
    texts: Sequence[str],
    batch_size: int,
    limiter: Limiter | None,
) -> list[list[float]]:
    if limiter is None:
        return await embed(list(texts))
    vectors: list[list[float]] = []
    for start in range(0, len(texts), batch_size):
        await limiter.aacquire()
        vectors.extend(await embed(list(texts[start : start + batch_size])))
    return vectors
