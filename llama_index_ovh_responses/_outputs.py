"""The core's results and stream deltas -> LlamaIndex ``ChatResponse`` s.

A finished :class:`~ovh_responses.types.Result` becomes one assistant ``ChatMessage`` whose
blocks are, in order, ``ThinkingBlock`` s, a ``TextBlock`` and ``ToolCallBlock`` s. A stream is
assembled by :class:`StreamAssembler`: every chunk carries the whole message so far and its own
delta; reasoning pieces go to ``additional_kwargs["thinking_delta"]``; the last chunk is built from
the final result, so its ``raw`` carries the usage that token counters read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    ContentBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)

from ovh_responses.types import (
    Done,
    ReasoningDelta,
    RefusalDelta,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)

if TYPE_CHECKING:
    from ovh_responses.types import Delta, FunctionCall, Reasoning, Result, Usage


# ----- a finished result ----------------------------------------------------------------------


def usage_dict(usage: Usage | None) -> dict[str, int]:
    """Token counts under the Responses names (``input_tokens``, ``output_tokens``, ...)."""
    if usage is None:
        return {}
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "cached_tokens": usage.cached_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
    }


def thinking_blocks(
    reasoning: list[Reasoning], reasoning_tokens: int | None
) -> list[ThinkingBlock]:
    """One block per reasoning item; the response's reasoning-token count goes on the first
    only, since it counts all of them together."""
    blocks: list[ThinkingBlock] = []
    for item in reasoning:
        content = "\n\n".join(part for part in (item.text, item.summary) if part)
        info: dict[str, Any] = {"id": item.item_id} if item.item_id else {}
        tokens = reasoning_tokens if not blocks else None
        blocks.append(
            ThinkingBlock(content=content, num_tokens=tokens, additional_information=info)
        )
    return blocks


def tool_call_block(call: FunctionCall) -> ToolCallBlock:
    """Parsed arguments when they are a JSON object, else the raw text (never dropped)."""
    kwargs: dict[str, Any] | str = (
        call.parsed_arguments if call.parsed_arguments is not None else call.arguments
    )
    return ToolCallBlock(tool_call_id=call.call_id, tool_name=call.name, tool_kwargs=kwargs)


def message_from_result(result: Result) -> ChatMessage:
    usage = result.usage
    reasoning_tokens = usage.reasoning_tokens if usage and usage.reasoning_tokens else None
    blocks: list[ContentBlock] = [*thinking_blocks(result.reasoning, reasoning_tokens)]
    if result.text:
        blocks.append(TextBlock(text=result.text))
    blocks.extend(tool_call_block(call) for call in result.function_calls)
    extra: dict[str, Any] = {"refusal": result.refusal} if result.refusal else {}
    return ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks, additional_kwargs=extra)


def response_info(result: Result) -> dict[str, Any]:
    """What a caller may want besides the message: usage, ids, and why the output stopped."""
    info: dict[str, Any] = {
        "usage": usage_dict(result.usage),
        "response_id": result.id,
        "model": result.model,
        "status": result.status,
    }
    if result.incomplete_reason:
        info["incomplete_reason"] = result.incomplete_reason
    return info


def raw_of(result: Result) -> Any:
    """The SDK ``Response`` when there is one, else a dict with the same ``usage`` key."""
    if result.response is not None:
        return result.response
    return {"id": result.id, "model": result.model, "usage": usage_dict(result.usage)}


def chat_response(result: Result, delta: str | None = None) -> ChatResponse:
    """The response for ``result``."""
    return ChatResponse(
        message=message_from_result(result),
        raw=raw_of(result),
        delta=delta,
        additional_kwargs=response_info(result),
    )


def completion_response(response: ChatResponse) -> CompletionResponse:
    """A chat response as a completion response (text, delta, raw and extras kept)."""
    return CompletionResponse(
        text=response.message.content or "",
        delta=response.delta,
        raw=response.raw,
        additional_kwargs={**response.message.additional_kwargs, **response.additional_kwargs},
    )


# ----- a stream -------------------------------------------------------------------------------


@dataclass(slots=True)
class _PendingCall:
    call_id: str
    name: str
    arguments: str = ""


@dataclass(slots=True)
class StreamAssembler:
    """Turns each core delta into the chunk a LlamaIndex stream yields."""

    text: str = ""
    thinking: dict[int, str] = field(default_factory=dict)
    calls: dict[int, _PendingCall] = field(default_factory=dict)
    refusal: str = ""

    def feed(self, delta: Delta) -> ChatResponse:
        if isinstance(delta, Done):
            return chat_response(delta.result, delta="")
        extra: dict[str, Any] = {}
        text_delta = ""
        if isinstance(delta, TextDelta):
            text_delta = delta.text
            self.text += text_delta
        elif isinstance(delta, ReasoningDelta):
            self.thinking[delta.output_index] = (
                self.thinking.get(delta.output_index, "") + delta.text
            )
            extra["thinking_delta"] = delta.text
        elif isinstance(delta, ToolCallStart):
            self.calls[delta.output_index] = _PendingCall(delta.call_id, delta.name)
        elif isinstance(delta, ToolCallArgsDelta):
            self._call_args(delta)
        elif isinstance(delta, RefusalDelta):
            self.refusal += delta.text
        return ChatResponse(message=self.message(), delta=text_delta, additional_kwargs=extra)

    def _call_args(self, delta: ToolCallArgsDelta) -> None:
        call = self.calls.get(delta.output_index)
        if call is not None:
            call.arguments += delta.delta

    def message(self) -> ChatMessage:
        """The assistant message so far: thinking, text, then the tool calls begun."""
        blocks: list[ContentBlock] = [
            ThinkingBlock(content=self.thinking[i]) for i in sorted(self.thinking)
        ]
        if self.text:
            blocks.append(TextBlock(text=self.text))
        blocks.extend(
            ToolCallBlock(tool_call_id=c.call_id, tool_name=c.name, tool_kwargs=c.arguments)
            for _, c in sorted(self.calls.items())
        )
        extra: dict[str, Any] = {"refusal": self.refusal} if self.refusal else {}
        return ChatMessage(role=MessageRole.ASSISTANT, blocks=blocks, additional_kwargs=extra)
