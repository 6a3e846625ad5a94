"""The chat-completions route: request conversion, ChatCompletion and chunk streams -> Result
and deltas, with the SDK's own objects and over real HTTP against the local endpoint."""

from __future__ import annotations

import json
import warnings
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from ovh_responses.chat.request import (
    ChatStreamReducer,
    aiter_chat_deltas,
    iter_chat_deltas,
    responses_param,
    result_from_completion,
    to_chat_messages,
    to_chat_request,
)
from ovh_responses.client import ResponsesClient
from ovh_responses.errors import (
    OVHCompatibilityWarning,
    StreamError,
    StreamInterruptedError,
    UnsupportedContentError,
    UnsupportedFeatureError,
)
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint
from ovh_responses.types import (
    Done,
    ReasoningDelta,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
    Usage,
)

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ"
    "/PchI7wAAAABJRU5ErkJggg=="
)
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather of a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
    "strict": True,
}
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}
PERSON_FORMAT = {"type": "json_schema", "name": "person", "schema": PERSON, "strict": True}


def request(**kw: Any) -> Any:
    kw.setdefault("model", "local-chat-completions-only")
    kw.setdefault("input", "Hello")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        return build_request(**kw)


# ----- request ----------------------------------------------------------------------------------


def test_a_full_request_maps_to_chat_completions():
    body = request(
        model="gpt-oss-20b",
        instructions="Be brief.",
        input="What is the weather in Paris?",
        tools=[WEATHER],
        tool_choice={"type": "function", "name": "get_weather"},
        parallel_tool_calls=False,
        temperature=0.2,
        top_p=0.9,
        max_output_tokens=50,
        reasoning={"effort": "low", "summary": "auto"},
        stream=True,
    )
    assert to_chat_request(body) == {
        "model": "gpt-oss-20b",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "What is the weather in Paris?"},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather of a city",
                    "parameters": WEATHER["parameters"],
                    "strict": True,
                },
            }
        ],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "parallel_tool_calls": False,
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 50,
        "reasoning_effort": "low",
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def test_store_is_never_sent_and_plain_text_format_is_left_out():
    body = request(text_format={"type": "text"})
    assert body["store"] is False
    chat = to_chat_request(body)
    assert "store" not in chat
    assert "response_format" not in chat
    assert "stream" not in chat


def test_structured_output_maps_to_response_format():
    assert to_chat_request(request(text_format=PERSON_FORMAT))["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "person", "schema": PERSON, "strict": True},
    }
    json_mode = to_chat_request(request(text_format={"type": "json_object"}))
    assert json_mode["response_format"] == {"type": "json_object"}


def test_a_tool_conversation_maps_to_assistant_tool_calls_and_tool_messages():
    items = [
        {"type": "message", "role": "developer", "content": "Use tools."},
        {"role": "user", "content": [{"type": "input_text", "text": "Weather?"}]},
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": "x"}],
        },
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Let me check.", "annotations": []}],
        },
        {
            "type": "function_call",
            "call_id": "c1",
            "name": "get_weather",
            "arguments": '{"city":"Paris"}',
        },
        {"type": "function_call", "call_id": "c2", "name": "get_weather", "arguments": ""},
        {"type": "function_call_output", "call_id": "c1", "output": "Sunny"},
        {
            "type": "function_call_output",
            "call_id": "c2",
            "output": [{"type": "input_text", "text": "Rain"}],
        },
        {"type": "function_call", "call_id": "c3", "name": "get_weather", "arguments": "{}"},
    ]
    assert to_chat_messages(items) == [
        {"role": "system", "content": "Use tools."},
        {"role": "user", "content": [{"type": "text", "text": "Weather?"}]},
        {
            "role": "assistant",
            "content": "Let me check.",
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                },
                {
                    "id": "c2",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "Sunny"},
        {"role": "tool", "tool_call_id": "c2", "content": "Rain"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c3",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                }
            ],
        },
    ]


def test_images_become_image_url_parts():
    items = [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "What is this?"},
                {"type": "input_image", "image_url": PNG, "detail": "low"},
                {"type": "input_image", "image_url": PNG, "detail": "original"},
            ],
        }
    ]
    assert to_chat_messages(items)[0]["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": PNG, "detail": "low"}},
        {"type": "image_url", "image_url": {"url": PNG, "detail": "auto"}},
    ]


def test_what_chat_completions_cannot_carry_is_refused():
    with pytest.raises(UnsupportedContentError, match="input_file"):
        to_chat_messages([{"role": "user", "content": [{"type": "input_file", "file_id": "f"}]}])
    with pytest.raises(UnsupportedContentError, match="item_reference"):
        to_chat_messages([{"type": "item_reference", "id": "x"}])
    with pytest.raises(UnsupportedFeatureError, match="tool_choice"):
        to_chat_request({"model": "m", "input": "x", "tool_choice": {"type": "allowed_tools"}})


# ----- ChatCompletion -> Result -----------------------------------------------------------------


def completion(
    message: dict[str, Any], finish_reason: str = "stop", **usage: Any
) -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "local-chat-completions-only",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": finish_reason,
                    "message": {"role": "assistant", **message},
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15, **usage},
        }
    )


def test_a_text_completion_becomes_a_result():
    result = result_from_completion(
        completion(
            {"content": "Hello!", "reasoning_content": "The user greets."},
            completion_tokens_details={"reasoning_tokens": 3},
            prompt_tokens_details={"cached_tokens": 4},
        )
    )
    assert result.id == "chatcmpl-1"
    assert result.model == "local-chat-completions-only"
    assert result.status == "completed"
    assert result.text == "Hello!"
    assert result.reasoning_text == "The user greets."
    assert result.usage == Usage(10, 5, 15, cached_tokens=4, reasoning_tokens=3)
    assert [item.type for item in result.output] == ["reasoning", "message"]


def test_newer_vllm_reasoning_field_is_read_too():
    result = result_from_completion(completion({"content": "Hi", "reasoning": "Thinking."}))
    assert result.reasoning_text == "Thinking."


def test_tool_calls_become_function_calls_and_output_items():
    result = result_from_completion(
        completion(
            {
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    },
                    {
                        "id": "c2",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": "{bad"},
                    },
                ],
            },
            finish_reason="tool_calls",
        )
    )
    first, second = result.function_calls
    assert (first.call_id, first.name, first.parsed_arguments) == (
        "c1",
        "get_weather",
        {"city": "Paris"},
    )
    assert second.parsed_arguments is None
    assert second.error is not None
    assert result.text == ""
    assert [(item.type, item.call_id) for item in result.output] == [
        ("function_call", "c1"),
        ("function_call", "c2"),
    ]


def test_a_length_cut_is_an_incomplete_result():
    result = result_from_completion(completion({"content": "Once upon"}, finish_reason="length"))
    assert result.is_incomplete
    assert result.incomplete_reason == "max_output_tokens"


# ----- chunks -> deltas -------------------------------------------------------------------------


def chunk(
    delta: dict[str, Any] | None = None, finish_reason: str | None = None, usage: Any = None
) -> ChatCompletionChunk:
    choices = (
        [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
    )
    return ChatCompletionChunk.model_validate(
        {
            "id": "chatcmpl-2",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "local-chat-completions-only",
            "choices": choices,
            "usage": usage,
        }
    )


def test_a_streamed_answer_gives_reasoning_text_and_usage_deltas():
    chunks = [
        chunk({"role": "assistant", "content": ""}),
        chunk({"reasoning_content": "Greeting."}),
        chunk({"content": "Hel"}),
        chunk({"content": "lo"}, finish_reason="stop"),
        chunk(usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}),
    ]
    deltas = list(iter_chat_deltas(chunks))
    assert deltas[:3] == [
        ReasoningDelta("Greeting.", 0, "text", "rs_chatcmpl-2"),
        TextDelta("Hel", 1, "msg_chatcmpl-2"),
        TextDelta("lo", 1, "msg_chatcmpl-2"),
    ]
    done = deltas[3]
    assert isinstance(done, Done)
    assert done.result.text == "Hello"
    assert done.result.reasoning_text == "Greeting."
    assert done.result.usage == Usage(3, 2, 5)
    assert len(deltas) == 4


def test_streamed_tool_calls_start_once_and_stream_their_arguments():
    chunks = [
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": ""},
                    }
                ]
            }
        ),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}),
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 1,
                        "id": "c2",
                        "type": "function",
                        "function": {"name": "get_time", "arguments": "{}"},
                    }
                ]
            }
        ),
        chunk(
            {"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]},
            finish_reason="tool_calls",
        ),
    ]
    deltas = list(iter_chat_deltas(chunks))
    assert deltas[:-1] == [
        ToolCallStart(0, "c1", "get_weather", "fc_c1"),
        ToolCallArgsDelta(0, '{"city": '),
        ToolCallStart(1, "c2", "get_time", "fc_c2"),
        ToolCallArgsDelta(1, "{}"),
        ToolCallArgsDelta(0, '"Paris"}'),
    ]
    result = deltas[-1].result
    assert [(c.name, c.parsed_arguments) for c in result.function_calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_time", {}),
    ]
    assert result.usage is None


def test_a_stream_without_a_finish_reason_is_interrupted():
    reducer = ChatStreamReducer()
    reducer.feed(chunk({"content": "Half an ans"}))
    with pytest.raises(StreamInterruptedError) as info:
        reducer.finish()
    assert info.value.partial_text == "Half an ans"
    with pytest.raises(StreamInterruptedError):
        list(iter_chat_deltas([chunk({"content": "cut"})]))


async def test_the_async_stream_gives_the_same_deltas():
    chunks = [chunk({"content": "Hi"}, finish_reason="stop")]

    async def agen():
        for c in chunks:
            yield c

    deltas = [d async for d in aiter_chat_deltas(agen())]
    assert deltas == list(iter_chat_deltas(chunks))


# ----- over HTTP --------------------------------------------------------------------------------


@pytest.fixture
def sdk(endpoint) -> openai.OpenAI:
    return openai.OpenAI(base_url=endpoint.base_url, api_key="unused", max_retries=0)


@pytest.fixture
def async_sdk(endpoint) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=endpoint.base_url, api_key="unused", max_retries=0)


def test_invoke_over_http(sdk, endpoint):
    body = request(instructions="Answer briefly.", input="Say hello to OVHcloud.")
    result = result_from_completion(sdk.chat.completions.create(**to_chat_request(body)))
    assert result.status == "completed"
    assert result.text
    assert result.usage is not None
    assert result.usage.input_tokens > 0
    sent = endpoint.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert "store" not in sent.body


def test_stream_over_http(sdk):
    body = request(input="Tell me about Paris.", stream=True)
    deltas = list(iter_chat_deltas(sdk.chat.completions.create(**to_chat_request(body))))
    done = deltas[-1]
    assert isinstance(done, Done)
    assert "".join(d.text for d in deltas if isinstance(d, TextDelta)) == done.result.text
    assert done.result.text
    assert done.result.usage is not None
    assert done.result.usage.output_tokens > 0


def test_tools_round_trip_over_http(sdk):
    first = request(input="What is the weather in Paris? Use get_weather.", tools=[WEATHER])
    result = result_from_completion(sdk.chat.completions.create(**to_chat_request(first)))
    (call,) = result.function_calls
    assert call.name == "get_weather"
    assert call.parsed_arguments is not None
    history = [
        {
            "type": "message",
            "role": "user",
            "content": "What is the weather in Paris? Use get_weather.",
        },
        {
            "type": "function_call",
            "call_id": call.call_id,
            "name": call.name,
            "arguments": call.arguments,
        },
        {"type": "function_call_output", "call_id": call.call_id, "output": "Sunny, 24 C"},
    ]
    second = request(input=history, tools=[WEATHER])
    final = result_from_completion(sdk.chat.completions.create(**to_chat_request(second)))
    assert final.function_calls == []
    assert final.text


def test_streamed_tool_call_over_http(sdk):
    body = request(input="Weather in Lyon? Use get_weather.", tools=[WEATHER], stream=True)
    deltas = list(iter_chat_deltas(sdk.chat.completions.create(**to_chat_request(body))))
    starts = [d for d in deltas if isinstance(d, ToolCallStart)]
    assert [s.name for s in starts] == ["get_weather"]
    args = "".join(d.delta for d in deltas if isinstance(d, ToolCallArgsDelta))
    result = deltas[-1].result
    assert result.function_calls[0].arguments == args
    assert json.loads(args) == result.function_calls[0].parsed_arguments


def test_structured_output_over_http(sdk):
    body = request(input="Ada Lovelace was 36.", text_format=PERSON_FORMAT)
    result = result_from_completion(sdk.chat.completions.create(**to_chat_request(body)))
    value = json.loads(result.text)
    assert set(value) == {"name", "age"}
    assert isinstance(value["age"], int)


async def test_async_stream_over_http(async_sdk):
    body = request(input="Hello there.", stream=True)
    stream = await async_sdk.chat.completions.create(**to_chat_request(body))
    deltas = [d async for d in aiter_chat_deltas(stream)]
    assert isinstance(deltas[-1], Done)
    assert deltas[-1].result.text


def test_a_cut_stream_raises_with_the_partial_text(sdk, endpoint):
    from ovh_responses.testing.protocol.faults import CutStreamFault

    endpoint.inject(CutStreamFault(after_events=3, path="/v1/chat/completions"))
    body = request(input="Tell me a long story about the sea.", stream=True)
    received: list[str] = []

    def read_all() -> None:
        stream = sdk.chat.completions.create(**to_chat_request(body))
        received.extend(d.text for d in iter_chat_deltas(stream) if isinstance(d, TextDelta))

    with pytest.raises(StreamInterruptedError) as info:
        read_all()
    assert info.value.partial_text == "".join(received)


def test_an_error_event_raises_a_stream_error(sdk, endpoint):
    from ovh_responses.testing.protocol.faults import ErrorEventFault

    endpoint.inject(ErrorEventFault(after_events=2, path="/v1/chat/completions"))
    body = request(input="Tell me a long story about the sea.", stream=True)
    with pytest.raises(StreamError, match="failed"):
        list(iter_chat_deltas(sdk.chat.completions.create(**to_chat_request(body))))


def test_chat_parameter_names_map_back_to_responses_names():
    assert responses_param("reasoning_effort") == "reasoning"
    assert responses_param("max_tokens") == "max_output_tokens"
    assert responses_param("response_format.json_schema") == "text"
    assert responses_param("messages[2].content") == "input"
    assert responses_param("temperature") == "temperature"
    assert responses_param(None) is None


# ----- parameters with and without a chat-completions meaning -----------------------------------


def test_parameters_chat_completions_understands_pass_through() -> None:
    extra = {"seed": 7, "frequency_penalty": 0.5, "presence_penalty": 0.1, "top_logprobs": 2}
    with warnings.catch_warnings():
        warnings.simplefilter("error", OVHCompatibilityWarning)
        chat = to_chat_request(request(extra={**extra, "logprobs": True}))
    assert {k: chat[k] for k in [*extra, "logprobs"]} == {**extra, "logprobs": True}  # type: ignore[literal-required]


def test_parameters_without_an_equivalent_are_named_once_in_a_warning() -> None:
    body = request(extra={"x_unheard_of_option": 1, "x_another_unheard_of": {"app": "x"}})
    with pytest.warns(
        OVHCompatibilityWarning, match="'x_another_unheard_of', 'x_unheard_of_option'"
    ):
        chat = to_chat_request(body)
    assert "x_another_unheard_of" not in chat
    assert "x_unheard_of_option" not in chat
    with warnings.catch_warnings():
        warnings.simplefilter("error", OVHCompatibilityWarning)
        to_chat_request(body)  # said once is enough


def test_strict_refuses_parameters_without_an_equivalent() -> None:
    body = request(extra={"x_strict_only_option": 1})
    with pytest.raises(UnsupportedFeatureError, match="x_strict_only_option") as caught:
        to_chat_request(body, strict=True)
    assert caught.value.param == "x_strict_only_option"


def test_strict_refusal_on_the_chat_route_happens_before_sending(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    body = request(extra={"x_strict_route_option": 1})
    with pytest.raises(UnsupportedFeatureError, match="x_strict_route_option"):
        client.create(body, strict=True)
    assert endpoint.requests_to("/v1/chat/completions") == []
