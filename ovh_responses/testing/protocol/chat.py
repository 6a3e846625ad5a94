"""``/v1/chat/completions`` bodies and stream chunks (vLLM's shapes, reasoning in
``reasoning_content``)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.brain.render import Part, Rendered, new_id

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ovh_responses.testing.protocol.chat_request import ChatRequest


_DELTA_KEYS = {"reasoning": "reasoning_content", "refusal": "refusal", "message": "content"}


def _finish_reason(rendered: Rendered) -> str:
    if rendered.truncated:
        return "length"
    if any(p.kind == "function_call" for p in rendered.parts):
        return "tool_calls"
    return "stop"


def _usage(request: ChatRequest, rendered: Rendered) -> dict[str, Any]:
    return {
        "prompt_tokens": request.input_tokens,
        "completion_tokens": rendered.output_tokens,
        "total_tokens": request.input_tokens + rendered.output_tokens,
        "prompt_tokens_details": {"cached_tokens": request.cached_tokens},
        "completion_tokens_details": {"reasoning_tokens": rendered.reasoning_tokens},
    }


def _tool_call(part: Part) -> dict[str, Any]:
    return {
        "id": part.call_id,
        "type": "function",
        "function": {"name": part.name, "arguments": part.text},
    }


def completion_body(request: ChatRequest, rendered: Rendered) -> dict[str, Any]:
    reasoning = "".join(p.text for p in rendered.parts if p.kind == "reasoning") or None
    calls = [_tool_call(p) for p in rendered.parts if p.kind == "function_call"]
    has_message = any(p.kind == "message" for p in rendered.parts)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": rendered.text if has_message else None,
        "reasoning_content": reasoning,
        "tool_calls": calls,
    }
    if rendered.refusal is not None:
        message["refusal"] = rendered.refusal
    return {
        "id": new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.spec.id,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": _finish_reason(rendered),
                "logprobs": None,
            }
        ],
        "usage": _usage(request, rendered),
    }


def completion_chunks(request: ChatRequest, rendered: Rendered) -> Iterator[dict[str, Any]]:
    """Every chunk of the streamed answer; the writer adds the final ``[DONE]``."""
    head = {
        "id": new_id("chatcmpl-"),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.spec.id,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return {**head, "choices": [choice]}

    yield chunk({"role": "assistant", "content": ""})
    call_index = 0
    for part in rendered.parts:
        if part.kind == "function_call":
            start = {**_tool_call(part), "index": call_index}
            start["function"] = {"name": part.name, "arguments": ""}
            yield chunk({"tool_calls": [start]})
            for piece in part.chunks:
                yield chunk(
                    {"tool_calls": [{"index": call_index, "function": {"arguments": piece}}]}
                )
            call_index += 1
            continue
        key = _DELTA_KEYS[part.kind]
        for piece in part.chunks:
            if piece:
                yield chunk({key: piece})
    yield chunk({}, _finish_reason(rendered))
    if request.include_usage:
        yield {**head, "choices": [], "usage": _usage(request, rendered)}
