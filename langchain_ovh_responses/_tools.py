"""Anything ``bind_tools`` accepts -> the core's flat function tools.

LangChain tools, pydantic models, TypedDicts, plain functions, OpenAI chat-completions dicts,
Anthropic-style dicts and flat Responses dicts all become
``{"type": "function", "name", "description", "parameters", "strict"}``. A tool of any other
type (a built-in tool) is refused when bound, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from langchain_core.utils.function_calling import convert_to_openai_tool

from ovh_responses.errors import UnsupportedFeatureError
from ovh_responses.wire.tools import function_tool

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias

    from langchain_core.tools import BaseTool
    from openai.types.responses import FunctionToolParam

    ToolLike: TypeAlias = Mapping[str, Any] | type | Callable[..., Any] | BaseTool

__all__ = ["to_function_tool"]


def to_function_tool(tool: ToolLike, *, strict: bool | None = None) -> FunctionToolParam:
    """One function tool. With ``strict=True`` its schema is made strict (all properties
    required, optional ones nullable, no additional properties)."""
    if isinstance(tool, Mapping) and _is_responses_shaped(tool):
        return _flat(tool, strict)
    spec = convert_to_openai_tool(tool, strict=strict)["function"]
    chosen = spec.get("strict") if strict is None else strict
    return function_tool(spec["name"], spec.get("description"), spec.get("parameters"), chosen)


def _is_responses_shaped(tool: Mapping[str, Any]) -> bool:
    """A flat function tool or a built-in tool, as opposed to a JSON schema (``"type":
    "object"``), a chat-completions tool (``"function"``) or an Anthropic tool."""
    kind = tool.get("type")
    return isinstance(kind, str) and kind != "object" and "function" not in tool


def _flat(tool: Mapping[str, Any], strict: bool | None) -> FunctionToolParam:
    if tool["type"] != "function":
        raise UnsupportedFeatureError(
            f"Tool type {tool['type']!r} is not supported: only custom function tools work on "
            "OVH AI Endpoints (no built-in tools such as web_search, file_search, "
            "code_interpreter or mcp). Bind a function, a LangChain tool or a pydantic model.",
            param="tools",
        )
    chosen = tool.get("strict") if strict is None else strict
    return function_tool(tool["name"], tool.get("description"), tool.get("parameters"), chosen)
