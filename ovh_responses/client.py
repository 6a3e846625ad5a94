"""The HTTP side: one sync and one async openai client per :class:`ResponsesClient`, made on
first use and reused (one connection pool each), and the calls both adapters make.

Every failure leaves as a typed error from :mod:`ovh_responses.errors`. The SDK retries a
request only before its answer starts to arrive; a stream cut halfway raises
:class:`~ovh_responses.errors.StreamInterruptedError` and is never retried, so no output is
ever delivered twice.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import sys
import threading
import weakref
from array import array
from contextlib import aclosing, contextmanager
from typing import TYPE_CHECKING, Any, cast

from ovh_responses.errors import StreamError, translate
from ovh_responses.routing import aattempt, attempt
from ovh_responses.settings import USER_AGENT, resolve_api_key, resolve_base_url
from ovh_responses.types import TextDelta

if TYPE_CHECKING:
    from collections.abc import (
        AsyncGenerator,
        Generator,
        Iterable,
        Iterator,
        Mapping,
        Sequence,
    )
    from contextlib import AbstractContextManager

    import httpx2
    from openai import AsyncOpenAI, AsyncStream, Omit, OpenAI, Stream
    from openai.types import CreateEmbeddingResponse, Model
    from openai.types.chat import ChatCompletionChunk
    from openai.types.responses import ResponseStreamEvent
    from openai.types.responses.response_create_params import ResponseCreateParams
    from pydantic import SecretStr

    from ovh_responses.adapt import RouteChoice
    from ovh_responses.profiles import ModelInfo
    from ovh_responses.routing import Plan
    from ovh_responses.types import Delta, Result

__all__ = ["DEFAULT_EMBED_BATCH_SIZE", "ResponsesClient"]

DEFAULT_EMBED_BATCH_SIZE = 64
_ANONYMOUS_PLACEHOLDER = "anonymous"  # the SDK insists on a key; its header is removed


class ResponsesClient:
    """Calls to one OVH AI Endpoints base URL, with or without an API key.

    Without a key (argument or environment) requests go out on the anonymous tier with no
    ``Authorization`` header at all. ``http_client`` / ``http_async_client`` are httpx2 clients
    the caller owns; they are used as given and not closed by :meth:`close`.
    """

    def __init__(
        self,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None = 60.0,
        max_retries: int = 2,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.Client | None = None,
        http_async_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self._api_key = resolve_api_key(api_key)
        self.base_url = resolve_base_url(base_url)
        self.timeout = timeout
        self.max_retries = max_retries
        self.default_headers = {"User-Agent": USER_AGENT, **(default_headers or {})}
        self._http_client = http_client
        self._http_async_client = http_async_client
        self._lock = threading.Lock()
        self._sync: OpenAI | None = None
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncOpenAI] = (
            weakref.WeakKeyDictionary()
        )
        self._async_no_loop: AsyncOpenAI | None = None

    def __repr__(self) -> str:
        key = "None" if self._api_key is None else "SecretStr('**********')"
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key={key})"

    @property
    def api_key(self) -> SecretStr | None:
        return self._api_key

    @property
    def anonymous(self) -> bool:
        """True when no key is sent (the anonymous tier, with its low rate limit)."""
        return self._api_key is None

    # ----- the openai clients ------------------------------------------------------------------

    def openai_client(self) -> OpenAI:
        """The sync openai client, made once (thread-safe) and reused."""
        if self._sync is None:
            with self._lock:
                if self._sync is None:
                    from openai import OpenAI

                    self._sync = OpenAI(**self._sdk_options(), http_client=self._http_client)
        return self._sync

    def async_openai_client(self) -> AsyncOpenAI:
        """The async openai client of the running event loop, made once per loop and reused.

        An asyncio connection pool cannot outlive its loop, so each loop (one ``asyncio.run``)
        gets its own; a caller-supplied ``http_async_client`` is always used as given.
        """
        loop = _running_loop()
        with self._lock:
            found = self._async.get(loop) if loop is not None else self._async_no_loop
            if found is None:
                from openai import AsyncOpenAI

                found = AsyncOpenAI(**self._sdk_options(), http_client=self._http_async_client)
                if self._http_async_client is not None or loop is None:
                    self._async_no_loop = found
                else:
                    self._async[loop] = found
            return found

    def _sdk_options(self) -> dict[str, Any]:
        from openai import Omit

        headers: dict[str, str | Omit] = {
            # OpenAI account identifiers from the environment are not for this endpoint.
            "OpenAI-Organization": Omit(),
            "OpenAI-Project": Omit(),
            **self.default_headers,
        }
        if self._api_key is None:
            headers["Authorization"] = Omit()
        key = self._api_key.get_secret_value() if self._api_key else _ANONYMOUS_PLACEHOLDER
        return {
            "api_key": key,
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": headers,
        }

    def _request_headers(self) -> dict[str, Omit] | None:
        """Per-request headers: on the anonymous tier, the SDK's Authorization is removed."""
        if self._api_key is not None:
            return None
        from openai import Omit

        return {"Authorization": Omit()}

    def _translate(
        self, body: Mapping[str, Any], *, streaming: bool = False
    ) -> AbstractContextManager[None]:
        model = body.get("model")
        return translate(
            streaming=streaming,
            model=model if isinstance(model, str) else None,
            secret=self._api_key,
        )

    # ----- answers: /v1/responses, or /v1/chat/completions for the models it does not serve ---

    def create(
        self, body: ResponseCreateParams, *, route: RouteChoice = "auto", strict: bool = False
    ) -> Result:
        """One answer, not streamed. ``body`` is fitted to the model first (see
        :mod:`ovh_responses.adapt`); ``strict=True`` refuses instead of adapting. ``route``:
        ``"auto"`` (the model's own), ``"responses"`` or ``"chat_completions"``."""
        return attempt(self.base_url, body, route, strict, self._answer)

    async def acreate(
        self, body: ResponseCreateParams, *, route: RouteChoice = "auto", strict: bool = False
    ) -> Result:
        return await aattempt(self.base_url, body, route, strict, self._aanswer)

    def stream(
        self, body: ResponseCreateParams, *, route: RouteChoice = "auto", strict: bool = False
    ) -> Generator[Delta, None, None]:
        """The answer as deltas, ending with ``Done``. Leaving the loop early closes the
        connection; a failure mid-stream raises a :class:`StreamError` carrying the text
        delivered so far."""
        yield from attempt(self.base_url, body, route, strict, self._open)

    async def astream(
        self, body: ResponseCreateParams, *, route: RouteChoice = "auto", strict: bool = False
    ) -> AsyncGenerator[Delta, None]:
        deltas = await aattempt(self.base_url, body, route, strict, self._aopen)
        async with aclosing(deltas):
            async for delta in deltas:
                yield delta

    def _answer(self, plan: Plan) -> Result:
        from ovh_responses.adapt_answer import finish_result
        from ovh_responses.chat_fallback import result_from_completion
        from ovh_responses.parse import parse_response

        client = self.openai_client()
        with self._translate(plan.body):
            if plan.route == "chat_completions":
                completion = client.chat.completions.create(**self._chat_arguments(plan))
                result = result_from_completion(completion)
            else:
                response = client.responses.create(**self._responses_arguments(plan, stream=False))
                result = parse_response(response)
        return finish_result(result, plan.notes)

    async def _aanswer(self, plan: Plan) -> Result:
        from ovh_responses.adapt_answer import finish_result
        from ovh_responses.chat_fallback import result_from_completion
        from ovh_responses.parse import parse_response

        client = self.async_openai_client()
        with self._translate(plan.body):
            if plan.route == "chat_completions":
                completion = await client.chat.completions.create(**self._chat_arguments(plan))
                result = result_from_completion(completion)
            else:
                response = await client.responses.create(
                    **self._responses_arguments(plan, stream=False)
                )
                result = parse_response(response)
        return finish_result(result, plan.notes)

    def _open(self, plan: Plan) -> Iterator[Delta]:
        """Send ``plan`` (a refusal raises here, before any delta); the deltas are read as the
        caller iterates."""
        from ovh_responses.adapt_answer import result_as_deltas

        if plan.notes.stream_as_single:
            return result_as_deltas(self._answer(plan))
        client = self.openai_client()
        with self._translate(plan.body):
            if plan.route == "chat_completions":
                chunks = client.chat.completions.create(**self._chat_arguments(plan))
                return self._chat_deltas(plan, chunks)
            events = client.responses.create(**self._responses_arguments(plan, stream=True))
        return self._responses_deltas(plan, events)

    async def _aopen(self, plan: Plan) -> AsyncGenerator[Delta, None]:
        from ovh_responses.adapt_answer import result_as_deltas

        if plan.notes.stream_as_single:
            return _aiter(result_as_deltas(await self._aanswer(plan)))
        client = self.async_openai_client()
        with self._translate(plan.body):
            if plan.route == "chat_completions":
                chunks = await client.chat.completions.create(**self._chat_arguments(plan))
                return self._achat_deltas(plan, chunks)
            events = await client.responses.create(**self._responses_arguments(plan, stream=True))
        return self._aresponses_deltas(plan, events)

    def _responses_deltas(
        self, plan: Plan, events: Stream[ResponseStreamEvent]
    ) -> Generator[Delta, None, None]:
        from ovh_responses.adapt_answer import DeltaAdapter
        from ovh_responses.stream import iter_deltas

        adapter, delivered = DeltaAdapter(plan.notes), _Delivered()
        with events, delivered.noted(), self._translate(plan.body, streaming=True):
            for delta in iter_deltas(events):
                delivered.add(delta)
                yield from adapter.feed(delta)

    async def _aresponses_deltas(
        self, plan: Plan, events: AsyncStream[ResponseStreamEvent]
    ) -> AsyncGenerator[Delta, None]:
        from ovh_responses.adapt_answer import DeltaAdapter
        from ovh_responses.stream import aiter_deltas

        adapter, delivered = DeltaAdapter(plan.notes), _Delivered()
        async with events:
            with delivered.noted(), self._translate(plan.body, streaming=True):
                async for delta in aiter_deltas(events):
                    delivered.add(delta)
                    for adapted in adapter.feed(delta):
                        yield adapted

    def _chat_deltas(
        self, plan: Plan, chunks: Stream[ChatCompletionChunk]
    ) -> Generator[Delta, None, None]:
        from ovh_responses.adapt_answer import DeltaAdapter
        from ovh_responses.chat_fallback import iter_chat_deltas

        adapter = DeltaAdapter(plan.notes)
        with chunks:
            for delta in iter_chat_deltas(chunks):
                yield from adapter.feed(delta)

    async def _achat_deltas(
        self, plan: Plan, chunks: AsyncStream[ChatCompletionChunk]
    ) -> AsyncGenerator[Delta, None]:
        from ovh_responses.adapt_answer import DeltaAdapter
        from ovh_responses.chat_fallback import aiter_chat_deltas

        adapter = DeltaAdapter(plan.notes)
        async with chunks:
            async for delta in aiter_chat_deltas(chunks):
                for adapted in adapter.feed(delta):
                    yield adapted

    def _responses_arguments(self, plan: Plan, *, stream: bool) -> dict[str, Any]:
        """The SDK's arguments for ``responses.create``: its named parameters, the rest of the
        body as ``extra_body``."""
        known = _sdk_parameter_names()
        body = plan.body.items()
        return {
            **{k: v for k, v in body if k in known},
            "stream": stream,
            "extra_body": {k: v for k, v in body if k not in known and k != "stream"} or None,
            "extra_headers": self._request_headers(),
        }

    def _chat_arguments(self, plan: Plan) -> dict[str, Any]:
        """The SDK's arguments for ``chat.completions.create`` (``store`` is never sent there)."""
        from ovh_responses.chat_fallback import to_chat_request

        return {**to_chat_request(plan.body), "extra_headers": self._request_headers()}

    # ----- /v1/embeddings ----------------------------------------------------------------------

    def embed(
        self, model: str, texts: Sequence[str], *, batch_size: int = DEFAULT_EMBED_BATCH_SIZE
    ) -> list[list[float]]:
        """One vector per text, in order, asked for ``batch_size`` texts at a time."""
        vectors: list[list[float]] = []
        for batch in _batches(texts, batch_size):
            with self._translate({"model": model}):
                answer = self.openai_client().embeddings.create(
                    model=model,
                    input=batch,
                    encoding_format="float",
                    extra_headers=self._request_headers(),
                )
            vectors.extend(_vectors(answer))
        return vectors

    async def aembed(
        self, model: str, texts: Sequence[str], *, batch_size: int = DEFAULT_EMBED_BATCH_SIZE
    ) -> list[list[float]]:
        vectors: list[list[float]] = []
        for batch in _batches(texts, batch_size):
            with self._translate({"model": model}):
                answer = await self.async_openai_client().embeddings.create(
                    model=model,
                    input=batch,
                    encoding_format="float",
                    extra_headers=self._request_headers(),
                )
            vectors.extend(_vectors(answer))
        return vectors

    # ----- /v1/models --------------------------------------------------------------------------

    def fetch_models(self) -> list[Model]:
        """The raw ``GET /v1/models`` listing."""
        with self._translate({}):
            return list(self.openai_client().models.list(extra_headers=self._request_headers()))

    async def afetch_models(self) -> list[Model]:
        with self._translate({}):
            return [
                model
                async for model in self.async_openai_client().models.list(
                    extra_headers=self._request_headers()
                )
            ]

    def list_models(self) -> list[ModelInfo]:
        """The models the endpoint serves, with their context length when it says; what it
        says is kept for the process and used to fit later requests."""
        from ovh_responses.profiles import CATALOG

        return CATALOG.list_models(self.base_url, self.fetch_models)

    async def alist_models(self) -> list[ModelInfo]:
        from ovh_responses.profiles import CATALOG

        return await CATALOG.alist_models(self.base_url, self.afetch_models)

    # ----- cleanup -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the sync connection pool, unless the caller supplied the HTTP client."""
        if self._sync is not None and self._http_client is None:
            self._sync.close()
        self._sync = None

    async def aclose(self) -> None:
        """Close the running loop's async connection pool, unless the caller supplied it."""
        loop = _running_loop()
        with self._lock:
            client = self._async.pop(loop, None) if loop is not None else None
        if client is not None and self._http_async_client is None:
            await client.close()


# ----- helpers ---------------------------------------------------------------------------------


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


@functools.cache
def _sdk_parameter_names() -> frozenset[str]:
    from openai.types.responses.response_create_params import ResponseCreateParamsBase

    keys = ResponseCreateParamsBase.__required_keys__ | ResponseCreateParamsBase.__optional_keys__
    return frozenset(keys) - {"stream"}


class _Delivered:
    """The text a stream delivered so far, put into the :class:`StreamError` that ends it."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def add(self, delta: Delta) -> None:
        if isinstance(delta, TextDelta):
            self.texts.append(delta.text)

    @contextmanager
    def noted(self) -> Iterator[None]:
        try:
            yield
        except StreamError as e:
            e.partial_text = e.partial_text or "".join(self.texts)
            raise


async def _aiter(deltas: Iterable[Delta]) -> AsyncGenerator[Delta, None]:
    for delta in deltas:
        yield delta


def _batches(texts: Sequence[str], size: int) -> Iterator[list[str]]:
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")
    for start in range(0, len(texts), size):
        yield list(texts[start : start + size])


def _vectors(answer: CreateEmbeddingResponse) -> list[list[float]]:
    """The vectors in input order, decoded if the server sent base64 anyway."""
    ordered = sorted(answer.data, key=lambda item: item.index)
    return [_floats(cast("list[float] | str", item.embedding)) for item in ordered]


def _floats(embedding: list[float] | str) -> list[float]:
    if not isinstance(embedding, str):
        return [float(x) for x in embedding]
    values = array("f")
    values.frombytes(base64.b64decode(embedding))
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()
