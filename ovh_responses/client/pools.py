"""The openai clients of one :class:`~ovh_responses.client.ResponsesClient`: one sync client,
and one async client per running event loop, each made on first use and reused.

An asyncio connection pool belongs to the loop it was opened in, so each loop (one
``asyncio.run``) gets its own async client. That client is closed inside its loop when the loop
finalizes its async generators (``asyncio.run`` and ``asyncio.Runner`` do so before closing the
loop), and forgotten once the loop is closed, so finished loops leave neither clients nor open
sockets behind. HTTP clients supplied by the caller are used as given and never closed.

The HTTP clients made here carry the SDK's defaults and one response hook: a 429 or 503 whose
wait is given only as ``RateLimit-Reset`` gets a ``Retry-After`` with the same seconds, the
header the SDK's bounded retries read (with their own cap). HTTP clients supplied by the caller
are not changed: their retries wait as the SDK decides.
"""

from __future__ import annotations

import asyncio
import math
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovh_responses.errors import reset_seconds

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable

    import httpx2
    from openai import AsyncOpenAI, OpenAI

__all__ = ["OpenAIClients"]


@dataclass(slots=True)
class _LoopClient:
    """An async client and the async generator that closes it when its loop shuts down."""

    loop: asyncio.AbstractEventLoop
    client: AsyncOpenAI
    closer: AsyncGenerator[None, None] | None


class _State:
    """What the finalizer of an :class:`OpenAIClients` needs, without a reference to it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sync: OpenAI | None = None
        self.owns_sync = True
        self.loops: dict[asyncio.AbstractEventLoop, _LoopClient] = {}
        self.no_loop: AsyncOpenAI | None = None

    def close_sync(self) -> None:
        with self.lock:
            client, self.sync = self.sync, None
        if client is not None and self.owns_sync:
            client.close()


class OpenAIClients:
    """Makes, reuses and closes the openai clients; thread-safe."""

    def __init__(
        self,
        options: Callable[[], dict[str, Any]],
        http_client: httpx2.Client | None,
        http_async_client: httpx2.AsyncClient | None,
    ) -> None:
        self._options = options
        self._http_client = http_client
        self._http_async_client = http_async_client
        self._state = _State()
        self._state.owns_sync = http_client is None
        # Closes the sync pool this object made when it is garbage collected.
        weakref.finalize(self, self._state.close_sync)

    def sync(self) -> OpenAI:
        state = self._state
        with state.lock:
            if state.sync is None:
                from openai import OpenAI

                http = self._http_client or _http_client()
                state.sync = OpenAI(**self._options(), http_client=http)
            return state.sync

    def for_loop(self) -> AsyncOpenAI:
        """The running loop's async client (made now if needed, closed with the loop)."""
        found, closer = self._async()
        if closer is not None:
            _start(closer)
        return found

    def live_async_count(self) -> int:
        """How many async clients are kept (for loops that are not closed, plus the one made
        outside any loop)."""
        with self._state.lock:
            self._prune()
            return len(self._state.loops) + (self._state.no_loop is not None)

    def _async(self) -> tuple[AsyncOpenAI, AsyncGenerator[None, None] | None]:
        loop = _running_loop()
        state = self._state
        with state.lock:
            self._prune()
            if self._http_async_client is not None or loop is None:
                if state.no_loop is None:
                    state.no_loop = self._new_async()
                return state.no_loop, None
            entry = state.loops.get(loop)
            if entry is not None:
                return entry.client, None
            client = self._new_async()
            closer = _closed_with_loop(client)
            state.loops[loop] = _LoopClient(loop, client, closer)
            return client, closer

    def _new_async(self) -> AsyncOpenAI:
        from openai import AsyncOpenAI

        http = self._http_async_client or _http_async_client()
        return AsyncOpenAI(**self._options(), http_client=http)

    def _prune(self) -> None:
        """Forget the clients of closed loops (already closed by their loop's shutdown; if the
        loop did not finalize async generators, the garbage collector closes the sockets)."""
        loops = self._state.loops
        for loop in [loop for loop in loops if loop.is_closed()]:
            del loops[loop]

    def close(self) -> None:
        """Close the sync client (if made here) and let go of every async client: those of
        running loops are closed in their loop, the others are dropped."""
        self._state.close_sync()
        with self._state.lock:
            entries = list(self._state.loops.values())
            self._state.loops.clear()
            self._state.no_loop = None
        for entry in entries:
            if entry.closer is not None and entry.loop.is_running():
                asyncio.run_coroutine_threadsafe(_finish(entry.closer), entry.loop)

    async def aclose(self) -> None:
        """Close the running loop's async client and the one made outside a loop (unless the
        caller supplied the HTTP client); drop those of closed loops."""
        loop = _running_loop()
        with self._state.lock:
            self._prune()
            entry = self._state.loops.pop(loop, None) if loop is not None else None
            no_loop, self._state.no_loop = self._state.no_loop, None
        if entry is not None and entry.closer is not None:
            await entry.closer.aclose()
        if no_loop is not None and self._http_async_client is None:
            await no_loop.close()


_WAIT_STATUSES = frozenset({429, 503})


def _retry_after_from_reset(response: httpx2.Response) -> None:
    """Give a 429 or 503 that states its wait only as ``RateLimit-Reset`` the same wait as
    ``Retry-After``, so that the SDK's retries honour it."""
    headers = response.headers
    if response.status_code not in _WAIT_STATUSES:
        return
    if "retry-after" in headers or "retry-after-ms" in headers:
        return
    wait = reset_seconds(headers.get("ratelimit-reset", ""))
    if wait is not None and math.isfinite(wait):
        headers["Retry-After"] = str(wait)


async def _aretry_after_from_reset(response: httpx2.Response) -> None:
    _retry_after_from_reset(response)


def _http_client() -> httpx2.Client:
    """An HTTP client with the SDK's defaults and the ``RateLimit-Reset`` hook."""
    from openai import DefaultHttpxClient

    return DefaultHttpxClient(event_hooks={"response": [_retry_after_from_reset]})


def _http_async_client() -> httpx2.AsyncClient:
    from openai import DefaultAsyncHttpxClient

    return DefaultAsyncHttpxClient(event_hooks={"response": [_aretry_after_from_reset]})


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


async def _closed_with_loop(client: AsyncOpenAI) -> AsyncGenerator[None, None]:
    """Suspended until its loop finalizes async generators; then closes ``client`` there."""
    try:
        yield
    finally:
        await client.close()


async def _finish(closer: AsyncGenerator[None, None]) -> None:
    await closer.aclose()


def _start(closer: AsyncGenerator[None, None]) -> None:
    """Run ``closer`` to its first ``yield`` now. Its first step registers it with the running
    loop's async-generator hooks, so the loop closes it at shutdown; that step awaits nothing,
    so it completes synchronously."""
    step = closer.asend(None)
    try:
        step.send(None)
    except StopIteration:
        return
    raise RuntimeError("the client closer awaited before its first yield")  # pragma: no cover
