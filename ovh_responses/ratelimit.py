"""An opt-in client-side rate limiter, so that an app on the anonymous tier (2 requests a minute
per model) runs slowly instead of failing with 429.

:class:`RateLimiter` is a token bucket with the parameters of LangChain's ``InMemoryRateLimiter``
(``requests_per_second``, ``check_every_n_seconds``, ``max_bucket_size``; unlike it, the first
request goes at once rather than after one interval); any object with the
same ``acquire`` / ``aacquire`` methods (LangChain's own limiter included) can be given to the
LlamaIndex classes and to both embeddings classes as ``rate_limiter=``. It is thread-safe and one
instance may be shared by several models, which then share its budget.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

__all__ = [
    "ANONYMOUS_TIER",
    "Limiter",
    "RateLimiter",
    "aembed_limited",
    "embed_limited",
]


@runtime_checkable
class Limiter(Protocol):
    """What a rate limiter offers: wait for (or, with ``blocking=False``, try to take) one
    request's token."""

    def acquire(self, *, blocking: bool = True) -> bool: ...

    async def aacquire(self, *, blocking: bool = True) -> bool: ...


class RateLimiter:
    """A token bucket: ``requests_per_second`` tokens accrue, up to ``max_bucket_size``; each
    request takes one, waiting (checking every ``check_every_n_seconds``) while there is none."""

    def __init__(
        self,
        *,
        requests_per_second: float = 1.0,
        check_every_n_seconds: float = 0.1,
        max_bucket_size: float = 1.0,
    ) -> None:
        if requests_per_second <= 0 or max_bucket_size < 1 or check_every_n_seconds <= 0:
            raise ValueError(
                "requests_per_second and check_every_n_seconds must be above 0, and "
                f"max_bucket_size at least 1 (got {requests_per_second}, "
                f"{check_every_n_seconds}, {max_bucket_size})."
            )
        self.requests_per_second = requests_per_second
        self.check_every_n_seconds = check_every_n_seconds
        self.max_bucket_size = max_bucket_size
        self._tokens = 0.0
        self._last: float | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RateLimiter(requests_per_second={self.requests_per_second:g})"

    def _take(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if self._last is None:  # the first request goes at once
                self._last, self._tokens = now, 1.0
            gained = (now - self._last) * self.requests_per_second
            self._tokens = min(self._tokens + gained, self.max_bucket_size)
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False

    def acquire(self, *, blocking: bool = True) -> bool:
        while not self._take():
            if not blocking:
                return False
            time.sleep(self.check_every_n_seconds)
        return True

    async def aacquire(self, *, blocking: bool = True) -> bool:
        while not self._take():
            if not blocking:
                return False
            await asyncio.sleep(self.check_every_n_seconds)
        return True


ANONYMOUS_TIER = 2 / 60
"""The anonymous tier's rate per model, in requests per second: ``RateLimiter(
requests_per_second=ANONYMOUS_TIER)`` keeps a keyless app under it."""


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
