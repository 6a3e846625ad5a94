"""text.format for JSON schemas, partial JSON while streaming, and the finished JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openai.types.responses import ResponseFormatTextJSONSchemaConfig

from ovh_responses.errors import OVHError, StructuredOutputError
from ovh_responses.wire.structured import (
    JSON_OBJECT_FORMAT,
    json_schema_format,
    parse_json_output,
    parse_partial_json,
    text_format,
)

SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}


def test_json_schema_format_validates_as_sdk_type() -> None:
    fmt = json_schema_format("Answer", SCHEMA)
    assert fmt == {"type": "json_schema", "name": "Answer", "schema": SCHEMA, "strict": True}
    assert ResponseFormatTextJSONSchemaConfig.model_validate(fmt).name == "Answer"


def test_description_and_non_strict() -> None:
    fmt = json_schema_format("Answer", SCHEMA, strict=False, description="the answer")
    assert fmt["strict"] is False
    assert fmt["description"] == "the answer"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Movie Review", "Movie_Review"),
        ("résumé/v2", "r_sum_v2"),
        ("ok-name_1", "ok-name_1"),
        ("!!!", "output"),
        ("x" * 100, "x" * 64),
    ],
)
def test_name_is_sanitised(name: str, expected: str) -> None:
    assert json_schema_format(name, SCHEMA)["name"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("{", {}),
        ('{"title": "Du', {"title": "Du"}),
        ('{"a": [1, 2', {"a": [1, 2]}),
        ('{"a": 1, "b": {"c": tr', {"a": 1, "b": {}}),
        ('{"a": 1}', {"a": 1}),
    ],
)
def test_partial_json(text: str, expected: object) -> None:
    assert parse_partial_json(text) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


@given(json_values)
def test_partial_json_of_the_whole_text_is_the_value(value: object) -> None:
    text = json.dumps(value)
    assert parse_partial_json(text) == value
    for end in range(len(text)):
        parse_partial_json(text[:end])  # never raises on a prefix


def test_finished_json() -> None:
    assert parse_json_output('{"a": 1}') == {"a": 1}
    assert parse_json_output('```json\n{"a": 2}\n```') == {"a": 2}


def test_refusal_raises_typed_error() -> None:
    with pytest.raises(StructuredOutputError, match="cannot help") as info:
        parse_json_output("", refusal="I cannot help with that.")
    assert info.value.refusal == "I cannot help with that."
    assert isinstance(info.value, OVHError)
    assert isinstance(info.value, ValueError)


def test_invalid_json_raises_with_the_text() -> None:
    with pytest.raises(StructuredOutputError, match="Sure! Here is") as info:
        parse_json_output("Sure! Here is your JSON: {a: 1}")
    assert info.value.text == "Sure! Here is your JSON: {a: 1}"
    assert isinstance(info.value.__cause__, ValueError)


def test_empty_answer_is_invalid() -> None:
    with pytest.raises(StructuredOutputError):
        parse_json_output("")


FRAMEWORK_SCHEMA = {
    "title": "Person",
    "description": "A person in the text.",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name"],
}


def test_text_format_takes_name_and_description_out_of_the_schema() -> None:
    fmt = text_format(FRAMEWORK_SCHEMA, strict=False)
    assert fmt == {
        "type": "json_schema",
        "name": "Person",
        "description": "A person in the text.",
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name"],
        },
        "strict": False,
    }
    ResponseFormatTextJSONSchemaConfig.model_validate(fmt)


def test_a_strict_text_format_has_a_strict_schema() -> None:
    fmt = text_format(FRAMEWORK_SCHEMA, strict=True, name="person record")
    assert fmt["name"] == "person_record"
    assert fmt["strict"] is True
    assert fmt["schema"]["required"] == ["name", "age"]
    assert fmt["schema"]["additionalProperties"] is False
    assert fmt["schema"]["properties"]["age"] == {"type": ["integer", "null"]}
    assert text_format({"type": "object"}, strict=False)["name"] == "output"


def test_json_object_format() -> None:
    assert JSON_OBJECT_FORMAT == {"type": "json_object"}
