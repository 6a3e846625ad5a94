"""Recorded real traffic of ``/v1/responses``, loaded as the openai SDK hands it to callers.

- ``openai/*.yaml``: vcrpy cassettes of OpenAI (and one OpenRouter) traffic. JSON bodies are under
  ``parsed_body``, streamed ones are raw SSE text under ``body.string``.
- ``vllm/*.json`` and ``vllm/*.sse``: bodies captured from vLLM's ``/v1/responses``.

Two ways to turn bytes into SDK objects:

- :func:`validated_events` / :func:`validated_response` validate against the SDK's types
  (``TypeAdapter(ResponseStreamEvent)``, ``Response.model_validate``). The vLLM captures pass;
  the older OpenAI recordings do not, because they predate fields the SDK now requires
  (``sequence_number``, ``cache_write_tokens``).
- :func:`sdk_events` / :func:`sdk_response` replay the recorded bytes through a real openai client
  (over an in-memory transport), which is what the library receives at run time: the client
  builds its objects without validating them, so those old recordings load too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx2
import openai
import yaml
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

RECORDINGS = Path(
    os.environ.get(
        "OVH_RESPONSES_RECORDINGS", Path(__file__).resolve().parent.parent / "recordings"
    )
)

OPENAI_STREAMS = (
    "openai_responses_stream",
    "openai_responses_streaming_usage",
    "openai_responses_raw_cot_stream_openrouter",
)
OPENAI_JSON = ("openai_responses_model_simple_response_with_tool_call", "native_output")
OPENAI_ERRORS = ("openai_responses_model_http_error",)
VLLM_STREAMS = ("vllm_stream", "vllm_stream_tool")
VLLM_JSON = ("vllm_plain",)
VLLM_REFUSALS = (
    "vllm_refusal_system_role",
    "vllm_refusal_auto_tool_choice",
    "vllm_refusal_image",
)
"""``{"route", "request", "status", "response"}``: a request vLLM refused, and its answer."""


def all_recording_files() -> list[Path]:
    return sorted(p for p in RECORDINGS.rglob("*") if p.suffix in {".yaml", ".json", ".sse"})


# ----- raw ------------------------------------------------------------------------------------


def cassette(name: str) -> list[dict[str, Any]]:
    """The interactions of ``openai/<name>.yaml``."""
    data = yaml.safe_load((RECORDINGS / "openai" / f"{name}.yaml").read_text())
    interactions: list[dict[str, Any]] = data["interactions"]
    return interactions


def vllm_refusal(name: str) -> dict[str, Any]:
    """The recorded exchange ``vllm/<name>.json`` (one of :data:`VLLM_REFUSALS`)."""
    exchange: dict[str, Any] = json.loads((RECORDINGS / "vllm" / f"{name}.json").read_text())
    return exchange


def vllm_text(name: str) -> str:
    """The raw body of ``vllm/<name>.json`` or ``vllm/<name>.sse``."""
    suffix = ".json" if name in VLLM_JSON else ".sse"
    return (RECORDINGS / "vllm" / f"{name}{suffix}").read_text()


def cassette_streams(name: str) -> list[str]:
    """The SSE text of each streamed answer in a cassette, in order."""
    return [i["response"]["body"]["string"] for i in cassette(name)]


def cassette_bodies(name: str) -> list[dict[str, Any]]:
    """The JSON body of each answer in a cassette, in order."""
    return [i["response"]["parsed_body"] for i in cassette(name)]


def http_error(name: str = "openai_responses_model_http_error") -> tuple[int, dict[str, Any]]:
    """Status code and JSON body of a recorded error answer."""
    response = cassette(name)[0]["response"]
    return response["status"]["code"], response["parsed_body"]


def sse_payloads(text: str) -> list[dict[str, Any]]:
    """The JSON ``data:`` payloads of an SSE text; comments and ``[DONE]`` are skipped."""
    payloads = []
    for block in text.split("\n\n"):
        data = "\n".join(
            line[len("data:") :].strip() for line in block.splitlines() if line.startswith("data:")
        )
        if data and data != "[DONE]":
            payloads.append(json.loads(data))
    return payloads


# ----- as SDK objects ---------------------------------------------------------------------------

_EVENTS: TypeAdapter[ResponseStreamEvent] = TypeAdapter(ResponseStreamEvent)


def validated_events(text: str) -> list[ResponseStreamEvent]:
    return [_EVENTS.validate_python(p) for p in sse_payloads(text)]


def validated_response(body: str | dict[str, Any]) -> Response:
    return Response.model_validate(json.loads(body) if isinstance(body, str) else body)


def _replaying_client(body: bytes, content_type: str) -> openai.OpenAI:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": content_type})

    return openai.OpenAI(
        api_key="recorded",
        base_url="http://recorded.invalid/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )


def sdk_events(text: str) -> list[ResponseStreamEvent]:
    """The events an openai client yields when a server sends ``text`` as its SSE stream."""
    with _replaying_client(text.encode(), "text/event-stream") as client:
        stream = client.responses.create(model="recorded", input="recorded", stream=True)
        return list(stream)


def wire_events(text: str) -> list[dict[str, Any]]:
    """The events the library reads when a server sends ``text`` as its SSE stream: the
    client's own SSE decoder, each event left as plain JSON."""
    with _replaying_client(text.encode(), "text/event-stream") as client:
        body = {"model": "recorded", "input": "recorded", "stream": True}
        stream = client.post(
            "/responses",
            body=body,
            cast_to=object,
            stream=True,
            stream_cls=openai.Stream[object],
        )
        return [event for event in stream if isinstance(event, dict)]


def sdk_response(body: str | dict[str, Any]) -> Response:
    """The ``Response`` an openai client returns when a server answers with ``body``."""
    raw = body if isinstance(body, str) else json.dumps(body)
    with _replaying_client(raw.encode(), "application/json") as client:
        return client.responses.create(model="recorded", input="recorded")
