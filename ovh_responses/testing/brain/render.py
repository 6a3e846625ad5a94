"""A :class:`Reply` cut into tokens under the output budget: what both routes then serialise."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ovh_responses.testing.brain.text import tokens

if TYPE_CHECKING:
    from ovh_responses.testing.brain.think import Reply

PartKind = Literal["reasoning", "message", "refusal", "function_call"]


def new_id(prefix: str) -> str:
    """vLLM's id style: a prefix and 16 hex digits (``resp_``, ``msg_``, ``fc_``, ``rs_``...)."""
    return f"{prefix}{secrets.token_hex(8)}"


@dataclass(slots=True)
class Part:
    """One output item, as the token chunks it is streamed in."""

    kind: PartKind
    id: str
    chunks: list[str]
    name: str = ""
    call_id: str = ""
    cut: bool = False

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@dataclass(slots=True)
class Rendered:
    parts: list[Part] = field(default_factory=list)
    output_tokens: int = 0
    reasoning_tokens: int = 0
    truncated: bool = False

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts if p.kind == "message")

    @property
    def refusal(self) -> str | None:
        found = [p.text for p in self.parts if p.kind == "refusal"]
        return "".join(found) if found else None


def _text_tokens(text: str) -> list[str]:
    """Tokens of an answer; each leading newline is a token of its own, as tokenizers split
    the blank line a model writes after its reasoning."""
    body = text.lstrip("\n")
    return ["\n"] * (len(text) - len(body)) + tokens(body)


def render(reply: Reply, max_tokens: int | None) -> Rendered:
    """Split the reply into token chunks, stopping when ``max_tokens`` is spent."""
    pending: list[Part] = []
    if reply.reasoning:
        pending.append(Part("reasoning", new_id("rs_"), tokens(reply.reasoning)))
    if reply.text is not None:
        pending.append(Part("message", new_id("msg_"), _text_tokens(reply.text) or [""]))
    if reply.refusal is not None:
        pending.append(Part("refusal", new_id("msg_"), tokens(reply.refusal) or [""]))
    for call in reply.calls:
        call_id = new_id("chatcmpl-tool-")
        pending.append(
            Part("function_call", new_id("fc_"), tokens(call.arguments), call.name, call_id)
        )
    out = Rendered()
    budget = max_tokens if max_tokens is not None else None
    for part in pending:
        if budget is not None and budget <= 0:
            out.truncated = True
            break
        if budget is not None and len(part.chunks) > budget:
            part.chunks = part.chunks[:budget]
            part.cut = out.truncated = True
        used = len([c for c in part.chunks if c])
        out.output_tokens += used
        if part.kind == "reasoning":
            out.reasoning_tokens += used
        if budget is not None:
            budget -= used
        out.parts.append(part)
    return out
