"""What the client sends and receives, for tracing and metrics (an OpenTelemetry exporter, a log).

The client sends its requests through the openai client's low-level ``post()``, so tools that
patch the SDK's ``responses.create`` do not see them; a listener registered here does:

- :class:`RequestEvent`, once per HTTP request, as it is sent (a call that falls back to
  ``/v1/chat/completions`` sends two);
- :class:`AnswerEvent`, once per call, when its answer is complete (a stream: when it ends, is
  left, or fails), with the :class:`~ovh_responses.types.Result` or the error.

Listeners run in the caller's thread, in the order they were added; what they raise reaches the
caller. Nothing is built when no listener is registered. The API key is never in an event.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from ovh_responses.types import Result

__all__ = [
    "AnswerEvent",
    "Listener",
    "RequestEvent",
    "add_listener",
    "remove_listener",
]


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One HTTP request: its path (``"/responses"``, ``"/chat/completions"``,
    ``"/embeddings"``) and the JSON body as sent. Do not change ``body``."""

    path: str
    body: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class AnswerEvent:
    """The end of one call: ``result`` when it succeeded (``None`` for embeddings and for a
    stream left early), ``error`` when it failed; ``seconds`` since the call began."""

    model: str
    stream: bool
    seconds: float
    result: Result | None = None
    error: BaseException | None = None


Event: TypeAlias = "RequestEvent | AnswerEvent"
Listener: TypeAlias = "Callable[[RequestEvent | AnswerEvent], object]"

_lock = threading.Lock()
_listeners: tuple[Listener, ...] = ()


def add_listener(listener: Listener) -> None:
    """Call ``listener`` with every :class:`RequestEvent` and :class:`AnswerEvent`."""
    global _listeners
    with _lock:
        _listeners = (*_listeners, listener)


def remove_listener(listener: Listener) -> None:
    """Stop calling ``listener`` (one equal to it: a bound method made again is too);
    nothing happens if it was not added."""
    global _listeners
    with _lock:
        _listeners = tuple(x for x in _listeners if x != listener)


def _emit(event: Event) -> None:
    for listener in _listeners:
        listener(event)


def sent(path: str, body: Mapping[str, Any]) -> None:
    """Report a request about to be sent."""
    if _listeners:
        _emit(RequestEvent(path, body))


class Call:
    """The call in progress; its owner sets ``result`` once it has one."""

    __slots__ = ("result",)

    def __init__(self) -> None:
        self.result: Result | None = None


@contextmanager
def call(model: str, *, stream: bool) -> Iterator[Call]:
    """Report the end of the call run inside: its result, or the error that ends it."""
    current = Call()
    if not _listeners:
        yield current
        return
    started = time.perf_counter()
    try:
        yield current
    except GeneratorExit:  # a stream left early: it ends without a result
        _emit(AnswerEvent(model, stream, time.perf_counter() - started))
        raise
    except BaseException as e:  # reported, then raised unchanged
        _emit(AnswerEvent(model, stream, time.perf_counter() - started, error=e))
        raise
    _emit(AnswerEvent(model, stream, time.perf_counter() - started, current.result))
