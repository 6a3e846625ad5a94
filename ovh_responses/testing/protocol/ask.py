"""What reading a body shares between ``/v1/responses`` and ``/v1/chat/completions``: message
roles, ``tool_choice``, and the neutral :class:`Ask` checked against the platform's and the
model's rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ovh_responses.testing.brain.conversation import Ask, OutputKind, Role, ToolSpec, Turn
from ovh_responses.testing.protocol.failures import bad_request
from ovh_responses.testing.protocol.rules import (
    check_logprobs,
    check_model_rules,
    check_parallel_tool_calls,
    check_tool_choice,
    input_tokens,
)
from ovh_responses.testing.protocol.worded import check_worded_rules

if TYPE_CHECKING:
    from collections.abc import Callable

    from ovh_responses.testing.protocol.models import ModelSpec, ServedPath

ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
}
"""The message roles both routes accept (a route may add its own)."""

Choice = Literal["auto", "none", "required"]
_PLAIN_CHOICES: dict[str, Choice] = {"auto": "auto", "none": "none", "required": "required"}


def read_tool_choice(raw: object, named: object) -> tuple[Choice, str | None]:
    """``tool_choice`` and the tool it forces: ``auto`` when absent, the three plain choices as
    they are, and ``named`` (the function name the route's shape carries) as a forced call."""
    if raw is None:
        return "auto", None
    if isinstance(raw, str) and raw in _PLAIN_CHOICES:
        return _PLAIN_CHOICES[raw], None
    if isinstance(named, str):
        return "required", named
    raise bad_request(f"tool_choice {raw!r} is not supported.", "tool_choice")


def read_tools(raw: object, read_tool: Callable[[object], ToolSpec]) -> list[ToolSpec]:
    """``tools``: absent is none; otherwise a list, each read by the route's ``read_tool``."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("tools must be a list.", "tools")
    return [read_tool(tool) for tool in raw]


def tool_spec(name: str, fields: dict[str, Any]) -> ToolSpec:
    """A function tool named ``name``, with the description and parameters ``fields`` give."""
    params = fields.get("parameters")
    return ToolSpec(
        name, str(fields.get("description") or ""), params if isinstance(params, dict) else {}
    )


@dataclass(frozen=True, slots=True)
class Parts:
    """What a route's body asks, read into neutral terms."""

    turns: list[Turn]
    tools: list[ToolSpec]
    tool_choice: tuple[Choice, str | None]
    output: tuple[OutputKind, dict[str, Any] | None]
    effort: str | None


@dataclass(frozen=True, slots=True)
class Checked:
    """The :class:`Ask` every rule accepted, whether it streams, and its prompt's tokens."""

    ask: Ask
    stream: bool
    input_tokens: int


def checked_ask(body: dict[str, Any], spec: ModelSpec, parts: Parts, path: ServedPath) -> Checked:
    """The :class:`Ask` of ``parts``, or the 400 of the first rule of the platform or of the
    model it breaks."""
    parallel = body.get("parallel_tool_calls")
    ask = Ask(
        turns=parts.turns,
        tools=parts.tools,
        tool_choice=parts.tool_choice[0],
        forced_tool=parts.tool_choice[1],
        parallel_tool_calls=parallel is not False,
        output=parts.output[0],
        schema=parts.output[1],
        reasoning=spec.reasoning != "none",
        effort=parts.effort,
    )
    stream = body.get("stream") is True
    has_system = any(t.role == "system" for t in parts.turns)
    check_tool_choice(ask)
    check_worded_rules(spec, ask, stream=stream, has_system=has_system, parallel=parallel)
    check_model_rules(spec, ask, stream=stream, has_system=has_system, route=path)
    check_parallel_tool_calls(spec, ask, parallel)
    check_logprobs(spec, body, path)
    return Checked(ask, stream, input_tokens(ask))
