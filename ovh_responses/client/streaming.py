"""The client's streams: SDK streams of either route as deltas adapted to what the caller
asked, the id and model a stream announces, the text delivered before a failure, answers that
were never event streams, and stop sequences that end a stream early (closing its connection)."""

from __future__ import annotations

from contextlib import aclosing, closing, contextmanager
from typing import TYPE_CHECKING

from ovh_responses.chat.answer import aiter_chat_deltas, iter_chat_deltas
from ovh_responses.errors import (
    NotEventStreamError,
    StreamError,
    StreamInterruptedError,
    translate,
)
from ovh_responses.fitting.answer import DeltaAdapter
from ovh_responses.fitting.stop import StopFilter
from ovh_responses.settings import DEFAULT_BASE_URL
from ovh_responses.types import TextDelta
from ovh_responses.wire.stream import aiter_deltas, iter_deltas

if TYPE_CHECKING:
    from collections.abc import (
        AsyncGenerator,
        AsyncIterable,
        Generator,
        Iterable,
        Iterator,
        Sequence,
    )
    from contextlib import AbstractContextManager

    import httpx2
    from openai import AsyncStream, Stream
    from openai.types.chat import ChatCompletionChunk
    from pydantic import SecretStr

    from ovh_responses.fitting.routing import Plan
    from ovh_responses.fitting.stop import StreamIdentity
    from ovh_responses.types import Delta
    from ovh_responses.wire.stream import Event

__all__ = [
    "Delivered",
    "achat_deltas",
    "acut",
    "aiter_result",
    "anoted_chunks",
    "anoted_events",
    "aresponses_deltas",
    "chat_deltas",
    "cut",
    "noted_chunks",
    "noted_events",
    "responses_deltas",
]


def _translate_stream(plan: Plan, secret: SecretStr | None) -> AbstractContextManager[None]:
    return translate(streaming=True, model=plan.model, secret=secret)


def responses_deltas(
    plan: Plan,
    events: Stream[Event],
    identity: StreamIdentity,
    secret: SecretStr | None,
) -> Generator[Delta, None, None]:
    """The deltas of a ``/v1/responses`` stream, adapted to what the caller asked; the stream
    is closed when they end or are left."""
    adapter, delivered = DeltaAdapter(plan.notes), Delivered()
    checked = _event_stream(events.response, identity)
    with events, delivered.noted(), checked, _translate_stream(plan, secret):
        for delta in iter_deltas(noted_events(events, identity)):
            delivered.add(delta)
            yield from adapter.feed(delta)


async def aresponses_deltas(
    plan: Plan,
    events: AsyncStream[Event],
    identity: StreamIdentity,
    secret: SecretStr | None,
) -> AsyncGenerator[Delta, None]:
    adapter, delivered = DeltaAdapter(plan.notes), Delivered()
    async with events:
        checked = _event_stream(events.response, identity)
        with delivered.noted(), checked, _translate_stream(plan, secret):
            async for delta in aiter_deltas(anoted_events(events, identity)):
                delivered.add(delta)
                for adapted in adapter.feed(delta):
                    yield adapted


def chat_deltas(
    plan: Plan,
    chunks: Stream[ChatCompletionChunk],
    identity: StreamIdentity,
    secret: SecretStr | None,
) -> Generator[Delta, None, None]:
    """The deltas of a ``/v1/chat/completions`` stream, as :func:`responses_deltas`."""
    adapter = DeltaAdapter(plan.notes)
    with chunks, _event_stream(chunks.response, identity):
        for delta in iter_chat_deltas(noted_chunks(chunks, identity), secret=secret):
            yield from adapter.feed(delta)


async def achat_deltas(
    plan: Plan,
    chunks: AsyncStream[ChatCompletionChunk],
    identity: StreamIdentity,
    secret: SecretStr | None,
) -> AsyncGenerator[Delta, None]:
    adapter = DeltaAdapter(plan.notes)
    async with chunks:
        with _event_stream(chunks.response, identity):
            async for delta in aiter_chat_deltas(anoted_chunks(chunks, identity), secret=secret):
                for adapted in adapter.feed(delta):
                    yield adapted


@contextmanager
def _event_stream(response: httpx2.Response, identity: StreamIdentity) -> Iterator[None]:
    """A stream that ends before its first event, from an answer that does not say it is an
    event stream, never was one: it raises :class:`NotEventStreamError` saying what came
    instead. An event stream under another content type is read as usual."""
    try:
        yield
    except StreamInterruptedError as e:
        kind = response.headers.get("content-type", "")
        if identity.id or e.partial_text or _is_event_stream(kind):
            raise
        raise _not_event_stream(kind, str(response.url)) from e


def _is_event_stream(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "text/event-stream"


def _not_event_stream(content_type: str, url: str) -> NotEventStreamError:
    seen = f"Content-Type: {content_type}" if content_type else "no Content-Type"
    return NotEventStreamError(
        f"The answer to a streamed request from {url} was not an event stream ({seen}), so it "
        "holds no answer. Check base_url: it must be the root of an OpenAI-compatible API "
        f"(such as {DEFAULT_BASE_URL}); a page or a plain JSON body in its place usually "
        "comes from a proxy, a captive portal or a wrong path.",
        content_type=content_type,
    )


class Delivered:
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


def _note_event(event: Event, identity: StreamIdentity) -> None:
    if not identity.id and event.get("type") in ("response.created", "response.in_progress"):
        response = event["response"]
        identity.id, identity.model = response["id"], response["model"]


def _note_chunk(chunk: ChatCompletionChunk, identity: StreamIdentity) -> None:
    identity.id = identity.id or chunk.id
    identity.model = identity.model or chunk.model


def noted_events(events: Iterable[Event], identity: StreamIdentity) -> Iterator[Event]:
    """``events``, the response id and model noted from ``response.created`` on the way."""
    for event in events:
        _note_event(event, identity)
        yield event


async def anoted_events(
    events: AsyncIterable[Event], identity: StreamIdentity
) -> AsyncGenerator[Event, None]:
    async for event in events:
        _note_event(event, identity)
        yield event


def noted_chunks(
    chunks: Iterable[ChatCompletionChunk], identity: StreamIdentity
) -> Iterator[ChatCompletionChunk]:
    """``chunks``, the completion id and model noted from the first one."""
    for chunk in chunks:
        _note_chunk(chunk, identity)
        yield chunk


async def anoted_chunks(
    chunks: AsyncIterable[ChatCompletionChunk], identity: StreamIdentity
) -> AsyncGenerator[ChatCompletionChunk, None]:
    async for chunk in chunks:
        _note_chunk(chunk, identity)
        yield chunk


def cut(
    deltas: Generator[Delta, None, None], stop: Sequence[str] | None, identity: StreamIdentity
) -> Generator[Delta, None, None]:
    """``deltas`` ended at the first stop sequence. The source (and its connection) is closed
    before the last delta, :class:`~ovh_responses.types.Done`, is handed over."""
    stops = StopFilter(stop, identity)
    last: list[Delta] = []
    with closing(deltas):
        for delta in deltas:
            kept = stops.feed(delta)
            if stops.finished:
                last = kept
                break
            yield from kept
    yield from last


async def acut(
    deltas: AsyncGenerator[Delta, None], stop: Sequence[str] | None, identity: StreamIdentity
) -> AsyncGenerator[Delta, None]:
    stops = StopFilter(stop, identity)
    last: list[Delta] = []
    async with aclosing(deltas):
        async for delta in deltas:
            kept = stops.feed(delta)
            if stops.finished:
                last = kept
                break
            for one in kept:
                yield one
    for one in last:
        yield one


async def aiter_result(deltas: Iterable[Delta]) -> AsyncGenerator[Delta, None]:
    for delta in deltas:
        yield delta
