"""``/v1/responses`` bodies and SSE events, in the shapes of the openai SDK's types.

Event order follows OpenAI's: ``response.created``, ``response.in_progress``, then per output
item ``output_item.added`` / ``content_part.added`` / deltas / ``*.done`` / ``output_item.done``
(a refusal is a message whose content part is ``refusal``, streamed as ``response.refusal.*``),
then the terminal event. Truncation by ``max_output_tokens`` ends, vLLM's way, in
``response.completed`` whose response has ``status: "incomplete"`` (``style="openai"``:
``response.incomplete``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ovh_responses.testing.brain.render import Part, Rendered, new_id

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ovh_responses.testing.protocol.responses_request import ResponsesRequest

Style = Literal["vllm", "openai"]


@dataclass(frozen=True, slots=True)
class ResponseMeta:
    id: str
    created_at: int
    request: ResponsesRequest

    @classmethod
    def new(cls, request: ResponsesRequest) -> ResponseMeta:
        return cls(new_id("resp_"), int(time.time()), request)


def usage(input_tokens: int, rendered: Rendered, cached_tokens: int = 0) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": cached_tokens, "cache_write_tokens": 0},
        "output_tokens": rendered.output_tokens,
        "output_tokens_details": {"reasoning_tokens": rendered.reasoning_tokens},
        "total_tokens": input_tokens + rendered.output_tokens,
    }


def response_object(
    meta: ResponseMeta,
    *,
    status: str,
    output: list[dict[str, Any]],
    usage_value: dict[str, Any] | None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = meta.request.body
    reasoning = body.get("reasoning")
    return {
        "id": meta.id,
        "object": "response",
        "created_at": meta.created_at,
        "status": status,
        "model": meta.request.spec.id,
        "output": output,
        "error": error,
        "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
        "instructions": body.get("instructions"),
        "metadata": body.get("metadata"),
        "parallel_tool_calls": body.get("parallel_tool_calls", True) is not False,
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "tool_choice": body.get("tool_choice", "auto") if body.get("tools") else "none",
        "tools": body.get("tools") or [],
        "max_output_tokens": meta.request.max_output_tokens,
        "previous_response_id": None,
        "reasoning": {"effort": reasoning.get("effort"), "summary": None}
        if isinstance(reasoning, dict)
        else None,
        "text": body.get("text") or {"format": {"type": "text"}},
        "background": False,
        "service_tier": "auto",
        "truncation": "disabled",
        "store": False,
        "user": None,
        "usage": usage_value,
    }


def item(part: Part, *, done: bool, style: Style = "vllm", final: bool = False) -> dict[str, Any]:
    """The output item of ``part``: empty and in progress, or finished; ``final`` for the items
    of a whole response body, where vLLM leaves a reasoning item's status ``null``."""
    status: str | None = "completed" if done else "in_progress"
    if done and part.cut and style == "openai":
        status = "incomplete"
    if part.kind == "function_call":
        return {
            "id": part.id,
            "type": "function_call",
            "call_id": part.call_id,
            "name": part.name,
            "arguments": part.text if done else "",
            "status": status,
        }
    if part.kind == "reasoning":
        content = [{"type": "reasoning_text", "text": part.text}] if done else []
        return {
            "id": part.id,
            "type": "reasoning",
            "summary": [],
            "content": content,
            "encrypted_content": None,
            "status": None if final and style == "vllm" else status,
        }
    content = [_content_part(part, done=True)] if done else []
    return {
        "id": part.id,
        "type": "message",
        "role": "assistant",
        "status": status,
        "content": content,
    }


def _content_part(part: Part, *, done: bool) -> dict[str, Any]:
    text = part.text if done else ""
    if part.kind == "reasoning":
        return {"type": "reasoning_text", "text": text}
    if part.kind == "refusal":
        return {"type": "refusal", "refusal": text}
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


_PREFIX = {
    "reasoning": "response.reasoning_text",
    "refusal": "response.refusal",
    "message": "response.output_text",
}


def final_body(meta: ResponseMeta, rendered: Rendered, style: Style = "vllm") -> dict[str, Any]:
    return response_object(
        meta,
        status="incomplete" if rendered.truncated else "completed",
        output=[item(p, done=True, style=style, final=True) for p in rendered.parts],
        usage_value=usage(meta.request.input_tokens, rendered, meta.request.cached_tokens),
    )


def stream_events(
    meta: ResponseMeta, rendered: Rendered, style: Style = "vllm"
) -> Iterator[dict[str, Any]]:
    """Every SSE event of the answer, without ``sequence_number`` (the writer numbers them)."""
    start = response_object(meta, status="in_progress", output=[], usage_value=None)
    yield {"type": "response.created", "response": start}
    yield {"type": "response.in_progress", "response": start}
    for index, part in enumerate(rendered.parts):
        yield from _part_events(part, index, style)
    final = final_body(meta, rendered, style)
    kind = (
        "response.incomplete" if rendered.truncated and style == "openai" else "response.completed"
    )
    yield {"type": kind, "response": final}


def _part_events(part: Part, index: int, style: Style) -> Iterator[dict[str, Any]]:
    where = {"item_id": part.id, "output_index": index}
    yield {
        "type": "response.output_item.added",
        "output_index": index,
        "item": item(part, done=False),
    }
    if part.kind == "function_call":
        for chunk in part.chunks:
            yield {"type": "response.function_call_arguments.delta", **where, "delta": chunk}
        yield {
            "type": "response.function_call_arguments.done",
            **where,
            "name": part.name,
            "arguments": part.text,
        }
    else:
        prefix = _PREFIX[part.kind]
        extra: dict[str, Any] = {"logprobs": []} if part.kind == "message" else {}
        final_key = "refusal" if part.kind == "refusal" else "text"
        at = {**where, "content_index": 0}
        yield {"type": "response.content_part.added", **at, "part": _content_part(part, done=False)}
        for chunk in part.chunks:
            if chunk:
                yield {"type": f"{prefix}.delta", **at, "delta": chunk, **extra}
        yield {"type": f"{prefix}.done", **at, final_key: part.text, **extra}
        yield {"type": "response.content_part.done", **at, "part": _content_part(part, done=True)}
    yield {
        "type": "response.output_item.done",
        "output_index": index,
        "item": item(part, done=True, style=style),
    }


def failed_body(meta: ResponseMeta, message: str) -> dict[str, Any]:
    return response_object(
        meta,
        status="failed",
        output=[],
        usage_value=None,
        error={"code": "server_error", "message": message},
    )
