"""The neutral request the rule-based model answers, whichever route it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]
OutputKind = Literal["text", "json_schema", "json_object"]


@dataclass(frozen=True, slots=True)
class Call:
    """A function call the assistant made earlier in the conversation."""

    name: str
    arguments: str
    call_id: str


@dataclass(slots=True)
class Turn:
    """One message of the conversation; tool turns carry a function's output."""

    role: Role
    text: str = ""
    images: int = 0
    calls: list[Call] = field(default_factory=list)
    call_id: str | None = None
    tool_name: str | None = None


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ask:
    """Everything the model needs to answer one request."""

    turns: list[Turn]
    tools: list[ToolSpec] = field(default_factory=list)
    tool_choice: Literal["auto", "none", "required"] = "auto"
    forced_tool: str | None = None
    parallel_tool_calls: bool = True
    output: OutputKind = "text"
    schema: dict[str, Any] | None = None
    reasoning: bool = False
    effort: str | None = None

    def texts(self, *roles: Role) -> list[str]:
        return [t.text for t in self.turns if t.role in roles and t.text]

    @property
    def last_user_text(self) -> str:
        for turn in reversed(self.turns):
            if turn.role == "user" and turn.text:
                return turn.text
        return ""

    @property
    def system_text(self) -> str:
        return "\n".join(self.texts("system"))

    def trailing_tool_turns(self) -> list[Turn]:
        """The function outputs after the last assistant or user message, in order."""
        out: list[Turn] = []
        for turn in reversed(self.turns):
            if turn.role != "tool":
                break
            out.append(turn)
        out.reverse()
        return out

    def since_user(self) -> list[Turn]:
        """The turns after the last user message, in order: the calls made for it and their
        outputs."""
        out: list[Turn] = []
        for turn in reversed(self.turns):
            if turn.role == "user" and turn.text:
                break
            out.append(turn)
        out.reverse()
        return out

    def call_name(self, call_id: str | None) -> str | None:
        for turn in self.turns:
            for call in turn.calls:
                if call.call_id == call_id:
                    return call.name
        return None
