"""bind_tools: every tool form becomes a flat function tool; tool_choice and strict."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.runnables import RunnableBinding
from langchain_core.tools import tool
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses.errors import RequestRejected, UnsupportedFeatureError

ADD_PARAMETERS = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}


class Add(BaseModel):
    """Add two integers."""

    a: int
    b: int


class AddDict(TypedDict):
    """Add two integers."""

    a: int
    b: int


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@tool
def add_tool(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def _bound(**kwargs: Any) -> dict[str, Any]:
    tools = kwargs.pop("tools")
    binding = ChatOVHResponses(model="local-chat").bind_tools(tools, **kwargs)
    assert isinstance(binding, RunnableBinding)
    return binding.kwargs


@pytest.mark.parametrize(
    "given",
    [
        Add,
        AddDict,
        add,
        add_tool,
        {
            "type": "function",
            "function": {
                "name": "Add",
                "description": "Add two integers.",
                "parameters": ADD_PARAMETERS,
            },
        },
        {"name": "Add", "description": "Add two integers.", "input_schema": ADD_PARAMETERS},
        {
            "type": "function",
            "name": "Add",
            "description": "Add two integers.",
            "parameters": ADD_PARAMETERS,
        },
    ],
    ids=["pydantic", "typeddict", "function", "tool", "chat-dict", "anthropic-dict", "flat-dict"],
)
def test_every_tool_form_becomes_a_flat_function_tool(given: Any) -> None:
    (sent,) = _bound(tools=[given])["tools"]
    assert sent["type"] == "function"
    assert sent["name"].lower() in {"add", "adddict", "add_tool"}
    assert sent["description"] == "Add two integers."
    assert sent["parameters"]["properties"].keys() == {"a", "b"}
    assert set(sent["parameters"]["required"]) == {"a", "b"}
    assert "function" not in sent


def test_builtin_tools_are_refused_when_bound() -> None:
    with pytest.raises(UnsupportedFeatureError, match="web_search"):
        _bound(tools=[{"type": "web_search"}])


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ("any", "required"),
        (True, "required"),
        ("add", {"type": "function", "name": "add"}),
        ({"type": "function", "function": {"name": "add"}}, {"type": "function", "name": "add"}),
        ({"type": "function", "name": "add"}, {"type": "function", "name": "add"}),
    ],
)
def test_tool_choice_forms(choice: Any, expected: Any) -> None:
    assert _bound(tools=[add], tool_choice=choice)["tool_choice"] == expected


def test_no_tool_choice_sends_none() -> None:
    assert "tool_choice" not in _bound(tools=[add])


def test_tool_choice_naming_an_unbound_tool_is_refused() -> None:
    with pytest.raises(RequestRejected, match="'multiply'"):
        _bound(tools=[add], tool_choice="multiply")


def test_strict_tools_get_strict_schemas_and_parallel_calls_can_be_turned_off() -> None:
    class Search(BaseModel):
        """Search the catalog."""

        query: str
        limit: int | None = Field(default=None, description="At most this many.")

    kwargs = _bound(tools=[Search], strict=True, parallel_tool_calls=False)
    (sent,) = kwargs["tools"]
    assert sent["strict"] is True
    assert sent["parameters"]["additionalProperties"] is False
    assert sent["parameters"]["required"] == ["query", "limit"]
    assert kwargs["parallel_tool_calls"] is False
