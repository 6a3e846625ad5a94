"""``ovh_responses.client.ResponsesClient`` against vLLM: results, deltas and typed errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import BadRequestError, ContextOverflowError, ModelNotFoundError
from ovh_responses.request import build_request
from ovh_responses.types import (
    Done,
    ReasoningDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)
from ovh_responses.wire.structured import json_schema_format
from ovh_responses.wire.tools import function_tool, strict_schema, tool_choice_param

if TYPE_CHECKING:
    from openai.types.responses.response_create_params import ResponseCreateParams

WEATHER = function_tool(
    "get_weather",
    "Get the current weather in a city.",
    strict_schema({"type": "object", "properties": {"city": {"type": "string"}}}),
    strict=True,
)
ADD = function_tool(
    "add",
    "Add two integers.",
    strict_schema(
        {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}
    ),
    strict=True,
)
PERSON = strict_schema(
    {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}}
)


def _finish(client: ResponsesClient, body: ResponseCreateParams) -> Result:
    """The result of ``body``, streamed or not as the body says."""
    if body.get("stream"):
        done = list(client.stream(body))[-1]
        assert isinstance(done, Done)
        return done.result
    return client.create(body)


@pytest.fixture
def client(engine_url: str) -> Iterator[ResponsesClient]:
    c = ResponsesClient(api_key="unused", base_url=engine_url, max_retries=0)
    yield c
    c.close()


def test_create_gives_text_reasoning_and_usage(client: ResponsesClient, model: str) -> None:
    result = client.create(build_request(model=model, input="What is the capital of Italy?"))
    assert result.status == "completed"
    assert not result.is_incomplete
    assert result.text.strip()
    assert result.reasoning_text.strip()
    assert result.usage is not None
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
    assert 0 < result.usage.reasoning_tokens < result.usage.output_tokens
    assert result.model == model
    assert result.function_calls == []


def test_stream_deltas_end_with_done_matching_the_text(client: ResponsesClient, model: str) -> None:
    deltas = list(client.stream(build_request(model=model, input="Hello", stream=True)))
    assert isinstance(deltas[-1], Done)
    assert not any(isinstance(d, Done) for d in deltas[:-1])
    result = deltas[-1].result
    text = "".join(d.text for d in deltas if isinstance(d, TextDelta))
    assert text == result.text
    assert text.strip()
    reasoning = "".join(d.text for d in deltas if isinstance(d, ReasoningDelta))
    assert reasoning == result.reasoning_text
    assert result.usage is not None


async def test_async_create_and_stream(client: ResponsesClient, model: str) -> None:
    result = await client.acreate(build_request(model=model, input="Hi"))
    assert result.text.strip()
    deltas = [d async for d in client.astream(build_request(model=model, input="Hi", stream=True))]
    assert isinstance(deltas[-1], Done)
    assert "".join(d.text for d in deltas if isinstance(d, TextDelta)) == deltas[-1].result.text


def test_named_tool_choice_gives_a_parsed_call(client: ResponsesClient, model: str) -> None:
    body = build_request(
        model=model,
        input="What is the weather in Paris?",
        tools=[ADD, WEATHER],
        tool_choice=tool_choice_param("get_weather", ["add", "get_weather"]),
    )
    result = client.create(body)
    assert [c.name for c in result.function_calls][:1] == ["get_weather"]
    call = result.function_calls[0]
    assert call.error is None
    assert call.parsed_arguments is not None
    assert set(call.parsed_arguments) == {"city"}
    assert call.call_id


def test_required_strict_tool_call_streams_as_start_and_args(
    client: ResponsesClient, model: str
) -> None:
    body = build_request(
        model=model,
        input="Add 3 and 4.",
        tools=[ADD],
        tool_choice=tool_choice_param("any", ["add"]),
        parallel_tool_calls=False,
        stream=True,
    )
    deltas = list(client.stream(body))
    starts = [d for d in deltas if isinstance(d, ToolCallStart)]
    assert [s.name for s in starts] == ["add"]
    args = "".join(d.delta for d in deltas if isinstance(d, ToolCallArgsDelta))
    result = deltas[-1].result  # type: ignore[union-attr]
    assert [c.arguments for c in result.function_calls] == [args]
    parsed = json.loads(args)
    assert set(parsed) == {"a", "b"}
    assert all(isinstance(v, int) for v in parsed.values())


def test_turn_after_tool_output(client: ResponsesClient, model: str) -> None:
    from ovh_responses.wire.items import function_call_item, function_call_output_item, message_item

    first = client.create(
        build_request(
            model=model,
            input="What is the weather in Lyon?",
            tools=[WEATHER],
            tool_choice=tool_choice_param("get_weather", ["get_weather"]),
        )
    )
    call = first.function_calls[0]
    history = [
        message_item("user", "What is the weather in Lyon?"),
        function_call_item(call.call_id, call.name, call.arguments),
        function_call_output_item(call.call_id, "sunny, 21 C"),
    ]
    result = client.create(
        build_request(model=model, input=history, tools=[WEATHER], tool_choice="none")
    )
    assert result.function_calls == []
    assert result.text.strip()


def test_round_trip_of_output_items_is_accepted(client: ResponsesClient, model: str) -> None:
    """The output of one turn, replayed as input items, is a valid next request."""
    from ovh_responses.wire.items import (
        function_call_output_item,
        message_item,
        output_to_input_items,
    )

    first = client.create(
        build_request(
            model=model,
            input="What is the weather in Oslo?",
            tools=[WEATHER],
            tool_choice=tool_choice_param("get_weather", ["get_weather"]),
        )
    )
    call = first.function_calls[0]
    history = [
        message_item("user", "What is the weather in Oslo?"),
        *output_to_input_items(first.output),
        function_call_output_item(call.call_id, "snowy, 2 C"),
    ]
    result = client.create(build_request(model=model, input=history, tools=[WEATHER]))
    assert result.status == "completed"


@pytest.mark.parametrize("stream", [False, True])
def test_json_schema_text_parses(client: ResponsesClient, model: str, stream: bool) -> None:
    body = build_request(
        model=model,
        input="Bob is 41 years old. Return JSON.",
        text_format=json_schema_format("person", PERSON),
        stream=stream,
    )
    result = _finish(client, body)
    data = json.loads(result.text)
    assert set(data) == {"name", "age"}
    assert isinstance(data["age"], int)


def test_max_output_tokens_is_incomplete(client: ResponsesClient, model: str) -> None:
    result = client.create(
        build_request(model=model, input="Count from 1 to 8.", max_output_tokens=4)
    )
    assert result.is_incomplete
    assert result.incomplete_reason == "max_output_tokens"


def test_streamed_max_output_tokens_is_incomplete(client: ResponsesClient, model: str) -> None:
    deltas = list(
        client.stream(
            build_request(model=model, input="Count from 1 to 8.", max_output_tokens=4, stream=True)
        )
    )
    done = deltas[-1]
    assert isinstance(done, Done)
    assert done.result.is_incomplete
    assert done.result.incomplete_reason == "max_output_tokens"


def test_unknown_model_is_model_not_found(client: ResponsesClient) -> None:
    with pytest.raises(ModelNotFoundError) as info:
        client.create(build_request(model="no-such-model", input="Hi"))
    assert info.value.status_code == 404
    assert "no-such-model" in str(info.value)


def test_uncompilable_schema_is_bad_request(client: ResponsesClient, model: str) -> None:
    schema = {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}, "required": ["a"]}
    with pytest.raises(BadRequestError) as info:
        client.create(
            build_request(
                model=model, input="Hi", text_format=json_schema_format("bad", schema, strict=False)
            )
        )
    assert info.value.status_code == 400
    assert not isinstance(info.value, ContextOverflowError)


@pytest.mark.parametrize("stream", [False, True])
def test_prompt_over_the_context_is_context_overflow(
    client: ResponsesClient, model: str, max_model_len: int, stream: bool
) -> None:
    body = build_request(model=model, input="hello " * (2 * max_model_len), stream=stream)
    with pytest.raises(ContextOverflowError) as info:
        _finish(client, body)
    assert info.value.status_code == 400
    assert info.value.max_context == max_model_len


def test_list_models_reads_the_context_window(
    client: ResponsesClient, model: str, max_model_len: int
) -> None:
    models = {m.id: m for m in client.list_models()}
    assert model in models
    # vLLM lists max_model_len; it overrides the family profile's default.
    assert models[model].context_window == max_model_len
