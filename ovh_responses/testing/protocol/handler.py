"""The HTTP/1.1 request handler: auth, faults, JSON with Content-Length, SSE chunked."""

from __future__ import annotations

import json
import socket
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ovh_responses.testing.protocol.failures import EndpointError, error_body
from ovh_responses.testing.protocol.faults import (
    CutStreamFault,
    DelayFault,
    DropConnectionFault,
    ErrorEventFault,
    FailedResponseFault,
    Fault,
    MalformedEventFault,
    NotJsonFault,
    RateLimitFault,
    ResetConnectionFault,
    ServerErrorFault,
    UnfinishedStreamFault,
)
from ovh_responses.testing.protocol.log import RecordedRequest, redact
from ovh_responses.testing.protocol.routes import JsonAnswer, StreamAnswer

if TYPE_CHECKING:
    from ovh_responses.testing.protocol.server import LocalEndpoint


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog of 5 overflows when many clients connect at once (16
    # threads, 200 tasks): the kernel then refuses or resets connections a real server accepts.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], endpoint: LocalEndpoint) -> None:
        super().__init__(address, EndpointHandler)
        self.endpoint = endpoint


# The client went away mid-answer (a stream closed early, a cancelled request): not a fault of
# the endpoint, so no traceback; anything else still reaches ``handle_error`` and is printed.
_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class EndpointHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY each answer waits for the
    # client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    server: EndpointServer

    def handle(self) -> None:
        try:
            super().handle()
        except _DISCONNECTS:
            self.close_connection = True
            self.server.endpoint.note_disconnect()

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log records every request."""

    def _handle(self, method: str) -> None:
        ep = self.server.endpoint
        path = urlsplit(self.path).path.rstrip("/") or "/"
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = _parse(raw)
        ep.log.add(RecordedRequest(method, path, redact(dict(self.headers.items())), body))
        stream = isinstance(body, dict) and body.get("stream") is True
        try:
            if len(raw) > ep.max_body_bytes:
                raise EndpointError(
                    413, f"Request body too large (limit {ep.max_body_bytes} bytes)."
                )
            if path != "/health":
                ep.check_auth(self.headers.get("Authorization"))
            if raw and body is None:
                raise EndpointError(400, "The request body is not valid JSON.")
            delays, fault = ep.faults.take(path, stream)
            for delay in delays:
                if delay.after_events is None or not stream:
                    time.sleep(delay.seconds)
            if self._answer_fault(fault):
                return
            fail = fault.message if isinstance(fault, FailedResponseFault) else None
            answer = ep.router.handle(method, path, body, fail)
        except EndpointError as e:
            self._send_json(e.status, e.body())
            return
        if isinstance(answer, JsonAnswer):
            self._send_json(answer.status, answer.body, answer.headers)
        else:
            stream_delays = [d for d in delays if d.after_events is not None]
            self._send_stream(answer, fault, stream_delays)

    def _answer_fault(self, fault: Fault | None) -> bool:
        if isinstance(fault, RateLimitFault):
            reset = {fault.header: _seconds(fault.retry_after)}
            self._send_json(429, error_body(429, fault.message), reset)
            return True
        if isinstance(fault, ServerErrorFault):
            after = fault.retry_after
            wait = {fault.header: _seconds(after)} if after is not None else None
            self._send_json(fault.status, error_body(fault.status, fault.message), wait)
            return True
        if isinstance(fault, DropConnectionFault):
            self._abort()
            return True
        if isinstance(fault, ResetConnectionFault):
            self._reset()
            return True
        if isinstance(fault, NotJsonFault):
            self._send_raw(200, fault.body.encode(), fault.content_type)
            return True
        return False

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, _encode(body), "application/json", headers)

    def _send_raw(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _send_stream(
        self, answer: StreamAnswer, fault: Fault | None, delays: list[DelayFault]
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        events = list(answer.events)
        stop_at = _fault_position(fault, len(events))
        pause = self.server.endpoint.stream_delay
        for seq, event in enumerate(events):
            for delay in delays:
                if delay.after_events == seq:
                    time.sleep(delay.seconds)
            if seq == stop_at and isinstance(fault, MalformedEventFault):
                self._send_malformed(answer, event, fault.data)
            elif seq == stop_at:
                self._end_stream_with_fault(answer, fault, seq)
                return
            if pause and seq:
                time.sleep(pause)
            self._send_event(answer, event, seq)
        if not answer.named:
            self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")

    def _end_stream_with_fault(self, answer: StreamAnswer, fault: Fault | None, seq: int) -> None:
        if isinstance(fault, CutStreamFault):
            self._abort()
            return
        if isinstance(fault, UnfinishedStreamFault):
            self._chunk(b"")
            return
        message = getattr(fault, "message", "The stream failed.")
        if not answer.named:
            self._chunk(b"data: " + _encode(error_body(500, message)) + b"\n\n")
        elif isinstance(fault, ErrorEventFault):
            error = {"type": "error", "code": fault.code, "message": message, "param": None}
            self._send_event(answer, error, seq)
        elif answer.failed is not None:
            self._send_event(answer, answer.failed, seq)
        if not answer.named:
            self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")

    def _send_event(self, answer: StreamAnswer, event: dict[str, Any], seq: int) -> None:
        if answer.named:
            event = {**event, "sequence_number": seq}
            self._chunk(f"event: {event['type']}\n".encode() + b"data: " + _encode(event) + b"\n\n")
        else:
            self._chunk(b"data: " + _encode(event) + b"\n\n")

    def _send_malformed(self, answer: StreamAnswer, event: dict[str, Any], data: str) -> None:
        name = f"event: {event['type']}\n".encode() if answer.named else b""
        self._chunk(name + b"data: " + data.encode() + b"\n\n")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _abort(self) -> None:
        """Close the connection at once, mid-message."""
        self.close_connection = True
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            return

    def _reset(self) -> None:
        """Reset the connection (TCP RST): closed with a zero linger time."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


_STREAM_FAULTS = (
    CutStreamFault,
    ErrorEventFault,
    FailedResponseFault,
    MalformedEventFault,
    UnfinishedStreamFault,
)


def _fault_position(fault: Fault | None, count: int) -> int | None:
    """The index of the first event a stream fault replaces (never after the terminal one)."""
    if isinstance(fault, _STREAM_FAULTS):
        return max(0, min(fault.after_events, count - 1))
    return None


def _seconds(wait: float) -> str:
    return str(int(wait)) if float(wait).is_integer() else str(wait)


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
