"""Reading a ``POST /v1/responses`` body: OVH's rules, then the neutral :class:`Ask`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.brain.conversation import Call, OutputKind, ToolSpec, Turn
from ovh_responses.testing.protocol import ask
from ovh_responses.testing.protocol.failures import bad_request
from ovh_responses.testing.protocol.rules import (
    check_image_url,
    check_sampling,
    find_model,
    output_budget,
)
from ovh_responses.testing.protocol.worded import check_worded_images

if TYPE_CHECKING:
    from ovh_responses.testing.brain.conversation import Ask
    from ovh_responses.testing.protocol.models import ModelSpec

_TEXT_PARTS = frozenset({"input_text", "output_text", "text", "refusal", "summary_text"})


@dataclass(frozen=True, slots=True)
class ResponsesRequest:
    """``max_output_tokens`` is the budget granted (vLLM's: at most the room the prompt leaves)."""

    spec: ModelSpec
    ask: Ask
    stream: bool
    max_output_tokens: int
    input_tokens: int
    body: dict[str, Any]
    cached_tokens: int = 0


def read_responses_request(body: dict[str, Any], index: dict[str, ModelSpec]) -> ResponsesRequest:
    spec = find_model(index, body, "responses")
    _check_platform_rules(body)
    check_worded_images(spec, body.get("input"))
    max_tokens = check_sampling(body, "max_output_tokens")
    parts = ask.Parts(
        turns=_turns(body, spec),
        tools=ask.read_tools(body.get("tools"), _tool),
        tool_choice=_tool_choice(body.get("tool_choice")),
        output=_text_format(body.get("text")),
        effort=_effort(body.get("reasoning")),
    )
    checked = ask.checked_ask(body, spec, parts, "responses")
    budget = output_budget(spec, checked.input_tokens, max_tokens)
    return ResponsesRequest(spec, checked.ask, checked.stream, budget, checked.input_tokens, body)


def _check_platform_rules(body: dict[str, Any]) -> None:
    if body.get("store") is True:
        raise bad_request(
            "`store=True` is not supported: responses are not stored. Send store=false.", "store"
        )
    if body.get("previous_response_id") is not None:
        raise bad_request(
            "previous_response_id is not supported (responses are not stored); send the whole "
            "conversation in `input`.",
            "previous_response_id",
        )
    if body.get("background") is True:
        raise bad_request(
            "background mode needs stored responses; it is not supported.", "background"
        )
    if body.get("conversation") is not None:
        raise bad_request(
            "conversation is not supported; send the history in `input`.", "conversation"
        )


def _turns(body: dict[str, Any], spec: ModelSpec) -> list[Turn]:
    turns: list[Turn] = []
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        turns.append(Turn("system", instructions))
    raw = body.get("input")
    if isinstance(raw, str):
        turns.append(Turn("user", raw))
    elif isinstance(raw, list):
        turns.extend(_item(item, spec) for item in raw)
    else:
        raise bad_request("Field required: input (a string or a list of items).", "input")
    if not turns:
        raise bad_request(
            "Cannot apply chat template to an empty conversation. Provide at least one message."
        )
    return [t for t in turns if t.role != "assistant" or t.text or t.calls]


def _item(item: object, spec: ModelSpec) -> Turn:
    if not isinstance(item, dict):
        raise bad_request("Each input item must be an object.", "input")
    kind = item.get("type", "message")
    if kind == "message" or (kind is None and "role" in item):
        return _message(item, spec)
    if kind == "function_call":
        call = Call(
            str(item.get("name", "")), str(item.get("arguments", "")), str(item.get("call_id", ""))
        )
        return Turn("assistant", calls=[call])
    if kind == "function_call_output":
        return Turn("tool", _output_text(item.get("output")), call_id=str(item.get("call_id", "")))
    if kind == "reasoning":
        return Turn("assistant")
    if kind == "item_reference":
        raise bad_request("item_reference needs stored items; it is not supported.", "input")
    raise bad_request(f"Input items of type '{kind}' are not supported.", "input")


def _message(item: dict[str, Any], spec: ModelSpec) -> Turn:
    role = ask.ROLES.get(str(item.get("role")))
    if role is None:
        raise bad_request(f"Unknown message role {item.get('role')!r}.", "input")
    content = item.get("content")
    if role == "tool":
        call_id = item.get("tool_call_id") or item.get("call_id")
        return Turn("tool", _output_text(content), call_id=str(call_id or ""))
    if isinstance(content, str):
        return Turn(role, content)
    if not isinstance(content, list):
        raise bad_request("Message content must be a string or a list of parts.", "input")
    texts: list[str] = []
    images = 0
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in _TEXT_PARTS and isinstance(part, dict):
            texts.append(str(part.get("text") or part.get("refusal") or ""))
        elif kind == "input_image" and isinstance(part, dict):
            check_image_url(part.get("image_url"), spec)
            images += 1
        else:
            raise bad_request(f"Content parts of type {kind!r} are not supported.", "input")
    return Turn(role, "\n".join(t for t in texts if t), images=images)


def _output_text(output: object) -> str:
    if isinstance(output, str):
        return output
    if isinstance(output, list):
        return "\n".join(
            str(p.get("text", "")) for p in output if isinstance(p, dict) and p.get("text")
        )
    return json.dumps(output)


def _tool(tool: object) -> ToolSpec:
    kind = tool.get("type") if isinstance(tool, dict) else None
    if kind != "function" or not isinstance(tool, dict):
        raise bad_request(f"Only function tools are supported; tool type {kind!r} is not.", "tools")
    name = tool.get("name")
    if not isinstance(name, str) or not name:
        raise bad_request("A function tool needs a top-level `name` (flat shape).", "tools")
    return ask.tool_spec(name, tool)


def _tool_choice(raw: object) -> tuple[ask.Choice, str | None]:
    named = raw.get("name") if isinstance(raw, dict) and raw.get("type") == "function" else None
    return ask.read_tool_choice(raw, named)


def _text_format(raw: object) -> tuple[OutputKind, dict[str, Any] | None]:
    if raw is None:
        return "text", None
    fmt = raw.get("format") if isinstance(raw, dict) else None
    kind = fmt.get("type", "text") if isinstance(fmt, dict) else "text"
    if kind == "json_object":
        return "json_object", None
    if kind == "json_schema" and isinstance(fmt, dict):
        schema = fmt.get("schema")
        if not isinstance(schema, dict):
            raise bad_request("text.format json_schema needs a `schema` object.", "text")
        return "json_schema", schema
    if kind != "text":
        raise bad_request(f"text.format type {kind!r} is not supported.", "text")
    return "text", None


def _effort(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("reasoning must be an object.", "reasoning")
    effort = raw.get("effort")
    return effort if isinstance(effort, str) else None
