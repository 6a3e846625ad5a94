"""Neutral results and stream deltas: what the core hands to both adapters.

Nothing here knows a framework. A finished ``Response`` becomes a :class:`Result`
(``ovh_responses.wire.answer``); a stream of SSE events becomes a sequence of :data:`Delta`
values ending in :class:`Done` (``ovh_responses.wire.stream``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from openai.types.responses import Response, ResponseOutputItem


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one response; the detail counts are 0 when the server omits them."""

    input_tokens: int
    output_tokens: int
    total_tokens: int
    cached_tokens: int = 0
    reasoning_tokens: int = 0


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """A ``function_call`` output item.

    ``arguments`` is the raw JSON text the model produced. ``parsed_arguments`` is its value when
    it parses to a JSON object; otherwise it is ``None`` and ``error`` says why (bad JSON is kept,
    never raised).
    """

    call_id: str
    name: str
    arguments: str
    parsed_arguments: dict[str, Any] | None
    error: str | None = None
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reasoning:
    """A ``reasoning`` output item: its ``reasoning_text`` content and its summaries, joined."""

    text: str
    summary: str
    item_id: str | None = None
    encrypted_content: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """A finished response, reduced to what the adapters need.

    ``output`` keeps the server's output items (for replay as input items and for ``raw``);
    ``response`` is the SDK object itself (``None`` only if the stream never delivered one and
    the result was rebuilt from deltas). ``stop_sequence`` is the caller's stop sequence that
    ended the answer on the client, when one did.
    """

    id: str
    model: str
    status: str
    text: str
    reasoning: list[Reasoning] = field(default_factory=list)
    function_calls: list[FunctionCall] = field(default_factory=list)
    refusal: str | None = None
    usage: Usage | None = None
    incomplete_reason: str | None = None
    output: list[ResponseOutputItem] = field(default_factory=list)
    response: Response | None = None
    stop_sequence: str | None = None

    @property
    def reasoning_text(self) -> str:
        """All reasoning, content first then summaries, as one string."""
        return "\n\n".join(part for r in self.reasoning for part in (r.text, r.summary) if part)

    @property
    def is_incomplete(self) -> bool:
        return self.status == "incomplete"


# ----- stream deltas ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str
    output_index: int
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of reasoning: ``kind`` is ``"text"`` (reasoning_text) or ``"summary"``."""

    text: str
    output_index: int
    kind: Literal["text", "summary"] = "text"
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCallStart:
    """A function call began at ``output_index``; its arguments follow as ToolCallArgsDelta."""

    output_index: int
    call_id: str
    name: str
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCallArgsDelta:
    output_index: int
    delta: str


@dataclass(frozen=True, slots=True)
class RefusalDelta:
    text: str
    output_index: int


@dataclass(frozen=True, slots=True)
class Done:
    """The last delta of every successful stream: the whole result (usage, status, metadata)."""

    result: Result


Delta = TextDelta | ReasoningDelta | ToolCallStart | ToolCallArgsDelta | RefusalDelta | Done
