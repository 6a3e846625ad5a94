"""Routing: a parsed request in, an answer (JSON or a stream of events) out. No sockets here."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.brain.render import render
from ovh_responses.testing.brain.think import keep_think_whitespace, think
from ovh_responses.testing.protocol.cache import PromptCache
from ovh_responses.testing.protocol.chat import completion_body, completion_chunks
from ovh_responses.testing.protocol.chat_request import read_chat_request
from ovh_responses.testing.protocol.embeddings import embeddings_body
from ovh_responses.testing.protocol.events import (
    ResponseMeta,
    Style,
    failed_body,
    final_body,
    stream_events,
)
from ovh_responses.testing.protocol.failures import EndpointError, bad_request
from ovh_responses.testing.protocol.responses_request import read_responses_request
from ovh_responses.testing.protocol.rules import prompt_tokens

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ovh_responses.testing.brain.conversation import Ask
    from ovh_responses.testing.brain.think import Reply
    from ovh_responses.testing.protocol.models import ModelSpec

_CREATED = int(time.time())


@dataclass(frozen=True, slots=True)
class JsonAnswer:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StreamAnswer:
    """SSE events; ``named`` streams (``/v1/responses``) carry ``event:`` lines and sequence
    numbers, the others end with ``data: [DONE]``. ``failed`` is the ``response.failed`` event
    to send if a fault asks for one."""

    events: Iterator[dict[str, Any]]
    named: bool
    failed: dict[str, Any] | None = None


Answer = JsonAnswer | StreamAnswer


@dataclass(frozen=True, slots=True)
class Router:
    index: dict[str, ModelSpec]
    models: tuple[ModelSpec, ...]
    style: Style = "vllm"
    cache: PromptCache = field(default_factory=PromptCache)

    def handle(self, method: str, path: str, body: Any, fail: str | None = None) -> Answer:
        """Answer one request; ``fail`` (a message) makes ``/v1/responses`` fail."""
        if method == "GET" and path == "/health":
            return JsonAnswer({})
        if method == "GET" and path == "/v1/models":
            return JsonAnswer({"object": "list", "data": [self._model(m) for m in self.models]})
        if method == "GET" and path.startswith("/v1/models/"):
            return JsonAnswer(self._model(self._spec(path.removeprefix("/v1/models/"))))
        posts = {
            "/v1/responses": self._responses,
            "/v1/chat/completions": self._chat,
            "/v1/embeddings": self._embeddings,
        }
        if path not in posts:
            return JsonAnswer({"detail": "Not Found"}, 404)
        if method != "POST":
            return JsonAnswer({"detail": "Method Not Allowed"}, 405)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        return posts[path](body, fail)

    def _spec(self, name: str) -> ModelSpec:
        spec = self.index.get(name)
        if spec is None:
            raise EndpointError(404, f"The model `{name}` does not exist.", param="model")
        return spec

    def _model(self, spec: ModelSpec) -> dict[str, Any]:
        return {
            "id": spec.id,
            "object": "model",
            "created": _CREATED,
            "owned_by": spec.owned_by,
            "root": spec.id,
            "parent": None,
            "max_model_len": spec.context,
            "permission": [],
        }

    def _responses(self, body: dict[str, Any], fail: str | None) -> Answer:
        request = read_responses_request(body, self.index)
        cached = self.cache.lookup(request.spec.id, prompt_tokens(request.ask))
        request = replace(request, cached_tokens=cached)
        meta = ResponseMeta.new(request)
        reply = _reply(request.spec, request.ask)
        rendered = render(reply, request.max_output_tokens)
        failed = {"type": "response.failed", "response": failed_body(meta, fail or "")}
        if request.stream:
            return StreamAnswer(stream_events(meta, rendered, self.style), True, failed)
        if fail is not None:
            return JsonAnswer(failed["response"])
        return JsonAnswer(final_body(meta, rendered, self.style))

    def _chat(self, body: dict[str, Any], fail: str | None) -> Answer:
        request = read_chat_request(body, self.index)
        cached = self.cache.lookup(request.spec.id, prompt_tokens(request.ask))
        request = replace(request, cached_tokens=cached)
        reply = _reply(request.spec, request.ask)
        rendered = render(reply, request.max_tokens)
        if request.stream:
            return StreamAnswer(completion_chunks(request, rendered), False)
        if fail is not None:
            raise EndpointError(500, fail)
        return JsonAnswer(completion_body(request, rendered))

    def _embeddings(self, body: dict[str, Any], fail: str | None) -> Answer:
        if fail is not None:
            raise EndpointError(500, fail)
        return JsonAnswer(embeddings_body(body, self.index))


def _reply(spec: ModelSpec, ask: Ask) -> Reply:
    reply = think(ask, single_call=not spec.parallel_tool_calls)
    return keep_think_whitespace(reply, ask) if spec.qwen3_parser else reply
