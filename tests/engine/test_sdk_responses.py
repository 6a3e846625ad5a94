"""vLLM's /v1/responses through the bare openai SDK: the wire facts the library is built on.

These tests pin what the engine does, so a change of vLLM that the core would have to follow shows
up here first, before it shows up as an adapter failure. FINDINGS.md says what each one taught.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import openai
import pytest

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI
    from openai.types.responses import FunctionToolParam, Response

WEATHER_TOOL: FunctionToolParam = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather in a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    "strict": True,
}
ADD_TOOL: FunctionToolParam = {
    "type": "function",
    "name": "add",
    "description": "Add two integers.",
    "parameters": {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
        "additionalProperties": False,
    },
    "strict": True,
}
PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}


def _types(response: Response) -> list[str]:
    return [item.type for item in response.output]


def _calls(response: Response) -> list[Any]:
    return [item for item in response.output if item.type == "function_call"]


# ----- plain, stream, async ---------------------------------------------------------------------


def test_plain_create_answers_with_reasoning_then_message(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(
        model=model, input="What is the capital of France?", store=False
    )
    assert response.status == "completed"
    assert response.id.startswith("resp_")
    assert response.model == model
    assert _types(response) == ["reasoning", "message"]
    message = response.output[1]
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.status == "completed"
    assert [part.type for part in message.content] == ["output_text"]
    assert response.output_text.strip()
    # The blank line the model writes after </think> is left in the answer.
    assert response.output_text.startswith("\n\n")
    assert response.incomplete_details is None
    assert response.error is None


def test_instructions_and_message_list_are_accepted(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(
        model=model,
        instructions="You are a concise assistant. Answer briefly.",
        input=[
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hello! How can I help you today?"},
            {"role": "user", "content": [{"type": "input_text", "text": "What is 2 + 3?"}]},
        ],
        store=False,
    )
    assert response.status == "completed"
    assert response.output_text.strip()


def test_usage_counts_prompt_and_output_tokens(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(model=model, input="Hello", store=False)
    usage = response.usage
    assert usage is not None
    assert usage.input_tokens > 0
    assert usage.output_tokens > 0
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    # vLLM fills the reasoning-token count; cached tokens are reported as a number too.
    assert 0 < usage.output_tokens_details.reasoning_tokens < usage.output_tokens
    assert usage.input_tokens_details.cached_tokens >= 0


def test_stream_events_add_up_to_the_final_response(sdk: OpenAI, model: str) -> None:
    events = list(
        sdk.responses.create(
            model=model, input="What is the capital of Spain?", store=False, stream=True
        )
    )
    kinds = [event.type for event in events]
    assert kinds[0] == "response.created"
    assert kinds[-1] == "response.completed"
    assert "response.in_progress" in kinds
    numbers = [event.sequence_number for event in events]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
    final = events[-1].response
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == final.output_text
    reasoning = "".join(e.delta for e in events if e.type == "response.reasoning_text.delta")
    assert reasoning.strip()
    assert _types(final) == ["reasoning", "message"]
    assert final.usage is not None
    assert final.usage.output_tokens > 0


async def test_async_create_and_stream(async_sdk: AsyncOpenAI, model: str) -> None:
    response = await async_sdk.responses.create(model=model, input="Hi", store=False)
    assert response.status == "completed"
    assert response.output_text.strip()
    stream = await async_sdk.responses.create(model=model, input="Hi", store=False, stream=True)
    kinds = [event.type async for event in stream]
    assert kinds[0] == "response.created"
    assert kinds[-1] == "response.completed"
    assert "response.output_text.delta" in kinds


# ----- reasoning --------------------------------------------------------------------------------


def test_reasoning_item_carries_reasoning_text(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(model=model, input="What is 4 + 5?", store=False)
    item = response.output[0]
    assert item.type == "reasoning"
    assert item.id.startswith("rs_")
    assert item.content is not None
    assert [part.type for part in item.content] == ["reasoning_text"]
    assert item.content[0].text.strip()
    assert item.summary == []
    assert "</think>" not in response.output_text
    assert "<think>" not in item.content[0].text


def test_reasoning_effort_none_turns_thinking_off(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(
        model=model, input="Hello", reasoning={"effort": "none"}, store=False
    )
    assert response.status == "completed"
    assert _types(response) == ["message"]
    assert response.output_text.strip()


# ----- tools ------------------------------------------------------------------------------------


def test_named_tool_choice_calls_that_tool(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(
        model=model,
        input="What is the weather in Paris?",
        tools=[ADD_TOOL, WEATHER_TOOL],
        tool_choice={"type": "function", "name": "get_weather"},
        store=False,
    )
    calls = _calls(response)
    assert len(calls) >= 1
    assert {call.name for call in calls} == {"get_weather"}
    args = json.loads(calls[0].arguments)
    assert set(args) == {"city"}
    assert isinstance(args["city"], str)
    assert calls[0].call_id
    assert calls[0].id.startswith("fc_")
    assert response.status == "completed"


def test_required_with_strict_gives_schema_valid_arguments(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(
        model=model,
        input="Please help.",
        tools=[ADD_TOOL],
        tool_choice="required",
        parallel_tool_calls=False,
        store=False,
    )
    calls = _calls(response)
    assert [call.name for call in calls] == ["add"]
    args = json.loads(calls[0].arguments)
    assert set(args) == {"a", "b"}
    assert all(isinstance(args[k], int) for k in ("a", "b"))


def test_turn_after_function_call_output_is_text(sdk: OpenAI, model: str) -> None:
    first = sdk.responses.create(
        model=model,
        input="What is the weather in Lyon?",
        tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "name": "get_weather"},
        store=False,
    )
    call = _calls(first)[0]
    second = sdk.responses.create(
        model=model,
        input=[
            {"role": "user", "content": "What is the weather in Lyon?"},
            {
                "type": "function_call",
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            },
            {"type": "function_call_output", "call_id": call.call_id, "output": "sunny, 21 C"},
        ],
        tools=[WEATHER_TOOL],
        tool_choice="none",
        store=False,
    )
    assert second.status == "completed"
    assert _calls(second) == []
    assert second.output_text.strip()


def test_streamed_tool_call_arguments_add_up(sdk: OpenAI, model: str) -> None:
    events = list(
        sdk.responses.create(
            model=model,
            input="What is 3 plus 4?",
            tools=[ADD_TOOL],
            tool_choice={"type": "function", "name": "add"},
            store=False,
            stream=True,
        )
    )
    kinds = [e.type for e in events]
    assert kinds[-1] == "response.completed"
    done = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert len(done) == 1
    deltas = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    assert deltas == done[0].arguments
    assert set(json.loads(done[0].arguments)) == {"a", "b"}
    final_calls = _calls(events[-1].response)
    assert [c.arguments for c in final_calls] == [done[0].arguments]


# ----- structured output ------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_json_schema_output_matches_the_schema(sdk: OpenAI, model: str, stream: bool) -> None:
    fmt = {"type": "json_schema", "name": "person", "schema": PERSON_SCHEMA, "strict": True}
    prompt = "Alice is 30 years old. Return JSON."
    if stream:
        events = list(
            sdk.responses.create(
                model=model, input=prompt, text={"format": fmt}, store=False, stream=True
            )
        )
        response = events[-1].response
    else:
        response = sdk.responses.create(
            model=model, input=prompt, text={"format": fmt}, store=False
        )
    assert response.status == "completed"
    data = json.loads(response.output_text)
    assert set(data) == {"name", "age"}
    assert isinstance(data["name"], str)
    assert isinstance(data["age"], int)


def test_json_object_output_is_json(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(
        model=model,
        input="Give the capital of Italy as JSON.",
        text={"format": {"type": "json_object"}},
        store=False,
    )
    assert isinstance(json.loads(response.output_text), dict)


# ----- truncation -------------------------------------------------------------------------------


def test_max_output_tokens_gives_incomplete(sdk: OpenAI, model: str) -> None:
    response = sdk.responses.create(
        model=model, input="Count from 1 to 8.", max_output_tokens=3, store=False
    )
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage is not None
    assert response.usage.output_tokens == 3
    # Items cut by the limit still say "completed" (OpenAI marks them "incomplete").
    assert {item.status for item in response.output if item.type == "message"} <= {"completed"}


def test_stream_cut_by_max_output_tokens_ends_in_completed_event(sdk: OpenAI, model: str) -> None:
    events = list(
        sdk.responses.create(
            model=model, input="Count from 1 to 8.", max_output_tokens=3, store=False, stream=True
        )
    )
    last = events[-1]
    # OpenAI ends such a stream with "response.incomplete"; vLLM sends "response.completed"
    # carrying status "incomplete".
    assert last.type == "response.completed"
    assert last.response.status == "incomplete"
    assert last.response.incomplete_details is not None
    assert last.response.incomplete_details.reason == "max_output_tokens"


# ----- errors -----------------------------------------------------------------------------------


def test_unknown_model_is_404_naming_the_model(sdk: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        sdk.responses.create(model="no-such-model", input="Hi", store=False)
    assert info.value.status_code == 404
    body = info.value.body
    assert isinstance(body, dict)
    assert body.get("param") == "model"
    assert "no-such-model" in str(body.get("message"))


def test_schema_the_engine_cannot_compile_is_400(sdk: OpenAI, model: str) -> None:
    schema = {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}, "required": ["a"]}
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(
            model=model,
            input="Hi",
            text={"format": {"type": "json_schema", "name": "bad", "schema": schema}},
            store=False,
        )
    assert info.value.status_code == 400


def test_prompt_longer_than_the_context_is_400(sdk: OpenAI, model: str, max_model_len: int) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model=model, input="hello " * (2 * max_model_len), store=False)
    assert info.value.status_code == 400
    assert str(max_model_len) in info.value.message


def test_errors_come_before_a_stream_starts(sdk: OpenAI, model: str, max_model_len: int) -> None:
    # No SSE "error" event: the HTTP status says it, so create() raises before any event.
    with pytest.raises(openai.NotFoundError):
        sdk.responses.create(model="no-such-model", input="Hi", store=False, stream=True)
    with pytest.raises(openai.BadRequestError):
        sdk.responses.create(
            model=model, input="hello " * (2 * max_model_len), store=False, stream=True
        )


def test_max_output_tokens_over_the_context_is_400(
    sdk: OpenAI, model: str, max_model_len: int
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(
            model=model, input="Hi", max_output_tokens=max_model_len + 1, store=False
        )
    body = info.value.body
    assert isinstance(body, dict)
    assert body.get("param") == "max_output_tokens"
