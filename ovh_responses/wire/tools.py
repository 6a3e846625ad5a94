"""Function tools and ``tool_choice`` in the flat Responses shape, and strict JSON schemas.

Only custom function tools exist on OVH AI Endpoints:
``{"type": "function", "name", "description", "parameters", "strict"}``.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, cast

from ovh_responses.errors import RequestRejected, UnsupportedFeatureError

if TYPE_CHECKING:
    from openai.types.responses import FunctionToolParam
    from openai.types.responses.response_create_params import ToolChoice

__all__ = ["function_tool", "strict_schema", "tool_choice_param"]

_MODES = {"auto": "auto", "none": "none", "required": "required", "any": "required"}


def function_tool(
    name: str,
    description: str | None,
    parameters: Mapping[str, Any] | None,
    strict: bool | None = None,
) -> FunctionToolParam:
    """A function tool. With ``strict=True`` its schema is put in OpenAI's strict form
    (:func:`strict_schema`) and enforced; otherwise it is sent as given."""
    schema: dict[str, object] = (
        dict(parameters) if parameters else {"type": "object", "properties": {}}
    )
    if strict:
        schema = strict_schema(schema)
    tool: FunctionToolParam = {
        "type": "function",
        "name": name,
        "parameters": schema,
        "strict": strict,
    }
    if description:
        tool["description"] = description
    return tool


def tool_choice_param(choice: object, tool_names: Collection[str]) -> ToolChoice | None:
    """``tool_choice`` in Responses shape, or ``None`` for no preference (``None``, ``False``).

    Accepts "auto", "none", "required", "any" (= required), ``True`` (= required), a tool
    name, ``{"type": "function", "name": ...}`` and the chat-completions form
    ``{"type": "function", "function": {"name": ...}}``.
    """
    if choice is None or choice is False:
        return None
    if choice is True:
        choice = "required"
    if isinstance(choice, str):
        return _from_string(choice, tool_names)
    if isinstance(choice, Mapping):
        return _forced(_name_in_dict(choice), tool_names)
    raise RequestRejected(
        f"tool_choice {choice!r} is not understood; use 'auto', 'none', 'required', "
        "a tool name or {'type': 'function', 'name': ...}.",
        param="tool_choice",
    )


def _from_string(choice: str, tool_names: Collection[str]) -> ToolChoice:
    mode = _MODES.get(choice)
    if mode is None:
        return _forced(choice, tool_names)
    if mode == "required" and not tool_names:
        raise RequestRejected(
            f"tool_choice {choice!r} needs at least one tool; bind tools first.",
            param="tool_choice",
        )
    return "required" if mode == "required" else "none" if mode == "none" else "auto"


def _name_in_dict(choice: Mapping[str, Any]) -> str:
    kind = choice.get("type")
    function = choice.get("function")
    name = function.get("name") if isinstance(function, Mapping) else choice.get("name")
    if kind != "function":
        raise UnsupportedFeatureError(
            f"tool_choice of type {kind!r} is not supported: only custom function tools work "
            "on OVH AI Endpoints. Use 'auto', 'none', 'required' or a function tool's name.",
            param="tool_choice",
        )
    if not isinstance(name, str) or not name:
        raise RequestRejected(
            "tool_choice names no function; use {'type': 'function', 'name': ...}.",
            param="tool_choice",
        )
    return name


def _forced(name: str, tool_names: Collection[str]) -> ToolChoice:
    if name not in tool_names:
        known = ", ".join(repr(n) for n in tool_names) or "none"
        raise RequestRejected(
            f"tool_choice names {name!r}, which is not among the bound tools ({known}); "
            "use one of their names, or 'auto', 'none' or 'required'.",
            param="tool_choice",
        )
    return {"type": "function", "name": name}


# ----- strict schemas ------------------------------------------------------------------------

_SCHEMA_MAPS = ("properties", "$defs", "definitions")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` that follows OpenAI's strict rules: every object has
    ``additionalProperties: false`` and lists all its properties as required; properties that
    were optional become nullable. A schema-valued ``additionalProperties`` (a map) is kept."""
    try:
        return cast("dict[str, Any]", _strict(copy.deepcopy(dict(schema))))
    except RecursionError as e:
        raise RequestRejected(
            "The schema nests objects deeper than can be sent; flatten its deepest levels."
        ) from e


def _strict(node: object) -> object:
    if not isinstance(node, dict):
        return node
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            node[key] = {name: _strict(sub) for name, sub in node[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            node[key] = [_strict(sub) for sub in node[key]]
    items = node.get("items")
    if isinstance(items, dict):
        node["items"] = _strict(items)
    elif isinstance(items, list):
        node["items"] = [_strict(sub) for sub in items]
    if _is_object(node):
        _close(node)
    return node


def _is_object(node: dict[str, Any]) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in node


def _close(node: dict[str, Any]) -> None:
    properties: dict[str, Any] = node.get("properties") or {}
    required = set(node.get("required") or ())
    node["properties"] = {
        name: sub if name in required else _nullable(sub) for name, sub in properties.items()
    }
    node["required"] = list(properties)
    if not isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = False


def _nullable(node: object) -> object:
    if not isinstance(node, dict) or not node:
        return node  # an empty schema already accepts null
    kind = node.get("type")
    if isinstance(kind, str | list):
        types = [kind] if isinstance(kind, str) else list(kind)
        node["type"] = types if "null" in types else [*types, "null"]
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        return node
    if isinstance(node.get("anyOf"), list):
        if {"type": "null"} not in node["anyOf"]:
            node["anyOf"] = [*node["anyOf"], {"type": "null"}]
        return node
    return {"anyOf": [node, {"type": "null"}]}
