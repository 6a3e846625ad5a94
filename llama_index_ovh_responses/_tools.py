"""LlamaIndex tools -> Responses function tools, and tool calls back -> ``ToolSelection`` s."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import ChatResponse, ToolCallBlock
from llama_index.core.llms.llm import ToolSelection

from ovh_responses.wire.structured import parse_partial_json
from ovh_responses.wire.tools import function_tool

if TYPE_CHECKING:
    from collections.abc import Sequence

    from llama_index.core.tools.types import BaseTool
    from openai.types.responses import FunctionToolParam


def tool_specs(tools: Sequence[BaseTool], strict: bool) -> list[FunctionToolParam]:
    """Each tool as a flat ``{"type": "function", "name", ...}`` tool; with ``strict``, its
    parameters in OpenAI's strict form (closed objects, every property required)."""
    return [_spec(tool, strict) for tool in tools]


def _spec(tool: BaseTool, strict: bool) -> FunctionToolParam:
    return function_tool(
        tool.metadata.get_name(),
        tool.metadata.description,
        tool.metadata.get_parameters_dict(),
        strict=strict,
    )


def tool_call_blocks(response: ChatResponse) -> list[ToolCallBlock]:
    return [b for b in response.message.blocks if isinstance(b, ToolCallBlock)]


def tool_kwargs(block: ToolCallBlock) -> dict[str, Any]:
    """The call's arguments as a dict; arguments still streaming or not valid JSON give what
    can be read of them (possibly ``{}``), never an exception."""
    if isinstance(block.tool_kwargs, dict):
        return block.tool_kwargs
    parsed = parse_partial_json(block.tool_kwargs) if block.tool_kwargs else None
    return parsed if isinstance(parsed, dict) else {}


def tool_selections(response: ChatResponse) -> list[ToolSelection]:
    return [
        ToolSelection(
            tool_id=block.tool_call_id or "",
            tool_name=block.tool_name,
            tool_kwargs=tool_kwargs(block),
        )
        for block in tool_call_blocks(response)
    ]


def keep_first_tool_call(response: ChatResponse) -> ChatResponse:
    """The response with only its first tool call, for callers that forbid parallel calls."""
    calls = tool_call_blocks(response)
    if len(calls) <= 1:
        return response
    extra = calls[1:]
    blocks = [b for b in response.message.blocks if not any(b is e for e in extra)]
    message = response.message.model_copy(update={"blocks": blocks})
    return response.model_copy(update={"message": message})
