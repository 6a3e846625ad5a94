"""Every recorded answer, parsed: the expected values are read from the recordings by hand."""

from __future__ import annotations

import json
import warnings
from typing import TYPE_CHECKING, Any

import httpx2
import pytest
from recordings import (
    OPENAI_ERRORS,
    OPENAI_JSON,
    OPENAI_STREAMS,
    VLLM_JSON,
    VLLM_REFUSALS,
    VLLM_STREAMS,
    all_recording_files,
    cassette_bodies,
    cassette_streams,
    http_error,
    sdk_response,
    validated_response,
    vllm_refusal,
    vllm_text,
    wire_events,
)

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import OVHCompatibilityWarning, UnsupportedFeatureError
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.request import build_request
from ovh_responses.types import Done, ReasoningDelta, Result, TextDelta, ToolCallStart, Usage
from ovh_responses.wire.answer import parse_response
from ovh_responses.wire.stream import iter_deltas

if TYPE_CHECKING:
    from ovh_responses.types import Delta


def streamed(text: str) -> tuple[list[Delta], Result]:
    deltas = list(iter_deltas(wire_events(text)))
    last = deltas[-1]
    assert isinstance(last, Done)
    return deltas, last.result


def test_every_recording_is_covered_here() -> None:
    covered = {
        *OPENAI_STREAMS,
        *OPENAI_JSON,
        *OPENAI_ERRORS,
        *VLLM_STREAMS,
        *VLLM_JSON,
        *VLLM_REFUSALS,
    }
    files = all_recording_files()
    assert len(files) == 12
    assert {f.stem for f in files} == covered


# ----- OpenAI, JSON ----------------------------------------------------------------------------


def test_simple_response_with_tool_call() -> None:
    first, second = (
        parse_response(sdk_response(b))
        for b in cassette_bodies("openai_responses_model_simple_response_with_tool_call")
    )
    (call,) = first.function_calls
    assert (call.call_id, call.name) == ("call_YfwRsW8sUxDKipwyhWTzOXCA", "get_capital")
    assert call.item_id == "fc_04907f5d3de791830068fbaa1b310c81958dc9c508e878c632"
    assert call.parsed_arguments == {"country": "PotatoLand"}
    assert first.text == ""
    assert first.usage == Usage(40, 18, 58)
    assert second.text == "The capital of PotatoLand is Potato City."
    assert second.function_calls == []
    assert second.usage == Usage(67, 11, 78)
    assert second.model == "gpt-4o-2024-08-06"
    assert second.id == "resp_0e9950da9eac6a780068fbaa1bc030819da585a6f85ddad1e6"


def test_native_output() -> None:
    first, second = (parse_response(sdk_response(b)) for b in cassette_bodies("native_output"))
    (call,) = first.function_calls
    assert (call.name, call.arguments, call.parsed_arguments) == ("get_user_country", "{}", {})
    assert first.usage == Usage(66, 12, 78)
    assert json.loads(second.text) == {"city": "Mexico City", "country": "Mexico"}
    assert second.status == "completed"
    assert second.usage == Usage(89, 16, 105)


def test_http_error_recording_is_exposed() -> None:
    status, body = http_error()
    assert status == 400
    assert body["error"]["param"] == "temperature"
    assert body["error"]["code"] == "decimal_below_min_value"


# ----- OpenAI and OpenRouter, streamed -------------------------------------------------------


def test_stream_function_call_then_text() -> None:
    call_stream, text_stream = cassette_streams("openai_responses_stream")
    deltas, result = streamed(call_stream)
    assert next(d for d in deltas if isinstance(d, ToolCallStart)).name == "get_capital"
    (call,) = result.function_calls
    assert call.call_id == "call_kL0PCQV7M2WMoVX8V8OtYSAL"
    assert call.arguments == '{"country":"France"}'
    assert result.usage == Usage(255, 16, 271)
    deltas, result = streamed(text_stream)
    assert result.text == "The capital of France is Paris."
    assert result.usage == Usage(278, 9, 287)
    assert result.status == "completed"


def test_streaming_usage_with_reasoning() -> None:
    (text,) = cassette_streams("openai_responses_streaming_usage")
    _, result = streamed(text)
    assert result.model == "gpt-5-2025-08-07"
    assert result.usage == Usage(53, 469, 522, cached_tokens=0, reasoning_tokens=448)
    (reasoning,) = result.reasoning
    assert reasoning.item_id == "rs_0050471a34b36ae60068c97bac4dcc819595fd0f80d6b3c405"
    assert reasoning.text == ""
    assert reasoning.encrypted_content is not None
    assert reasoning.encrypted_content.startswith("gAAAAABoyXvy")
    (call,) = result.function_calls
    assert (call.name, call.parsed_arguments) == ("final_result", {"result": 6666})


def test_openrouter_raw_reasoning_stream() -> None:
    (text,) = cassette_streams("openai_responses_raw_cot_stream_openrouter")
    deltas, result = streamed(text)
    thought = (
        'The user asks: "What is 2+2?" They expect a straightforward answer: 4. Just answer 4.'
    )
    assert [r.text for r in result.reasoning] == [thought]
    assert "".join(d.text for d in deltas if isinstance(d, ReasoningDelta)) == thought
    assert result.text == "4"
    assert result.model == "openai/gpt-oss-20b"
    assert result.usage == Usage(78, 37, 115, reasoning_tokens=22)


# ----- vLLM ------------------------------------------------------------------------------------


def test_vllm_plain_response_cut_by_the_token_limit() -> None:
    result = parse_response(validated_response(vllm_text("vllm_plain")))
    assert result.id == "resp_b986091620c92d29"
    assert result.model == "tiny"
    assert result.status == "incomplete"
    assert result.incomplete_reason == "max_output_tokens"
    assert result.text == "\n" * 16
    assert result.usage == Usage(11, 16, 27)


def test_vllm_stream() -> None:
    deltas, result = streamed(vllm_text("vllm_stream"))
    assert "".join(d.text for d in deltas if isinstance(d, TextDelta)) == "\n\n\n\n"
    assert result.text == "\n\n\n\n"
    assert result.is_incomplete
    assert result.incomplete_reason == "max_output_tokens"
    assert result.usage == Usage(11, 4, 15)


def test_vllm_stream_tool() -> None:
    _, result = streamed(vllm_text("vllm_stream_tool"))
    (call,) = result.function_calls
    assert call.call_id == "chatcmpl-tool-9ab233fffcd9cd76"
    assert call.name == "get_time"
    assert call.parsed_arguments == {"tz": "UTC"}
    assert result.status == "completed"
    assert result.usage == Usage(30, 21, 51)


# ----- vLLM's refusals, replayed to the client ---------------------------------------------------


class Replay:
    """An in-memory server answering each request with the next recorded answer."""

    def __init__(self, *answers: tuple[int, str]) -> None:
        self.answers = list(answers)
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.content))
        status, body = self.answers.pop(0)
        return httpx2.Response(status, content=body, headers={"content-type": "application/json"})

    def client(self) -> ResponsesClient:
        http = httpx2.Client(transport=httpx2.MockTransport(self))
        return ResponsesClient(
            base_url="http://recorded.invalid/v1", http_client=http, max_retries=0
        )


def test_vllms_system_role_refusal_is_learned_and_the_prompt_folded() -> None:
    LEARNED.clear()
    exchange = vllm_refusal("vllm_refusal_system_role")
    assert exchange["response"]["error"]["param"] is None
    replay = Replay(
        (exchange["status"], json.dumps(exchange["response"])), (200, vllm_text("vllm_plain"))
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = replay.client().create(exchange["request"])
    assert result.text == parse_response(sdk_response(vllm_text("vllm_plain"))).text
    first, second = replay.bodies
    assert first["input"][0]["role"] == "system"
    assert second["input"] == [{"type": "message", "role": "user", "content": "Be brief.\n\nHello"}]
    (warned,) = [w for w in caught if issubclass(w.category, OVHCompatibilityWarning)]
    assert "System role not supported" in str(warned.message)
    LEARNED.clear()


def test_vllms_refusal_of_tools_without_a_tool_parser_raises_typed_then_before_sending() -> None:
    LEARNED.clear()
    exchange = vllm_refusal("vllm_refusal_auto_tool_choice")
    chat_tool = exchange["request"]["tools"][0]["function"]
    request = build_request(
        model=exchange["request"]["model"],
        input=exchange["request"]["messages"][0]["content"],
        tools=[{"type": "function", "strict": False, **chat_tool}],
    )
    replay = Replay((exchange["status"], json.dumps(exchange["response"])))
    client = replay.client()
    for _ in range(2):
        with pytest.raises(UnsupportedFeatureError, match="'ovh-tiny-chat' cannot call tools"):
            client.create(request, route="chat_completions")
    assert len(replay.bodies) == 1
    assert replay.bodies[0]["tools"][0]["function"]["name"] == "get_weather"
    LEARNED.clear()


def test_vllms_refusal_of_an_image_raises_typed_then_before_sending() -> None:
    LEARNED.clear()
    exchange = vllm_refusal("vllm_refusal_image")
    assert exchange["response"]["error"]["param"] is None
    replay = Replay((exchange["status"], json.dumps(exchange["response"])))
    client = replay.client()
    with pytest.raises(UnsupportedFeatureError, match="'ovh-tiny-chat' does not read images"):
        client.create(exchange["request"])
    with pytest.raises(UnsupportedFeatureError, match="earlier in this process"):
        client.create(exchange["request"])
    assert len(replay.bodies) == 1
    LEARNED.clear()
