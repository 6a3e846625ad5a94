"""``ChatOVHResponses`` against vLLM: invoke, stream, async, tools, structured output, errors."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from pydantic import BaseModel

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses.errors import BadRequestError, ContextOverflowError, ModelNotFoundError


def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"sunny in {city}"


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


class Person(BaseModel):
    name: str
    age: int


@pytest.fixture
def llm(engine_url: str, model: str) -> ChatOVHResponses:
    return ChatOVHResponses(model=model, base_url=engine_url, api_key="unused", max_retries=0)


def test_invoke_gives_text_reasoning_and_usage(llm: ChatOVHResponses) -> None:
    message = llm.invoke("What is the capital of France?")
    assert isinstance(message, AIMessage)
    assert isinstance(message.content, str)
    assert message.content.strip()
    assert message.additional_kwargs["reasoning_content"].strip()
    usage = message.usage_metadata
    assert usage is not None
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["output_token_details"]["reasoning"] > 0
    assert message.response_metadata["model_name"] == llm.model
    assert message.id


def test_stream_chunks_add_up(llm: ChatOVHResponses) -> None:
    chunks = list(llm.stream("Hello"))
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    whole = chunks[0]
    for chunk in chunks[1:]:
        whole += chunk
    assert isinstance(whole.content, str)
    assert whole.content.strip()
    assert whole.usage_metadata is not None
    assert whole.usage_metadata["output_tokens"] > 0
    assert whole.additional_kwargs.get("reasoning_content", "").strip()


async def test_ainvoke_and_astream(llm: ChatOVHResponses) -> None:
    message = await llm.ainvoke([HumanMessage("Hi")])
    assert isinstance(message.content, str)
    assert message.content.strip()
    text = ""
    async for chunk in llm.astream("Hi"):
        assert isinstance(chunk.content, str)
        text += chunk.content
    assert text.strip()


def test_v1_output_puts_reasoning_block_first(engine_url: str, model: str) -> None:
    llm = ChatOVHResponses(model=model, base_url=engine_url, api_key="unused", output_version="v1")
    message = llm.invoke("What is 2 + 2?")
    assert isinstance(message.content, list)
    kinds = [block["type"] for block in message.content if isinstance(block, dict)]
    assert kinds[0] == "reasoning"
    assert "text" in kinds


def test_bind_tools_named_choice_then_tool_result(llm: ChatOVHResponses) -> None:
    bound = llm.bind_tools([get_weather, add], tool_choice="get_weather", strict=True)
    question = HumanMessage("What is the weather in Paris?")
    first = bound.invoke([question])
    assert [call["name"] for call in first.tool_calls][:1] == ["get_weather"]
    call = first.tool_calls[0]
    assert set(call["args"]) == {"city"}
    reply = ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"])
    second = llm.bind_tools([get_weather, add]).invoke([question, first, reply])
    assert second.tool_calls == []
    assert isinstance(second.content, str)
    assert second.content.strip()


def test_bind_tools_any_with_strict_streams_a_valid_call(llm: ChatOVHResponses) -> None:
    bound = llm.bind_tools([add], tool_choice="any", strict=True, parallel_tool_calls=False)
    chunks = list(bound.stream("Add 3 and 4."))
    whole = chunks[0]
    for chunk in chunks[1:]:
        whole += chunk
    assert isinstance(whole, AIMessageChunk)
    assert [call["name"] for call in whole.tool_calls] == ["add"]
    args = whole.tool_calls[0]["args"]
    assert set(args) == {"a", "b"}
    assert all(isinstance(v, int) for v in args.values())


@pytest.mark.parametrize(("method", "strict"), [("json_schema", None), ("function_calling", True)])
def test_with_structured_output(llm: ChatOVHResponses, method: str, strict: bool | None) -> None:
    # function_calling needs strict=True on vLLM: a tool without it gets no argument grammar.
    structured = llm.with_structured_output(Person, method=method, strict=strict)  # type: ignore[arg-type]
    person = structured.invoke("Alice is 30 years old. Return JSON.")
    assert isinstance(person, Person)


def test_structured_output_json_mode_and_stream(llm: ChatOVHResponses) -> None:
    structured = llm.with_structured_output(method="json_mode")
    data = structured.invoke("Give the capital of Italy as JSON.")
    assert isinstance(data, dict)
    schema = {
        "title": "person",
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    parts = list(llm.with_structured_output(schema).stream("Bob is 41. Return JSON."))
    assert parts
    assert set(parts[-1]) == {"name", "age"}
    assert json.loads(json.dumps(parts[-1])) == parts[-1]


def test_max_tokens_gives_incomplete_metadata(engine_url: str, model: str) -> None:
    llm = ChatOVHResponses(model=model, base_url=engine_url, api_key="unused", max_tokens=4)
    message = llm.invoke("Count from 1 to 8.")
    assert message.response_metadata["status"] == "incomplete"
    assert message.response_metadata["incomplete_details"] == {"reason": "max_output_tokens"}
    assert message.response_metadata["finish_reason"] == "length"


def test_errors_are_typed(engine_url: str, model: str, max_model_len: int) -> None:
    unknown = ChatOVHResponses(
        model="no-such-model", base_url=engine_url, api_key="unused", max_retries=0
    )
    with pytest.raises(ModelNotFoundError):
        unknown.invoke("Hi")
    llm = ChatOVHResponses(model=model, base_url=engine_url, api_key="unused", max_retries=0)
    with pytest.raises(ContextOverflowError):
        llm.invoke("hello " * (2 * max_model_len))
    with pytest.raises(ContextOverflowError):
        list(llm.stream("hello " * (2 * max_model_len)))
    bad = {
        "title": "bad",
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/missing"}},
        "required": ["a"],
    }
    with pytest.raises(BadRequestError):
        llm.with_structured_output(bad, strict=False).invoke("Hi")
