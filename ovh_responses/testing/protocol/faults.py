"""Faults the local endpoint can be told to inject into its next matching requests.

``ep.inject(RateLimitFault(retry_after=2), times=...)``: each fault applies to ``times`` requests
whose path starts with ``path`` (``None``: any path), then is used up. Stream faults
(:class:`CutStreamFault`, :class:`ErrorEventFault`) only match streaming requests.
:class:`DelayFault` adds to whatever else happens; the other kinds replace the normal answer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Fault:
    """Base of every fault: how many requests it applies to, and to which path prefix."""

    times: int = 1
    path: str | None = None

    stream_only = False

    def matches(self, path: str, stream: bool) -> bool:
        if self.stream_only and not stream:
            return False
        return self.path is None or path.startswith(self.path)


@dataclass(frozen=True, slots=True)
class RateLimitFault(Fault):
    """HTTP 429 with a vLLM-shaped error body and the wait in ``header`` (seconds):
    ``Retry-After`` by default, or ``RateLimit-Reset``."""

    retry_after: float = 1.0
    message: str = "Rate limit exceeded: too many requests. Please retry later."
    header: str = "Retry-After"


@dataclass(frozen=True, slots=True)
class ServerErrorFault(Fault):
    """An HTTP 5xx (500 by default; 502, 503, 504 also have typed bodies), with the wait in
    ``header`` (``Retry-After`` by default, or ``RateLimit-Reset``) when ``retry_after`` is set."""

    status: int = 500
    message: str = "Internal server error."
    retry_after: float | None = None
    header: str = "Retry-After"


@dataclass(frozen=True, slots=True)
class DropConnectionFault(Fault):
    """The connection is closed before any response byte is sent."""


@dataclass(frozen=True, slots=True)
class ResetConnectionFault(Fault):
    """The connection is reset (TCP RST) before any response byte is sent."""


@dataclass(frozen=True, slots=True)
class NotJsonFault(Fault):
    """HTTP 200 with ``body`` sent as it is, under ``content_type``: by default a proxy's HTML
    page; also JSON cut in the middle, or any scripted SSE stream (``text/event-stream``)."""

    body: str = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    content_type: str = "text/html"


@dataclass(frozen=True, slots=True)
class CutStreamFault(Fault):
    """The stream stops after ``after_events`` events: the connection closes with no terminal
    event and no end of the chunked body (clients see an incomplete read)."""

    after_events: int = 3
    stream_only = True


@dataclass(frozen=True, slots=True)
class ErrorEventFault(Fault):
    """After ``after_events`` events, an ``error`` event ends the stream."""

    after_events: int = 3
    message: str = "The model failed while generating the response."
    code: str = "server_error"
    stream_only = True


@dataclass(frozen=True, slots=True)
class MalformedEventFault(Fault):
    """After ``after_events`` events, an event whose data is not valid JSON; the stream then
    goes on normally."""

    after_events: int = 3
    data: str = '{"type": "response.output_text.delta", "delta": '
    stream_only = True


@dataclass(frozen=True, slots=True)
class UnfinishedStreamFault(Fault):
    """After ``after_events`` events the stream ends cleanly (the chunked body is complete)
    but without its terminal event (nor ``[DONE]``)."""

    after_events: int = 3
    stream_only = True


@dataclass(frozen=True, slots=True)
class FailedResponseFault(Fault):
    """The response fails: in a stream, ``response.failed`` after ``after_events`` events; without
    streaming, a 200 body whose ``status`` is ``"failed"`` with an ``error``."""

    after_events: int = 2
    message: str = "The model failed while generating the response."


@dataclass(frozen=True, slots=True)
class DelayFault(Fault):
    """Wait ``seconds`` before answering (or, with ``after_events``, before that stream event)."""

    seconds: float = 1.0
    after_events: int | None = None


class FaultQueue:
    """Thread-safe queue of pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(f for f in faults if f.times > 0)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, path: str, stream: bool) -> tuple[list[DelayFault], Fault | None]:
        """The delays and the (first) other fault that apply to this request; uses them up."""
        with self._lock:
            delays: list[DelayFault] = []
            other: Fault | None = None
            for i, fault in enumerate(self._faults):
                if not fault.matches(path, stream):
                    continue
                if isinstance(fault, DelayFault):
                    delays.append(fault)
                elif other is None:
                    other = fault
                else:
                    continue
                self._faults[i] = replace(fault, times=fault.times - 1)
            self._faults = [f for f in self._faults if f.times > 0]
            return delays, other
