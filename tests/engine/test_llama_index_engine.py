"""``OVHResponses`` against vLLM: chat, stream, async, tools, structured output, errors."""

from __future__ import annotations

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from llama_index_ovh_responses import OVHResponses
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


WEATHER = FunctionTool.from_defaults(fn=get_weather)
ADD = FunctionTool.from_defaults(fn=add)


@pytest.fixture
def llm(engine_url: str, model: str) -> OVHResponses:
    return OVHResponses(model=model, api_base=engine_url, api_key="unused", max_retries=0)


def _user(text: str) -> list[ChatMessage]:
    return [ChatMessage(role=MessageRole.USER, content=text)]


def test_chat_gives_thinking_text_and_usage(llm: OVHResponses) -> None:
    response = llm.chat(_user("What is the capital of Spain?"))
    blocks = response.message.blocks
    assert isinstance(blocks[0], ThinkingBlock)
    assert blocks[0].content.strip()
    assert any(isinstance(b, TextBlock) and b.text.strip() for b in blocks)
    assert (response.message.content or "").strip()
    usage = response.additional_kwargs["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["reasoning_tokens"] > 0
    assert response.additional_kwargs["status"] == "completed"


def test_stream_chat_deltas_add_up(llm: OVHResponses) -> None:
    chunks = list(llm.stream_chat(_user("Hello")))
    text = "".join(c.delta or "" for c in chunks)
    assert text.strip()
    assert chunks[-1].message.content == text
    assert chunks[-1].additional_kwargs["usage"]["output_tokens"] > 0


async def test_achat_and_astream_chat(llm: OVHResponses) -> None:
    response = await llm.achat(_user("Hi"))
    assert (response.message.content or "").strip()
    text = ""
    async for chunk in await llm.astream_chat(_user("Hi")):
        text += chunk.delta or ""
    assert text.strip()


def test_complete(llm: OVHResponses) -> None:
    assert llm.complete("What is 2 + 3?").text.strip()


def test_context_window_comes_from_the_listing(llm: OVHResponses, max_model_len: int) -> None:
    llm.list_models()  # the metadata has the server's context length once the models are listed
    assert llm.metadata.context_window == max_model_len


def test_forced_tool_call_then_answer(llm: OVHResponses) -> None:
    response = llm.chat_with_tools(
        [WEATHER, ADD],
        user_msg="What is the weather in Paris?",
        tool_choice="get_weather",
        strict=True,
    )
    calls = llm.get_tool_calls_from_response(response)
    assert [c.tool_name for c in calls] == ["get_weather"]
    assert set(calls[0].tool_kwargs) == {"city"}
    history = [
        *_user("What is the weather in Paris?"),
        response.message,
        ChatMessage(
            role=MessageRole.TOOL,
            content=get_weather(**calls[0].tool_kwargs),
            additional_kwargs={"tool_call_id": calls[0].tool_id},
        ),
    ]
    final = llm.chat_with_tools([WEATHER, ADD], chat_history=history, tool_choice="none")
    assert llm.get_tool_calls_from_response(final, error_on_no_tool_call=False) == []
    assert (final.message.content or "").strip()


def test_tool_required_with_strict_streams_a_valid_call(llm: OVHResponses) -> None:
    chunks = list(
        llm.stream_chat_with_tools([ADD], user_msg="Add 3 and 4.", tool_required=True, strict=True)
    )
    last = chunks[-1]
    blocks = [b for b in last.message.blocks if isinstance(b, ToolCallBlock)]
    assert [b.tool_name for b in blocks] == ["add"]
    calls = llm.get_tool_calls_from_response(last)
    assert set(calls[0].tool_kwargs) == {"a", "b"}
    assert all(isinstance(v, int) for v in calls[0].tool_kwargs.values())


async def test_structured_predict_sync_async_and_stream(llm: OVHResponses) -> None:
    prompt = PromptTemplate("{name} is {age} years old. Return JSON.")
    person = llm.structured_predict(Person, prompt, name="Alice", age="30")
    assert isinstance(person, Person)
    person = await llm.astructured_predict(Person, prompt, name="Bob", age="41")
    assert isinstance(person, Person)
    parts = list(llm.stream_structured_predict(Person, prompt, name="Carol", age="52"))
    assert parts
    assert isinstance(parts[-1], Person)


def test_max_output_tokens_reports_incomplete(engine_url: str, model: str) -> None:
    llm = OVHResponses(model=model, api_base=engine_url, api_key="unused", max_output_tokens=4)
    response = llm.chat(_user("Count from 1 to 8."))
    assert response.additional_kwargs["status"] == "incomplete"
    assert response.additional_kwargs["incomplete_reason"] == "max_output_tokens"


def test_errors_are_typed(engine_url: str, model: str, max_model_len: int) -> None:
    unknown = OVHResponses(
        model="no-such-model", api_base=engine_url, api_key="unused", max_retries=0
    )
    with pytest.raises(ModelNotFoundError):
        unknown.chat(_user("Hi"))
    llm = OVHResponses(model=model, api_base=engine_url, api_key="unused", max_retries=0)
    with pytest.raises(ContextOverflowError):
        llm.chat(_user("hello " * (2 * max_model_len)))
    with pytest.raises(ContextOverflowError):
        list(llm.stream_chat(_user("hello " * (2 * max_model_len))))
    bad = {
        "type": "json_schema",
        "name": "bad",
        "strict": False,
        "schema": {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}},
    }
    with pytest.raises(BadRequestError):
        llm.chat(_user("Hi"), text_format=bad)
