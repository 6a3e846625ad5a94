"""The HTTP side: one sync and one async openai client per :class:`ResponsesClient`, made on
first use and reused (one connection pool each), and the calls both adapters make.

Every failure leaves as a typed error from :mod:`ovh_responses.errors`. The SDK retries a
request only before its answer starts to arrive; a stream cut halfway raises
:class:`~ovh_responses.errors.StreamInterruptedError` and is never retried, so no output is
ever delivered twice.
"""

from __future__ import annotations

import functools
from contextlib import closing
from typing import TYPE_CHECKING, Any, cast

from ovh_responses import events
from ovh_responses.chat.request import result_from_completion, to_chat_request
from ovh_responses.client import streaming as _streams
from ovh_responses.client.embeddings import (
    DEFAULT_EMBED_BATCH_SIZE,
    aembed_batches,
    embed_batches,
)
from ovh_responses.client.pools import OpenAIClients
from ovh_responses.errors import reading_answer, translate, unreadable_answer
from ovh_responses.fitting.answer import finish_result, result_as_deltas
from ovh_responses.fitting.profiles import CATALOG
from ovh_responses.fitting.routing import Fitting, aattempt, attempt
from ovh_responses.fitting.stop import StreamIdentity
from ovh_responses.settings import USER_AGENT, resolve_api_key, resolve_base_url
from ovh_responses.types import Done
from ovh_responses.wire.answer import parse_response_json

if TYPE_CHECKING:
    from collections.abc import (
        AsyncGenerator,
        Generator,
        Mapping,
        Sequence,
    )
    from contextlib import AbstractContextManager

    import httpx2
    from openai import AsyncOpenAI, Omit, OpenAI, RequestOptions
    from openai.types import CreateEmbeddingResponse, Model
    from openai.types.responses.response_create_params import ResponseCreateParams
    from pydantic import SecretStr

    from ovh_responses.fitting.overrides import ProfileOverride
    from ovh_responses.fitting.profiles import ModelInfo
    from ovh_responses.fitting.request import RouteChoice
    from ovh_responses.fitting.routing import Plan
    from ovh_responses.types import Delta, Result

__all__ = ["DEFAULT_EMBED_BATCH_SIZE", "ResponsesClient"]

_ANONYMOUS_PLACEHOLDER = "anonymous"  # the SDK insists on a key; its header is removed


class ResponsesClient:
    """Calls to one OVH AI Endpoints base URL, with or without an API key.

    Without a key (argument or environment) requests go out on the anonymous tier with no
    ``Authorization`` header at all. ``http_client`` / ``http_async_client`` are httpx2 clients
    the caller owns; they are used as given and never closed here. The connection pools made
    here are closed by :meth:`close` / :meth:`aclose`, an async one also when its event loop
    shuts down, and the sync one when this object is garbage collected.
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
        self._clients = OpenAIClients(self._sdk_options, http_client, http_async_client)

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
        return self._clients.sync()

    def async_openai_client(self) -> AsyncOpenAI:
        """The async openai client of the running event loop, made once per loop and reused.

        An asyncio connection pool cannot outlive its loop, so each loop (one ``asyncio.run``)
        gets its own, closed when that loop shuts down; a caller-supplied
        ``http_async_client`` is always used as given.
        """
        return self._clients.for_loop()

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
        self,
        body: ResponseCreateParams,
        *,
        route: RouteChoice = "auto",
        strict: bool = False,
        stop: Sequence[str] | None = None,
        profile_override: ProfileOverride | None = None,
    ) -> Result:
        """One answer. ``body`` is fitted to the model first (:mod:`~..fitting.request`);
        ``strict=True`` refuses instead of adapting. ``route``: ``"auto"`` (the model's own),
        ``"responses"`` or ``"chat_completions"``. With ``stop``, the answer is streamed and
        cut at the first stop sequence, as :meth:`stream` does. ``profile_override``: the
        caller's word on the model (:mod:`~..fitting.overrides`), over the table and what the
        server taught, for this call only."""
        if not _stops(stop):
            fitting = Fitting(route, strict, profile_override)
            with events.call(str(body["model"]), stream=False) as call:
                result = call.result = attempt(self.base_url, body, fitting, self._answer)
            return result
        streamed = _streamed(body)
        deltas = self.stream(
            streamed, route=route, strict=strict, stop=stop, profile_override=profile_override
        )
        for delta in deltas:
            if isinstance(delta, Done):
                return delta.result
        raise AssertionError("a stream always ends with Done")  # pragma: no cover

    async def acreate(
        self,
        body: ResponseCreateParams,
        *,
        route: RouteChoice = "auto",
        strict: bool = False,
        stop: Sequence[str] | None = None,
        profile_override: ProfileOverride | None = None,
    ) -> Result:
        if not _stops(stop):
            fitting = Fitting(route, strict, profile_override)
            with events.call(str(body["model"]), stream=False) as call:
                result = call.result = await aattempt(self.base_url, body, fitting, self._aanswer)
            return result
        streamed = _streamed(body)
        adeltas = self.astream(
            streamed, route=route, strict=strict, stop=stop, profile_override=profile_override
        )
        async for delta in adeltas:
            if isinstance(delta, Done):
                return delta.result
        raise AssertionError("a stream always ends with Done")  # pragma: no cover

    def stream(
        self,
        body: ResponseCreateParams,
        *,
        route: RouteChoice = "auto",
        strict: bool = False,
        stop: Sequence[str] | None = None,
        profile_override: ProfileOverride | None = None,
    ) -> Generator[Delta, None, None]:
        """The answer as deltas, ending with ``Done``. Leaving the loop early closes the
        connection; a failure mid-stream raises a :class:`StreamError` carrying the text
        delivered so far.

        ``stop``: the stream ends at the first of these sequences (the route has no ``stop``
        parameter, so they are applied here) and the connection is closed then. Its ``Done``
        result has the cut text, status ``"completed"``, ``stop_sequence`` set, the response
        id and model announced when the stream began, and ``usage=None`` (the server reports
        usage only at the end of the answer, which is not read)."""
        identity = StreamIdentity(model=str(body["model"]))
        send = functools.partial(self._open, identity=identity)
        with events.call(identity.model, stream=True) as call:
            delta: Delta | None = None
            fitting = Fitting(route, strict, profile_override)
            deltas = attempt(self.base_url, body, fitting, send)
            if _stops(stop):
                deltas = _streams.cut(deltas, stop, identity)
            with closing(deltas):  # leaving the loop early closes the connection
                for delta in deltas:
                    yield delta
            call.result = delta.result if isinstance(delta, Done) else None

    async def astream(
        self,
        body: ResponseCreateParams,
        *,
        route: RouteChoice = "auto",
        strict: bool = False,
        stop: Sequence[str] | None = None,
        profile_override: ProfileOverride | None = None,
    ) -> AsyncGenerator[Delta, None]:
        from contextlib import aclosing

        identity = StreamIdentity(model=str(body["model"]))
        send = functools.partial(self._aopen, identity=identity)
        with events.call(identity.model, stream=True) as call:
            delta: Delta | None = None
            fitting = Fitting(route, strict, profile_override)
            deltas = await aattempt(self.base_url, body, fitting, send)
            if _stops(stop):
                deltas = _streams.acut(deltas, stop, identity)
            async with aclosing(deltas) as kept:
                async for delta in kept:
                    yield delta
            call.result = delta.result if isinstance(delta, Done) else None

    def _answer(self, plan: Plan) -> Result:
        client = self.openai_client()
        request = self._request(plan)
        with self._translate(plan.body):
            answer = client.post(**request)
        return finish_result(_result_of(plan, answer), plan.notes)

    async def _aanswer(self, plan: Plan) -> Result:
        client = self.async_openai_client()
        request = self._request(plan)
        with self._translate(plan.body):
            answer = await client.post(**request)
        return finish_result(_result_of(plan, answer), plan.notes)

    def _open(self, plan: Plan, identity: StreamIdentity) -> Generator[Delta, None, None]:
        """Send ``plan`` (a refusal raises here, before any delta); the deltas are read as the
        caller iterates."""
        from openai import Stream

        if plan.notes.stream_as_single:
            result = self._answer(plan)
            identity.id, identity.model = result.id, result.model
            return result_as_deltas(result)
        client = self.openai_client()
        request = self._request(plan, stream_cls=Stream)
        with self._translate(plan.body):
            stream = client.post(**request)
        if plan.route == "chat_completions":
            return _streams.chat_deltas(plan, stream, identity, self._api_key)
        return _streams.responses_deltas(plan, stream, identity, self._api_key)

    async def _aopen(self, plan: Plan, identity: StreamIdentity) -> AsyncGenerator[Delta, None]:
        from openai import AsyncStream

        if plan.notes.stream_as_single:
            result = await self._aanswer(plan)
            identity.id, identity.model = result.id, result.model
            return _streams.aiter_result(result_as_deltas(result))
        client = self.async_openai_client()
        request = self._request(plan, stream_cls=AsyncStream)
        with self._translate(plan.body):
            stream = await client.post(**request)
        if plan.route == "chat_completions":
            return _streams.achat_deltas(plan, stream, identity, self._api_key)
        return _streams.aresponses_deltas(plan, stream, identity, self._api_key)

    def _request(self, plan: Plan, stream_cls: type[Any] | None = None) -> dict[str, Any]:
        """The arguments of the SDK's ``post`` for ``plan``: our finished body sent as it is
        (no per-call transform by the SDK), answers read as plain JSON on the Responses route
        and as the SDK's objects on the chat-completions route; ``stream_cls`` (``Stream`` or
        ``AsyncStream``) for a streamed answer. The request is reported as sent."""
        from openai.types.chat import ChatCompletion, ChatCompletionChunk

        stream = stream_cls is not None
        # object: the SDK hands the JSON over as it is, building nothing per event
        cast_to: type[Any] = object
        item: type[Any] = object
        if plan.route == "chat_completions":
            path, body = _CHAT_PATH, self._chat_body(plan)
            cast_to, item = ChatCompletion, ChatCompletionChunk
        else:
            path, body = _RESPONSES_PATH, _responses_body(plan, stream=stream)
        request: dict[str, Any] = {
            "path": path,
            "body": body,
            "cast_to": cast_to,
            "options": self._options,
        }
        if stream_cls is not None:
            request |= {"stream": True, "stream_cls": stream_cls[item]}
        events.sent(path, body)
        return request

    @functools.cached_property
    def _options(self) -> RequestOptions:
        """The SDK's options for every request of this client, made once: its bearer
        authentication, removed on the anonymous tier."""
        options: RequestOptions = {"security": {"bearer_auth": True}}
        headers = self._request_headers()
        if headers is not None:
            options["headers"] = headers
        return options

    @staticmethod
    def _chat_body(plan: Plan) -> dict[str, Any]:
        """The chat-completions body (``store`` is never sent there)."""
        return dict(to_chat_request(plan.body, strict=plan.strict))

    # ----- /v1/embeddings ----------------------------------------------------------------------

    def embed(
        self, model: str, texts: Sequence[str], *, batch_size: int = DEFAULT_EMBED_BATCH_SIZE
    ) -> list[list[float]]:
        """One vector per text, in order, asked for ``batch_size`` texts at a time."""

        def send(batch: list[str]) -> CreateEmbeddingResponse:
            request = self._embed_request(model, batch)
            with self._translate({"model": model}):
                response: CreateEmbeddingResponse = self.openai_client().post(**request)
            return response

        with events.call(model, stream=False):
            return embed_batches(texts, batch_size, send)

    async def aembed(
        self, model: str, texts: Sequence[str], *, batch_size: int = DEFAULT_EMBED_BATCH_SIZE
    ) -> list[list[float]]:
        async def send(batch: list[str]) -> CreateEmbeddingResponse:
            request = self._embed_request(model, batch)
            with self._translate({"model": model}):
                response: CreateEmbeddingResponse = await self.async_openai_client().post(**request)
            return response

        with events.call(model, stream=False):
            return await aembed_batches(texts, batch_size, send)

    def _embed_request(self, model: str, batch: list[str]) -> dict[str, Any]:
        """The arguments of the SDK's ``post`` for one batch of texts (reported as sent)."""
        from openai.types import CreateEmbeddingResponse

        body = {"model": model, "input": batch, "encoding_format": "float"}
        events.sent(_EMBEDDINGS_PATH, body)
        return {
            "path": _EMBEDDINGS_PATH,
            "body": body,
            "cast_to": CreateEmbeddingResponse,
            "options": self._options,
        }

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
        return CATALOG.list_models(self.base_url, self.fetch_models)

    async def alist_models(self) -> list[ModelInfo]:
        return await CATALOG.alist_models(self.base_url, self.afetch_models)

    # ----- cleanup -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the sync connection pool and let go of the async ones (closing those of
        running loops in their loop). Caller-supplied HTTP clients are left open."""
        self._clients.close()

    async def aclose(self) -> None:
        """Close the running loop's async connection pool and the one made outside any loop;
        caller-supplied HTTP clients are left open."""
        await self._clients.aclose()


_RESPONSES_PATH = "/responses"
_CHAT_PATH = "/chat/completions"
_EMBEDDINGS_PATH = "/embeddings"


def _responses_body(plan: Plan, *, stream: bool) -> dict[str, Any]:
    """The finished body, sent as it is (no SDK transform: it is wire-ready JSON)."""
    return {**plan.body, "stream": stream}


def _streamed(body: ResponseCreateParams) -> ResponseCreateParams:
    """``body`` asked as a stream."""
    return cast("ResponseCreateParams", {**body, "stream": True})


def _stops(stop: Sequence[str] | None) -> bool:
    """Whether ``stop`` holds a stop sequence (without one, deltas are not filtered)."""
    return any(stop or ())


def _result_of(plan: Plan, answer: object) -> Result:
    """The result of a plain answer: the chat completion the SDK built, or the JSON of
    ``/v1/responses`` parsed here; typed errors for a body that is not JSON (the SDK hands back
    its text) or JSON not in the protocol's shape."""
    from openai.types.chat import ChatCompletion

    if plan.route == "chat_completions" and isinstance(answer, ChatCompletion):
        with reading_answer(streaming=False):
            return result_from_completion(answer)
    if not isinstance(answer, dict):
        # the SDK hands back the text of a body that is not JSON at all
        what = "not JSON" if isinstance(answer, str) else "JSON but not an object"
        raise unreadable_answer(what, streaming=False)
    with reading_answer(streaming=False):
        return parse_response_json(answer)
