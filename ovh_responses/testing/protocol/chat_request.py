"""Reading a ``POST /v1/chat/completions`` body into the neutral :class:`Ask`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.brain.conversation import Ask, Call, OutputKind, Role, ToolSpec, Turn
from ovh_responses.testing.protocol import ask
from ovh_responses.testing.protocol.failures import bad_request
from ovh_responses.testing.protocol.rules import (
    check_context,
    check_image_url,
    check_sampling,
    find_model,
)
from ovh_responses.testing.protocol.worded import check_worded_images

if TYPE_CHECKING:
    from ovh_responses.testing.protocol.models import ModelSpec

_ROLES: dict[str, Role] = {**ask.ROLES, "function": "tool"}


@dataclass(frozen=True, slots=True)
class ChatRequest:
    spec: ModelSpec
    ask: Ask
    stream: bool
    include_usage: bool
    max_tokens: int | None
    input_tokens: int
    cached_tokens: int = 0


def read_chat_request(body: dict[str, Any], index: dict[str, ModelSpec]) -> ChatRequest:
    spec = find_model(index, body, "chat")
    max_tokens = check_sampling(body, "max_completion_tokens")
    if max_tokens is None:
        max_tokens = check_sampling(body, "max_tokens")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("Field required: messages (a non-empty list).", "messages")
    check_worded_images(spec, messages)
    effort = body.get("reasoning_effort")
    parts = ask.Parts(
        turns=[_turn(m, spec) for m in messages],
        tool_choice=_tool_choice(body.get("tool_choice")),
        output=_response_format(body.get("response_format")),
        effort=effort if isinstance(effort, str) else None,
        tools=ask.read_tools(body.get("tools"), _tool),
    )
    checked = ask.checked_ask(body, spec, parts, "chat")
    check_context(spec, checked.input_tokens, max_tokens)
    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True
    return ChatRequest(
        spec, checked.ask, checked.stream, include_usage, max_tokens, checked.input_tokens
    )


def _turn(message: object, spec: ModelSpec) -> Turn:
    if not isinstance(message, dict):
        raise bad_request("Each message must be an object.", "messages")
    role = _ROLES.get(str(message.get("role")))
    if role is None:
        raise bad_request(f"Unknown message role {message.get('role')!r}.", "messages")
    text, images = _content(message.get("content"), spec)
    calls = [
        Call(
            str(c["function"].get("name", "")),
            str(c["function"].get("arguments", "")),
            str(c.get("id", "")),
        )
        for c in message.get("tool_calls") or []
        if isinstance(c, dict) and isinstance(c.get("function"), dict)
    ]
    call_id = message.get("tool_call_id")
    name = message.get("name") if role == "tool" else None
    return Turn(
        role,
        text,
        images=images,
        calls=calls,
        call_id=str(call_id) if call_id is not None else None,
        tool_name=name if isinstance(name, str) else None,
    )


def _content(content: object, spec: ModelSpec) -> tuple[str, int]:
    if content is None or isinstance(content, str):
        return content or "", 0
    if not isinstance(content, list):
        raise bad_request("Message content must be a string or a list of parts.", "messages")
    texts: list[str] = []
    images = 0
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part, dict):
            texts.append(str(part.get("text", "")))
        elif kind == "image_url" and isinstance(part, dict):
            url = part.get("image_url")
            check_image_url(url.get("url") if isinstance(url, dict) else url, spec)
            images += 1
        else:
            raise bad_request(f"Content parts of type {kind!r} are not supported.", "messages")
    return "\n".join(texts), images


def _tool(tool: object) -> ToolSpec:
    fn = tool.get("function") if isinstance(tool, dict) else None
    if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(fn, dict):
        raise bad_request("Only function tools are supported.", "tools")
    return ask.tool_spec(str(fn.get("name", "")), fn)


def _tool_choice(raw: object) -> tuple[ask.Choice, str | None]:
    fn = raw.get("function") if isinstance(raw, dict) else None
    return ask.read_tool_choice(raw, fn.get("name") if isinstance(fn, dict) else None)


def _response_format(raw: object) -> tuple[OutputKind, dict[str, Any] | None]:
    kind = raw.get("type", "text") if isinstance(raw, dict) else "text"
    if kind == "json_object":
        return "json_object", None
    if kind == "json_schema" and isinstance(raw, dict):
        spec = raw.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise bad_request(
                "response_format json_schema needs json_schema.schema.", "response_format"
            )
        return "json_schema", schema
    return "text", None
