"""One call of the core client in each style (create, acreate, stream, astream) on either
route, summed up as what the caller saw: the deltas streamed, the final text or the typed
error, and how long it took. Shared by the core's fault tests."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from ovh_responses import errors
from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint
from ovh_responses.types import Done, TextDelta

PROMPT = "Hello there"
ANSWER = "Hello! How can I help you today?"  # what the local model says to a greeting
ROUTES = {"responses": "/v1/responses", "chat_completions": "/v1/chat/completions"}
STYLES = ("create", "acreate", "stream", "astream")
STREAMING = ("stream", "astream")


@dataclass
class Outcome:
    streamed: list[str] = field(default_factory=list)
    text: str | None = None
    error: BaseException | None = None
    seconds: float = 0.0


async def _acall(client: ResponsesClient, style: str, route: str, out: Outcome) -> None:
    body = build_request(model="local-chat", input=PROMPT, stream=style == "astream")
    if style == "acreate":
        out.text = (await client.acreate(body, route=route)).text  # type: ignore[arg-type]
        return
    async for delta in client.astream(body, route=route):  # type: ignore[arg-type]
        _note(delta, out)


def call(client: ResponsesClient, style: str, route: str) -> Outcome:
    """Call in ``style`` on ``route``; a typed error is caught into the outcome."""
    out = Outcome()
    started = time.monotonic()
    try:
        if style.startswith("a"):
            asyncio.run(_acall(client, style, route, out))
        elif style == "create":
            body = build_request(model="local-chat", input=PROMPT)
            out.text = client.create(body, route=route).text  # type: ignore[arg-type]
        else:
            body = build_request(model="local-chat", input=PROMPT, stream=True)
            for delta in client.stream(body, route=route):  # type: ignore[arg-type]
                _note(delta, out)
    except errors.OVHError as e:
        out.error = e
    out.seconds = time.monotonic() - started
    return out


def _note(delta: object, out: Outcome) -> None:
    if isinstance(delta, TextDelta):
        out.streamed.append(delta.text)
    elif isinstance(delta, Done):
        out.text = delta.result.text


def sent(endpoint: LocalEndpoint, route: str) -> int:
    """How many requests reached ``route``."""
    return len(endpoint.requests_to(ROUTES[route]))


def assert_whole_answer_once(out: Outcome, style: str) -> None:
    assert out.error is None, f"expected success, got {out.error!r}"
    assert out.text == ANSWER
    if style in STREAMING:
        assert "".join(out.streamed) == ANSWER, "every piece delivered exactly once"
