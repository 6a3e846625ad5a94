"""with_structured_output: the three methods over HTTP, streaming partial objects, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core import exceptions as lc_errors
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from langchain_ovh_responses import ChatOVHResponses, OVHOutputParserError, OVHRefusalError
from langchain_ovh_responses._structured import StructuredOutputParser
from ovh_responses.testing import LocalEndpoint


class Person(BaseModel):
    """A person mentioned in the text."""

    name: str = Field(description="The person's name")
    age: int = Field(description="Age in years")
    city: str | None = Field(default=None, description="Where they live")


class PersonDict(TypedDict):
    """A person mentioned in the text."""

    name: str
    age: int


PROMPT = "Extract the person: Marie Curie, 66 years old, lives in Paris."


def _model(endpoint: LocalEndpoint, **kwargs: Any) -> ChatOVHResponses:
    return ChatOVHResponses(model="local-chat", base_url=endpoint.base_url, **kwargs)


def test_json_schema_is_the_default_and_strict(endpoint: LocalEndpoint) -> None:
    person = _model(endpoint).with_structured_output(Person).invoke(PROMPT)
    assert isinstance(person, Person)
    fmt = endpoint.last_body["text"]["format"]
    assert (fmt["type"], fmt["name"], fmt["strict"]) == ("json_schema", "Person", True)
    assert fmt["description"] == "A person mentioned in the text."
    assert fmt["schema"]["additionalProperties"] is False
    assert fmt["schema"]["required"] == ["name", "age", "city"]
    assert "tools" not in endpoint.last_body


def test_json_schema_not_strict_sends_the_schema_as_given(endpoint: LocalEndpoint) -> None:
    _model(endpoint).with_structured_output(Person, strict=False).invoke(PROMPT)
    fmt = endpoint.last_body["text"]["format"]
    assert fmt["strict"] is False
    assert fmt["schema"]["required"] == ["name", "age"]


@pytest.mark.parametrize(
    "schema", [PersonDict, Person.model_json_schema()], ids=["typeddict", "json-schema"]
)
def test_dict_schemas_give_dicts(endpoint: LocalEndpoint, schema: Any) -> None:
    result = _model(endpoint).with_structured_output(schema).invoke(PROMPT)
    assert isinstance(result, dict)
    assert {"name", "age"} <= result.keys()
    assert isinstance(result["age"], int)


def test_function_calling_forces_one_tool_call(endpoint: LocalEndpoint) -> None:
    person = (
        _model(endpoint).with_structured_output(Person, method="function_calling").invoke(PROMPT)
    )
    assert isinstance(person, Person)
    body = endpoint.last_body
    assert body["tool_choice"] == {"type": "function", "name": "Person"}
    assert body["parallel_tool_calls"] is False
    assert "text" not in body


def test_function_calling_sends_a_strict_tool_by_default(endpoint: LocalEndpoint) -> None:
    person = (
        _model(endpoint).with_structured_output(Person, method="function_calling").invoke(PROMPT)
    )
    assert isinstance(person, Person)
    (tool,) = endpoint.last_body["tools"]
    assert tool["strict"] is True
    # Strict form: closed objects, every property required (the optional one made nullable).
    assert tool["parameters"]["additionalProperties"] is False
    assert sorted(tool["parameters"]["required"]) == ["age", "city", "name"]


def test_function_calling_honours_strict_false(endpoint: LocalEndpoint) -> None:
    person = (
        _model(endpoint)
        .with_structured_output(Person, method="function_calling", strict=False)
        .invoke(PROMPT)
    )
    assert isinstance(person, Person)
    (tool,) = endpoint.last_body["tools"]
    assert tool["strict"] is False
    assert sorted(tool["parameters"]["required"]) == ["age", "name"]


def test_bind_tools_keeps_strict_unset(endpoint: LocalEndpoint) -> None:
    _model(endpoint).bind_tools([Person], tool_choice="any").invoke(PROMPT)
    (tool,) = endpoint.last_body["tools"]
    assert tool.get("strict") is not True


def test_json_mode_asks_for_a_json_object(endpoint: LocalEndpoint) -> None:
    prompt = "Return a JSON object with 'name' and 'age' keys for Marie Curie, 66."
    result = _model(endpoint).with_structured_output(None, method="json_mode").invoke(prompt)
    assert isinstance(result, dict)
    assert endpoint.last_body["text"]["format"] == {"type": "json_object"}


def test_include_raw_returns_the_message_too(endpoint: LocalEndpoint) -> None:
    out = _model(endpoint).with_structured_output(Person, include_raw=True).invoke(PROMPT)
    assert isinstance(out["raw"], AIMessage)
    assert isinstance(out["parsed"], Person)
    assert out["parsing_error"] is None


def test_streaming_yields_growing_partial_dicts_then_the_whole(endpoint: LocalEndpoint) -> None:
    chain = _model(endpoint).with_structured_output(PersonDict)
    parts = list(chain.stream(PROMPT))
    assert len(parts) > 1
    assert parts[-1] == chain.invoke(PROMPT)
    assert all(isinstance(p, dict) for p in parts)
    assert endpoint.bodies()[0]["stream"] is True


async def test_async_streaming_of_a_pydantic_schema_yields_only_valid_objects(
    endpoint: LocalEndpoint,
) -> None:
    chain = _model(endpoint).with_structured_output(Person)
    parts = [p async for p in chain.astream(PROMPT)]
    assert parts
    assert all(isinstance(p, Person) for p in parts)
    assert parts[-1] == await chain.ainvoke(PROMPT)


# ----- the parser on its own -----------------------------------------------------------------


def _generation(message: AIMessage) -> list[ChatGeneration]:
    return [ChatGeneration(message=message)]


@pytest.mark.parametrize(
    "message",
    [
        AIMessage("", additional_kwargs={"refusal": "I can't share that."}),
        AIMessage([{"type": "refusal", "refusal": "I can't share that."}]),
    ],
    ids=["v0", "v1"],
)
def test_refusal_raises_a_langchain_refusal_error(message: AIMessage) -> None:
    with pytest.raises(OVHRefusalError, match=r"I can't share that\.") as caught:
        StructuredOutputParser().parse_result(_generation(message))
    assert isinstance(caught.value, lc_errors.ModelRefusalError)
    assert caught.value.raw_message is message
    assert caught.value.refusal == "I can't share that."


def test_refusal_in_a_stream_raises_too() -> None:
    parser = StructuredOutputParser()
    chunks = [AIMessageChunk(content="", additional_kwargs={"refusal": "No."})]
    with pytest.raises(OVHRefusalError):
        list(parser.transform(iter(chunks)))


def test_invalid_json_is_an_output_parser_exception() -> None:
    with pytest.raises(OVHOutputParserError) as caught:
        StructuredOutputParser().parse_result(_generation(AIMessage("Sure! name=Marie")))
    assert isinstance(caught.value, lc_errors.OutputParserException)
    assert caught.value.llm_output == "Sure! name=Marie"


def test_json_that_misses_the_schema_is_an_output_parser_exception() -> None:
    parser = StructuredOutputParser(pydantic_schema=Person)
    with pytest.raises(lc_errors.OutputParserException, match="Person"):
        parser.parse_result(_generation(AIMessage('{"name": "Marie"}')))


def test_partial_parse_reads_a_cut_json_text() -> None:
    parser = StructuredOutputParser()
    assert parser.parse_result(_generation(AIMessage('{"name": "Mar')), partial=True) == {
        "name": "Mar"
    }
    assert parser.parse_result(_generation(AIMessage("")), partial=True) is None
    typed = StructuredOutputParser(pydantic_schema=Person)
    assert typed.parse_result(_generation(AIMessage('{"name": "Mar')), partial=True) is None
