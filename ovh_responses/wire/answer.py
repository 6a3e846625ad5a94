"""A finished ``Response`` -> a neutral :class:`~ovh_responses.types.Result`.

This is the only parser of responses: the plain call uses it, and so does the end of a stream.
Each output item type has one small function; item types this library never asks for (built-in
tool calls and the like) are skipped rather than guessed at.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ovh_responses.errors import APIError
from ovh_responses.types import FunctionCall, Reasoning, Result, Usage

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from openai.types.responses import (
        Response,
        ResponseFunctionToolCall,
        ResponseOutputItem,
        ResponseOutputMessage,
        ResponseReasoningItem,
        ResponseUsage,
    )
    from pydantic import TypeAdapter

__all__ = [
    "parse_arguments",
    "parse_response",
    "parse_response_json",
    "parse_usage",
    "response_from_json",
]


@dataclass
class _Parts:
    """What the item parsers collect, in output order."""

    texts: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    reasoning: list[Reasoning] = field(default_factory=list)
    calls: list[FunctionCall] = field(default_factory=list)


def parse_response(response: Response) -> Result:
    """Reduce a finished response to text, reasoning, function calls, refusal and usage. A
    response whose status is ``failed`` raises :class:`~ovh_responses.errors.APIError`."""
    if response.status == "failed":
        raise _failed(response)
    parts = _Parts()
    for item in response.output:
        parser = _ITEM_PARSERS.get(item.type)
        if parser is not None:
            parser(item, parts)
    details = response.incomplete_details
    return Result(
        id=response.id,
        model=response.model,
        status=response.status or "completed",
        text="".join(parts.texts),
        reasoning=parts.reasoning,
        function_calls=parts.calls,
        refusal="".join(parts.refusals) if parts.refusals else None,
        usage=parse_usage(response.usage),
        incomplete_reason=details.reason if details is not None else None,
        output=list(response.output),
        response=response,
    )


def parse_response_json(data: Mapping[str, Any]) -> Result:
    """:func:`parse_response` of a response received as plain JSON."""
    return parse_response(response_from_json(data))


def response_from_json(data: Mapping[str, Any]) -> Response:
    """The SDK's ``Response`` for a JSON answer, built once per answer.

    Validation is the fast path (pydantic-core). The SDK's output-item union carries no
    discriminator pydantic reads, so validating it whole tries every member for every item
    (about four fifths of the cost of a one-message answer); each item is validated instead
    with the model its ``type`` names. An answer the SDK's types call invalid (an older or
    looser server leaving out a field they require) is built without validation, as the SDK
    itself builds its answers, rather than refused.
    """
    from openai.types.responses import Response
    from pydantic import ValidationError

    try:
        response = Response.model_validate({**data, "output": []})
        response.output = [_output_item(item) for item in data.get("output") or []]
    except ValidationError:
        return Response.model_construct(**data)
    return response


def _output_item(item: Any) -> ResponseOutputItem:
    """One output item, validated with the model its ``type`` names (the whole union when the
    type is not one this library reads)."""
    kind = item.get("type") if isinstance(item, dict) else None
    model = _item_models().get(kind) if isinstance(kind, str) else None
    if model is None:
        return _item_union().validate_python(item)
    return model.model_validate(item)


@functools.cache
def _item_models() -> dict[str, type[ResponseOutputItem]]:
    from openai.types.responses import (
        ResponseFunctionToolCall,
        ResponseOutputMessage,
        ResponseReasoningItem,
    )

    return {
        "message": ResponseOutputMessage,
        "reasoning": ResponseReasoningItem,
        "function_call": ResponseFunctionToolCall,
    }


@functools.cache
def _item_union() -> TypeAdapter[ResponseOutputItem]:
    from openai.types.responses import ResponseOutputItem
    from pydantic import TypeAdapter

    return TypeAdapter(ResponseOutputItem)


def parse_arguments(arguments: str) -> tuple[dict[str, Any] | None, str | None]:
    """Parse a function call's raw arguments: ``(object, None)`` or ``(None, why not)``.

    Empty arguments mean a call without parameters and parse to ``{}``.
    """
    if not arguments.strip():
        return {}, None
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError as e:
        return None, f"arguments are not valid JSON ({e})"
    if not isinstance(value, dict):
        return None, f"arguments must be a JSON object, got {type(value).__name__}"
    return value, None


def _failed(response: Response) -> APIError:
    said = response.error.message if response.error is not None else "no reason given"
    return APIError(
        f"The response failed on the platform ({said}); nothing usable was produced. Retry the "
        "request.",
        code=response.error.code if response.error is not None else None,
    )


def parse_usage(usage: ResponseUsage | None) -> Usage | None:
    """Token counts; missing or null detail blocks (vLLM sends some as null) count as 0."""
    if usage is None:
        return None
    inputs = _count(usage.input_tokens)
    outputs = _count(usage.output_tokens)
    input_details = usage.input_tokens_details
    output_details = usage.output_tokens_details
    return Usage(
        input_tokens=inputs,
        output_tokens=outputs,
        total_tokens=_count(usage.total_tokens) or inputs + outputs,
        cached_tokens=_count(input_details.cached_tokens) if input_details is not None else 0,
        reasoning_tokens=(
            _count(output_details.reasoning_tokens) if output_details is not None else 0
        ),
    )


def _count(value: int | None) -> int:
    return value if value is not None else 0


def _message(item: ResponseOutputMessage, parts: _Parts) -> None:
    for part in item.content:
        if part.type == "output_text":
            parts.texts.append(part.text)
        elif part.type == "refusal":
            parts.refusals.append(part.refusal)


def _reasoning(item: ResponseReasoningItem, parts: _Parts) -> None:
    content = item.content or []
    parts.reasoning.append(
        Reasoning(
            text="".join(c.text for c in content if c.type == "reasoning_text"),
            summary="\n\n".join(s.text for s in item.summary or []),
            item_id=item.id,
            encrypted_content=item.encrypted_content,
        )
    )


def _function_call(item: ResponseFunctionToolCall, parts: _Parts) -> None:
    parsed, error = parse_arguments(item.arguments)
    parts.calls.append(
        FunctionCall(
            call_id=item.call_id,
            name=item.name,
            arguments=item.arguments,
            parsed_arguments=parsed,
            error=error,
            item_id=item.id,
        )
    )


_ITEM_PARSERS: dict[str, Callable[[Any, _Parts], None]] = {
    "message": _message,
    "reasoning": _reasoning,
    "function_call": _function_call,
}
