"""Reading a ``POST /v1/chat/completions`` body into the neutral :class:`Ask`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.brain.conversation import Ask, Call, OutputKind, Role, ToolSpec, Turn
from ovh_responses.testing.protocol.failures import bad_request
from ovh_responses.testing.protocol.rules import (
    check_context,
    check_image_url,
    check_logprobs,
    check_model_rules,
    check_parallel_tool_calls,
    check_sampling,
    check_tool_choice,
    find_model,
    input_tokens,
)
from ovh_responses.testing.protocol.worded import check_worded_images, check_worded_rules

if TYPE_CHECKING:
    from ovh_responses.testing.protocol.models import ModelSpec

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "function": "tool",
}


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
    turns = [_turn(m, spec) for m in messages]
    choice, forced = _tool_choice(body.get("tool_choice"))
    output, schema = _response_format(body.get("response_format"))
    effort = body.get("reasoning_effort")
    ask = Ask(
        turns=turns,
        tools=_tools(body.get("tools")),
        tool_choice=choice,
        forced_tool=forced,
        parallel_tool_calls=body.get("parallel_tool_calls") is not False,
        output=output,
        schema=schema,
        reasoning=spec.reasoning != "none",
        effort=effort if isinstance(effort, str) else None,
    )
    stream = body.get("stream") is True
    check_tool_choice(ask)
    has_system = any(t.role == "system" for t in turns)
    parallel = body.get("parallel_tool_calls")
    check_worded_rules(spec, ask, stream=stream, has_system=has_system, parallel=parallel)
    check_model_rules(spec, ask, stream=stream, has_system=has_system, route="chat")
    check_parallel_tool_calls(spec, ask, body.get("parallel_tool_calls"))
    check_logprobs(spec, body, "chat")
    prompt_tokens = input_tokens(ask)
    check_context(spec, prompt_tokens, max_tokens)
    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True
    return ChatRequest(spec, ask, stream, include_usage, max_tokens, prompt_tokens)


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


def _tools(raw: object) -> list[ToolSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("tools must be a list.", "tools")
    tools: list[ToolSpec] = []
    for tool in raw:
        fn = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(fn, dict):
            raise bad_request("Only function tools are supported.", "tools")
        params = fn.get("parameters")
        tools.append(
            ToolSpec(
                str(fn.get("name", "")),
                str(fn.get("description") or ""),
                params if isinstance(params, dict) else {},
            )
        )
    return tools


def _tool_choice(raw: object) -> tuple[Any, str | None]:
    if raw is None:
        return "auto", None
    if raw in ("auto", "none", "required"):
        return raw, None
    fn = raw.get("function") if isinstance(raw, dict) else None
    if isinstance(fn, dict) and isinstance(fn.get("name"), str):
        return "required", fn["name"]
    raise bad_request(f"tool_choice {raw!r} is not supported.", "tool_choice")


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
