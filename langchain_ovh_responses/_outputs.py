"""The core's results and stream deltas -> LangChain ``AIMessage`` / ``AIMessageChunk``.

Two shapes, chosen by the model's ``output_version``:

- ``"v0"`` (default): ``content`` is the answer's text; reasoning is in
  ``additional_kwargs["reasoning_content"]`` and a refusal in ``additional_kwargs["refusal"]``.
- ``"v1"``: ``content`` is a list of standard blocks in output order (``reasoning``, ``text``,
  ``refusal``, ``tool_call``) carrying the server's item ids, so a conversation replays exactly.

Both carry ``tool_calls`` / ``invalid_tool_calls``, ``usage_metadata`` and the same
``response_metadata``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk

from ovh_responses.types import (
    Done,
    FunctionCall,
    ReasoningDelta,
    RefusalDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
    Usage,
)

if TYPE_CHECKING:
    from langchain_core.messages import InvalidToolCall, ToolCall
    from langchain_core.messages.ai import UsageMetadata

    from ovh_responses.types import Delta

__all__ = [
    "PROVIDER",
    "OutputVersion",
    "delta_to_chunk",
    "done_chunk",
    "result_to_message",
    "text_chunk",
    "usage_metadata",
]

PROVIDER = "ovhcloud"
OutputVersion = Literal["v0", "v1"]
Block = dict[str, Any]


def usage_metadata(usage: Usage) -> UsageMetadata:
    """Token counts with the cache-read and reasoning details (0 when the server omits them)."""
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "input_token_details": {"cache_read": usage.cached_tokens},
        "output_token_details": {"reasoning": usage.reasoning_tokens},
    }


def finish_reason(result: Result) -> str:
    """Chat-completions style reason the answer ended, for code that checks for ``length``."""
    if result.incomplete_reason == "max_output_tokens":
        return "length"
    if result.incomplete_reason:
        return result.incomplete_reason
    return "tool_calls" if result.function_calls else "stop"


def response_metadata(result: Result, version: OutputVersion) -> dict[str, Any]:
    """What LangChain callbacks and users read from ``response_metadata``."""
    metadata: dict[str, Any] = {
        "id": result.id,
        "model_name": result.model,
        "model_provider": PROVIDER,
        "status": result.status,
        "finish_reason": finish_reason(result),
    }
    if result.incomplete_reason is not None:
        metadata["incomplete_details"] = {"reason": result.incomplete_reason}
    if result.stop_sequence is not None:
        metadata["stop_sequence"] = result.stop_sequence
    if version == "v1":
        metadata["output_version"] = "v1"
    return metadata


# ----- a finished result ------------------------------------------------------------------


def _tool_calls(calls: list[FunctionCall]) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    valid: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for call in calls:
        if call.parsed_arguments is None:
            invalid.append(
                invalid_tool_call(
                    name=call.name, args=call.arguments, id=call.call_id, error=call.error
                )
            )
        else:
            valid.append(tool_call(name=call.name, args=call.parsed_arguments, id=call.call_id))
    return valid, invalid


def result_to_message(result: Result, version: OutputVersion = "v0") -> AIMessage:
    """The ``AIMessage`` of a finished response."""
    valid, invalid = _tool_calls(result.function_calls)
    additional: dict[str, Any] = {}
    content: str | list[str | Block]
    if version == "v1":
        content = list(_v1_blocks(result))
    else:
        content = result.text
        if result.reasoning_text:
            additional["reasoning_content"] = result.reasoning_text
        if result.refusal:
            additional["refusal"] = result.refusal
    return AIMessage(
        content=content,
        id=result.id,
        tool_calls=valid,
        invalid_tool_calls=invalid,
        additional_kwargs=additional,
        usage_metadata=usage_metadata(result.usage) if result.usage else None,
        response_metadata=response_metadata(result, version),
    )


def _v1_blocks(result: Result) -> list[Block]:
    """Standard blocks in the order of the output items."""
    reasoning = {r.item_id: r for r in result.reasoning}
    calls = {c.call_id: c for c in result.function_calls}
    blocks: list[Block] = []
    for item in result.output:
        if item.type == "reasoning":
            found = reasoning.get(item.id)
            text = "\n\n".join(p for p in (found.text, found.summary) if p) if found else ""
            blocks.append(_reasoning_block(text, item.id))
        elif item.type == "message":
            for part in item.content:
                if part.type == "output_text":
                    blocks.append(_text_block(part.text, item.id))
                else:
                    blocks.append(_refusal_block(part.refusal, item.id))
        elif item.type == "function_call" and item.call_id in calls:
            blocks.append(_call_block(calls[item.call_id]))
    if not result.output:  # rebuilt without items: keep the neutral order
        blocks = _v1_blocks_without_items(result)
    return blocks


def _v1_blocks_without_items(result: Result) -> list[Block]:
    blocks = [_reasoning_block(r.text or r.summary, r.item_id) for r in result.reasoning]
    if result.text:
        blocks.append(_text_block(result.text, None))
    if result.refusal:
        blocks.append(_refusal_block(result.refusal, None))
    return blocks + [_call_block(c) for c in result.function_calls]


def _with_id(block: Block, item_id: str | None) -> Block:
    if item_id:
        block["id"] = item_id
    return block


def _reasoning_block(text: str, item_id: str | None) -> Block:
    return _with_id({"type": "reasoning", "reasoning": text}, item_id)


def _text_block(text: str, item_id: str | None) -> Block:
    return _with_id({"type": "text", "text": text}, item_id)


def _refusal_block(text: str, item_id: str | None) -> Block:
    return _with_id({"type": "refusal", "refusal": text}, item_id)


def _call_block(call: FunctionCall) -> Block:
    extras = {"item_id": call.item_id} if call.item_id else {}
    if call.parsed_arguments is None:
        block: Block = {
            "type": "invalid_tool_call",
            "id": call.call_id,
            "name": call.name,
            "args": call.arguments,
            "error": call.error,
        }
    else:
        block = {
            "type": "tool_call",
            "id": call.call_id,
            "name": call.name,
            "args": call.parsed_arguments,
        }
    if extras:
        block["extras"] = extras
    return block


# ----- stream deltas ------------------------------------------------------------------------


def text_chunk(
    text: str, output_index: int, item_id: str | None, version: OutputVersion
) -> AIMessageChunk:
    """A piece of the answer's text."""
    if version == "v0":
        return AIMessageChunk(content=text)
    block = _with_id({"type": "text", "text": text, "index": output_index}, item_id)
    return AIMessageChunk(content=[block], response_metadata={"output_version": "v1"})


def _reasoning_chunk(delta: ReasoningDelta, version: OutputVersion) -> AIMessageChunk:
    if version == "v0":
        return AIMessageChunk(content="", additional_kwargs={"reasoning_content": delta.text})
    block = _with_id(
        {"type": "reasoning", "reasoning": delta.text, "index": delta.output_index},
        delta.item_id,
    )
    return AIMessageChunk(content=[block], response_metadata={"output_version": "v1"})


def _refusal_chunk(delta: RefusalDelta, version: OutputVersion) -> AIMessageChunk:
    if version == "v0":
        return AIMessageChunk(content="", additional_kwargs={"refusal": delta.text})
    block = {"type": "refusal", "refusal": delta.text, "index": delta.output_index}
    return AIMessageChunk(content=[block], response_metadata={"output_version": "v1"})


def _call_start_chunk(delta: ToolCallStart, version: OutputVersion) -> AIMessageChunk:
    piece = tool_call_chunk(name=delta.name, args="", id=delta.call_id, index=delta.output_index)
    if version == "v0":
        return AIMessageChunk(content="", tool_call_chunks=[piece])
    block: Block = {"type": "tool_call_chunk", **piece}
    if delta.item_id:
        block["extras"] = {"item_id": delta.item_id}
    return AIMessageChunk(
        content=[block], tool_call_chunks=[piece], response_metadata={"output_version": "v1"}
    )


def _call_args_chunk(delta: ToolCallArgsDelta, version: OutputVersion) -> AIMessageChunk:
    piece = tool_call_chunk(name=None, args=delta.delta, id=None, index=delta.output_index)
    if version == "v0":
        return AIMessageChunk(content="", tool_call_chunks=[piece])
    return AIMessageChunk(
        content=[{"type": "tool_call_chunk", **piece}],
        tool_call_chunks=[piece],
        response_metadata={"output_version": "v1"},
    )


def done_chunk(result: Result, version: OutputVersion) -> AIMessageChunk:
    """The last chunk: usage, metadata and the response id; no content of its own."""
    return AIMessageChunk(
        content=[] if version == "v1" else "",
        id=result.id,
        usage_metadata=usage_metadata(result.usage) if result.usage else None,
        response_metadata=response_metadata(result, version),
        chunk_position="last",
    )


def delta_to_chunk(delta: Delta, version: OutputVersion) -> AIMessageChunk:
    """The chunk of one delta."""
    if isinstance(delta, TextDelta):
        return text_chunk(delta.text, delta.output_index, delta.item_id, version)
    if isinstance(delta, ReasoningDelta):
        return _reasoning_chunk(delta, version)
    if isinstance(delta, RefusalDelta):
        return _refusal_chunk(delta, version)
    if isinstance(delta, ToolCallStart):
        return _call_start_chunk(delta, version)
    if isinstance(delta, ToolCallArgsDelta):
        return _call_args_chunk(delta, version)
    if isinstance(delta, Done):
        return done_chunk(delta.result, version)
    raise TypeError(f"unknown stream delta {type(delta).__name__}")  # pragma: no cover
