"""Function tools, tool_choice and strict schemas."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.responses import FunctionTool
from pydantic import BaseModel

from ovh_responses.errors import RequestRejected, UnsupportedFeatureError
from ovh_responses.wire.tools import function_tool, strict_schema, tool_choice_param

WEATHER = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}
TOOLS = ["get_weather", "search_docs"]


def test_function_tool_is_flat_and_validates_as_sdk_tool() -> None:
    tool = function_tool("get_weather", "Weather of a city", WEATHER, strict=True)
    assert tool == {
        "type": "function",
        "name": "get_weather",
        "description": "Weather of a city",
        "parameters": {**WEATHER, "additionalProperties": False},
        "strict": True,
    }
    assert FunctionTool.model_validate(tool).name == "get_weather"


def test_a_strict_function_tool_gets_a_strict_schema() -> None:
    loose = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city"],
    }
    tool = function_tool("forecast", None, loose, strict=True)
    assert tool["parameters"] == {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": ["integer", "null"]}},
        "required": ["city", "days"],
        "additionalProperties": False,
    }
    assert function_tool("forecast", None, loose, strict=False)["parameters"] == loose


def test_function_tool_without_description_or_parameters() -> None:
    tool = function_tool("ping", None, None)
    assert "description" not in tool
    assert tool["parameters"] == {"type": "object", "properties": {}}
    assert tool["strict"] is None


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ("any", "required"),
        (True, "required"),
        (None, None),
        (False, None),
        ("search_docs", {"type": "function", "name": "search_docs"}),
        (
            {"type": "function", "name": "get_weather"},
            {"type": "function", "name": "get_weather"},
        ),
        (
            {"type": "function", "function": {"name": "get_weather"}},
            {"type": "function", "name": "get_weather"},
        ),
    ],
)
def test_tool_choice_mapping(choice: object, expected: object) -> None:
    assert tool_choice_param(choice, TOOLS) == expected


def test_unknown_tool_name_lists_the_tools() -> None:
    with pytest.raises(RequestRejected) as info:
        tool_choice_param("get_wether", TOOLS)
    message = str(info.value)
    assert "get_wether" in message
    assert "get_weather" in message
    assert "search_docs" in message
    assert info.value.param == "tool_choice"


def test_unknown_name_in_chat_completions_dict() -> None:
    with pytest.raises(RequestRejected, match="nope"):
        tool_choice_param({"type": "function", "function": {"name": "nope"}}, TOOLS)


def test_built_in_tool_choice_is_unsupported() -> None:
    with pytest.raises(UnsupportedFeatureError, match="web_search"):
        tool_choice_param({"type": "web_search"}, TOOLS)


def test_required_without_tools_is_rejected() -> None:
    with pytest.raises(RequestRejected, match="at least one tool"):
        tool_choice_param("any", [])


def test_nonsense_choice_is_rejected() -> None:
    with pytest.raises(RequestRejected):
        tool_choice_param(3, TOOLS)


class Address(BaseModel):
    street: str
    zip_code: str | None = None


class Person(BaseModel):
    name: str
    age: int = 0
    tags: list[str] = []
    address: Address | None = None
    home: Address


def test_strict_schema_of_nested_pydantic_model() -> None:
    schema = strict_schema(Person.model_json_schema())
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["name", "age", "tags", "address", "home"]
    props = schema["properties"]
    assert props["name"]["type"] == "string"
    assert props["age"]["type"] == ["integer", "null"]
    assert props["tags"]["type"] == ["array", "null"]
    assert {"type": "null"} in props["address"]["anyOf"]
    assert props["home"] == {"$ref": "#/$defs/Address"}
    address = schema["$defs"]["Address"]
    assert address["additionalProperties"] is False
    assert address["required"] == ["street", "zip_code"]


def test_strict_schema_reaches_items_and_unions() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "rows": {
                "type": "array",
                "items": {"type": "object", "properties": {"x": {"type": "number"}}},
            },
            "either": {"anyOf": [{"type": "object", "properties": {"y": {"enum": ["a"]}}}]},
            "kind": {"type": "string", "enum": ["a", "b"]},
        },
        "required": ["rows", "either"],
    }
    out = strict_schema(schema)
    row = out["properties"]["rows"]["items"]
    assert row == {
        "type": "object",
        "properties": {"x": {"type": ["number", "null"]}},
        "required": ["x"],
        "additionalProperties": False,
    }
    branch = out["properties"]["either"]["anyOf"][0]
    assert branch["additionalProperties"] is False
    assert branch["properties"]["y"] == {"anyOf": [{"enum": ["a"]}, {"type": "null"}]}
    assert out["properties"]["kind"] == {"type": ["string", "null"], "enum": ["a", "b", None]}


def test_strict_schema_does_not_touch_its_input() -> None:
    schema = Person.model_json_schema()
    before = repr(schema)
    strict_schema(schema)
    assert repr(schema) == before


def test_strict_schema_keeps_maps() -> None:
    schema = {
        "type": "object",
        "properties": {"counts": {"type": "object", "additionalProperties": {"type": "integer"}}},
        "required": ["counts"],
    }
    counts = strict_schema(schema)["properties"]["counts"]
    assert counts["additionalProperties"] == {"type": "integer"}
    assert counts["required"] == []
