"""Real openai SDK objects for the LangChain converter tests, built from wire-shaped JSON."""

from __future__ import annotations

from typing import Any

from openai.types.responses import Response

from ovh_responses.types import Result
from ovh_responses.wire.answer import parse_response


def reasoning_item(item_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "reasoning",
        "id": item_id,
        "summary": [],
        "content": [{"type": "reasoning_text", "text": text}],
    }


def message_item(item_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def refusal_item(item_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "refusal", "refusal": text}],
    }


def call_item(item_id: str, call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": item_id,
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": "completed",
    }


def response(
    output: list[dict[str, Any]],
    *,
    status: str = "completed",
    incomplete: str | None = None,
    cached: int = 0,
    reasoning_tokens: int = 0,
    model: str = "gpt-oss-120b",
) -> Response:
    return Response.model_validate(
        {
            "id": "resp_0123456789abcdef",
            "object": "response",
            "created_at": 1_760_000_000,
            "model": model,
            "status": status,
            "incomplete_details": {"reason": incomplete} if incomplete else None,
            "output": output,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "usage": {
                "input_tokens": 21,
                "output_tokens": 9,
                "total_tokens": 30,
                "input_tokens_details": {"cached_tokens": cached, "cache_write_tokens": 0},
                "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
            },
        }
    )


def result(output: list[dict[str, Any]], **kwargs: Any) -> Result:
    return parse_response(response(output, **kwargs))
