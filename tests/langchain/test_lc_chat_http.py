"""ChatOVHResponses over real HTTP against the local endpoint: what is sent, what comes back,
and how failures surface."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core import exceptions as lc_errors
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_core.rate_limiters import BaseRateLimiter
from langchain_core.tools import tool

from langchain_ovh_responses import (
    ChatOVHResponses,
    OVHAuthenticationError,
    OVHContextOverflowError,
    OVHModelNotFoundError,
    OVHModelNotOnRouteError,
    OVHRateLimitError,
    OVHStreamError,
    OVHStreamInterruptedError,
)
from ovh_responses import errors as core_errors
from ovh_responses.testing import CutStreamFault, ErrorEventFault, LocalEndpoint, RateLimitFault


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny in {city}."


@tool
def get_time(timezone: str) -> str:
    """Get the current time in a timezone."""
    return f"It is 14:30 in {timezone}."


def _model(endpoint: LocalEndpoint, **kwargs: Any) -> ChatOVHResponses:
    return ChatOVHResponses(base_url=endpoint.base_url, **{"model": "local-chat", **kwargs})


def _stream(model: Any, prompt: Any, **kwargs: Any) -> tuple[list[AIMessageChunk], AIMessageChunk]:
    chunks = list(model.stream(prompt, **kwargs))
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    return chunks, full


# ----- the request ------------------------------------------------------------------------


def test_settings_reach_the_body_under_their_responses_names(endpoint: LocalEndpoint) -> None:
    model = _model(
        endpoint,
        model="local-reasoning",
        temperature=0.2,
        top_p=0.9,
        max_tokens=50,
        reasoning_effort="low",
        model_kwargs={"metadata": {"app": "tests"}},
    )
    model.invoke([("system", "Be brief."), ("human", "Hello")])
    body = endpoint.last_body
    assert body["store"] is False
    assert (body["temperature"], body["top_p"], body["max_output_tokens"]) == (0.2, 0.9, 50)
    assert body["reasoning"] == {"effort": "low"}
    assert body["metadata"] == {"app": "tests"}
    assert body["input"] == [
        {"type": "message", "role": "system", "content": "Be brief."},
        {"type": "message", "role": "user", "content": "Hello"},
    ]
    assert "max_tokens" not in body
    assert "stop" not in body


def test_doubtful_parameters_are_dropped_with_a_warning_or_refused_when_strict(
    endpoint: LocalEndpoint,
) -> None:
    with pytest.warns(core_errors.OVHCompatibilityWarning, match="service_tier"):
        _model(endpoint).invoke("Hello", service_tier="flex")
    assert "service_tier" not in endpoint.last_body
    with pytest.raises(core_errors.UnsupportedFeatureError, match="service_tier"):
        _model(endpoint, strict=True).invoke("Hello", service_tier="flex")


def test_stateful_parameters_are_refused_before_sending(endpoint: LocalEndpoint) -> None:
    model = _model(endpoint, model_kwargs={"previous_response_id": "resp_1"})
    with pytest.raises(core_errors.UnsupportedFeatureError, match="previous_response_id"):
        model.invoke("Hello")
    assert endpoint.requests_to("/v1/responses") == []


def test_per_call_model_override(endpoint: LocalEndpoint) -> None:
    answer = _model(endpoint).invoke("Hello", model="Meta-Llama-3_3-70B-Instruct")
    assert endpoint.last_body["model"] == "Meta-Llama-3_3-70B-Instruct"
    assert answer.response_metadata["model_name"] == "Meta-Llama-3_3-70B-Instruct"


def test_one_http_client_per_model_instance(endpoint: LocalEndpoint) -> None:
    model = _model(endpoint)
    model.invoke("Hello")
    first = model._client.openai_client()
    model.invoke("Hello again")
    assert model._client.openai_client() is first


# ----- answers ----------------------------------------------------------------------------


def test_reasoning_is_surfaced_in_both_output_versions(endpoint: LocalEndpoint) -> None:
    v0 = _model(endpoint, model="local-reasoning").invoke("Why is the sky blue?")
    assert v0.additional_kwargs["reasoning_content"]
    assert v0.content_blocks[0]["type"] == "reasoning"
    assert v0.usage_metadata is not None
    assert v0.usage_metadata["output_token_details"]["reasoning"] > 0
    v1 = _model(endpoint, model="local-reasoning", output_version="v1").invoke("Why?")
    assert [b["type"] for b in v1.content_blocks] == ["reasoning", "text"]
    assert str(v1.content_blocks[0].get("id", "")).startswith("rs")


@pytest.mark.parametrize("version", ["v0", "v1"])
def test_streamed_reasoning_and_text_add_up_to_the_invoked_answer(
    endpoint: LocalEndpoint, version: str
) -> None:
    model = _model(endpoint, model="local-reasoning", output_version=version)
    chunks, full = _stream(model, "Why is the sky blue?")
    answer = model.invoke("Why is the sky blue?")
    assert full.text == answer.text
    assert [b["type"] for b in full.content_blocks] == [b["type"] for b in answer.content_blocks]
    assert chunks[-1].chunk_position == "last"
    assert full.usage_metadata == answer.usage_metadata


def test_streamed_parallel_tool_calls_keep_their_arguments_apart(endpoint: LocalEndpoint) -> None:
    model = _model(endpoint).bind_tools([get_weather, get_time])
    prompt = "Use get_weather for Paris and get_time for Europe/Paris."
    chunks, full = _stream(model, prompt)
    assert [call["name"] for call in full.tool_calls] == ["get_weather", "get_time"]
    indexes = {p["index"] for c in chunks for p in c.tool_call_chunks}
    assert len(indexes) == 2
    invoked = model.invoke(prompt).tool_calls
    assert [(c["name"], c["args"]) for c in full.tool_calls] == [
        (c["name"], c["args"]) for c in invoked
    ]
    assert full.tool_calls[0]["args"] == {"city": "Paris"}
    assert all(call["id"] for call in full.tool_calls)


def test_round_trip_over_http_sends_back_what_the_server_streamed(
    endpoint: LocalEndpoint,
) -> None:
    model = _model(endpoint, model="local-reasoning", output_version="v1")
    bound = model.bind_tools([get_weather], tool_choice="get_weather")
    _, full = _stream(bound, "What is the weather in Lyon?")
    call = full.tool_calls[0]
    history = [HumanMessage("What is the weather in Lyon?"), full, get_weather.invoke(call)]
    answer = bound.invoke(history, tool_choice="auto")
    sent = endpoint.last_body["input"]
    assert [item["type"] for item in sent] == [
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
    ]
    assert sent[2]["call_id"] == call["id"]
    assert sent[3] == {
        "type": "function_call_output",
        "call_id": call["id"],
        "output": "It is sunny in Lyon.",
    }
    assert "sunny" in answer.text


def test_image_reaches_a_vision_model_as_a_data_url(endpoint: LocalEndpoint) -> None:
    data = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    message = HumanMessage(
        [
            {"type": "text", "text": "Describe this image."},
            {"type": "image", "base64": data, "mime_type": "image/png"},
        ]
    )
    _model(endpoint, model="local-vision").invoke([message])
    (part,) = [p for p in endpoint.last_body["input"][0]["content"] if p["type"] == "input_image"]
    assert part["image_url"] == f"data:image/png;base64,{data}"


def test_remote_image_is_refused_before_anything_is_sent(endpoint: LocalEndpoint) -> None:
    message = HumanMessage([{"type": "image", "url": "https://example.com/cat.png"}])
    with pytest.raises(core_errors.UnsupportedFeatureError):
        _model(endpoint, model="local-vision").invoke([message])
    assert endpoint.requests == []


# ----- stop sequences -----------------------------------------------------------------------


def test_stop_is_honoured_without_sending_it(endpoint: LocalEndpoint) -> None:
    full_text = _model(endpoint).invoke("Hello").text
    assert "you" in full_text  # the local model's greeting offers help to "you"
    cut = _model(endpoint, stop=["you"]).invoke("Hello")
    assert cut.text == full_text[: full_text.index("you")]
    assert cut.response_metadata["finish_reason"] == "stop"
    assert "stop" not in endpoint.last_body
    chunks, streamed = _stream(_model(endpoint), "Hello", stop=["you"])
    assert streamed.text == cut.text
    assert chunks[-1].chunk_position == "last"


async def test_stop_is_honoured_in_async_streams(endpoint: LocalEndpoint) -> None:
    full_text = (await _model(endpoint).ainvoke("Hello")).text
    pieces = [chunk.text async for chunk in _model(endpoint).astream("Hello", stop=["help"])]
    assert "".join(pieces) == full_text[: full_text.index("help")]
    assert (await _model(endpoint).ainvoke("Hello", stop=["help"])).text == "".join(pieces)


def test_a_stop_sequence_ends_the_answer_the_same_way_invoked_or_streamed(
    endpoint: LocalEndpoint,
) -> None:
    """The connection is closed at the stop: the id and model are those the stream announced,
    and there is no usage (the server reports it only at the end, which is not read)."""
    full_text = _model(endpoint).invoke("Hello").text
    expected = full_text[: full_text.index("you")]
    invoked = _model(endpoint).invoke("Hello", stop=["you"])
    _, streamed = _stream(_model(endpoint), "Hello", stop=["you"])
    for message in (invoked, streamed):
        assert message.text == expected
        assert message.id is not None
        assert message.id.startswith("resp_")
        assert message.usage_metadata is None
        metadata = message.response_metadata
        assert (metadata["model_name"], metadata["status"]) == ("local-chat", "completed")
        assert (metadata["finish_reason"], metadata["stop_sequence"]) == ("stop", "you")
    assert all(body["stream"] is True for body in endpoint.bodies()[-2:])


# ----- failures -----------------------------------------------------------------------------


def test_rate_limit_is_typed_for_both_libraries(endpoint: LocalEndpoint) -> None:
    endpoint.inject(RateLimitFault(retry_after=7))
    with pytest.raises(OVHRateLimitError) as caught:
        _model(endpoint, max_retries=0).invoke("Hello")
    assert isinstance(caught.value, lc_errors.ModelRateLimitError)
    assert isinstance(caught.value, core_errors.RateLimitError)
    assert caught.value.retry_after == 7
    assert isinstance(caught.value.__cause__, core_errors.RateLimitError)


@pytest.mark.parametrize("key", [None, "wrong-key"], ids=["no-key", "bad-key"])
def test_authentication_failure_is_typed_and_hides_the_key(
    make_endpoint: Callable[..., LocalEndpoint], key: str | None
) -> None:
    protected = make_endpoint(api_key="right-key")
    model = ChatOVHResponses(model="local-chat", base_url=protected.base_url, api_key=key)
    with pytest.raises(OVHAuthenticationError) as caught:
        model.invoke("Hello")
    assert isinstance(caught.value, lc_errors.ModelAuthenticationError)
    assert "wrong-key" not in str(caught.value)
    assert (
        ChatOVHResponses(model="local-chat", base_url=protected.base_url, api_key="right-key")
        .invoke("Hello")
        .text
    )


def test_unknown_model_and_model_off_the_route(endpoint: LocalEndpoint) -> None:
    with pytest.raises(OVHModelNotFoundError) as caught:
        _model(endpoint, model="gpt-oss-120B").invoke("Hello")  # ids are case-sensitive
    assert isinstance(caught.value, lc_errors.ModelNotFoundError)
    with pytest.raises(OVHModelNotOnRouteError):  # forced onto the route that lacks it
        _model(endpoint, model="local-chat-completions-only", route="responses").invoke("Hello")


def test_context_overflow_is_typed(endpoint: LocalEndpoint) -> None:
    with pytest.raises(OVHContextOverflowError) as caught:
        _model(endpoint, model="local-small-context").invoke("word " * 500)
    assert isinstance(caught.value, lc_errors.ContextOverflowError)


def test_error_event_mid_stream_raises_after_the_partial_output(endpoint: LocalEndpoint) -> None:
    endpoint.inject(ErrorEventFault(after_events=5))
    received: list[str] = []

    def consume() -> None:
        for chunk in _model(endpoint).stream("Hello"):
            received.append(chunk.text)

    with pytest.raises(OVHStreamError) as caught:
        consume()
    assert "".join(received), "some text arrived before the failure"
    assert isinstance(caught.value, lc_errors.ModelAPIError)
    assert caught.value.partial_text == "".join(received)


async def test_cut_stream_raises_instead_of_returning_a_short_answer(
    endpoint: LocalEndpoint,
) -> None:
    endpoint.inject(CutStreamFault(after_events=4))
    with pytest.raises(OVHStreamInterruptedError) as caught:
        async for _ in _model(endpoint, max_retries=0).astream("Hello"):
            pass
    assert isinstance(caught.value, lc_errors.ModelConnectionError)


def test_invoke_with_streaming_true_also_raises_on_a_cut_stream(endpoint: LocalEndpoint) -> None:
    endpoint.inject(CutStreamFault(after_events=4))
    with pytest.raises(OVHStreamInterruptedError):
        _model(endpoint, streaming=True, max_retries=0).invoke("Hello")


# ----- framework features -------------------------------------------------------------------


class _Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)


def test_on_llm_new_token_fires_once_per_streamed_piece(endpoint: LocalEndpoint) -> None:
    handler = _Tokens()
    model = _model(endpoint, streaming=True)
    answer = model.invoke("Hello", config={"callbacks": [handler]})
    assert [b.get("stream") for b in endpoint.bodies()] == [True], "streaming=True streams"
    assert "".join(handler.tokens) == answer.text
    assert len([t for t in handler.tokens if t]) > 1


def test_batch_and_abatch_with_max_concurrency(endpoint: LocalEndpoint) -> None:
    model = _model(endpoint)
    prompts = ["Hello", "Reply with exactly: pong", "Reply with exactly: ping"]
    answers = model.batch(prompts, config={"max_concurrency": 2})
    assert [a.text for a in answers[1:]] == ["pong", "ping"]
    assert len(endpoint.requests_to("/v1/responses")) == 3


async def test_abatch(endpoint: LocalEndpoint) -> None:
    answers = await _model(endpoint).abatch(
        ["Reply with exactly: one", "Reply with exactly: two"], config={"max_concurrency": 2}
    )
    assert [a.text for a in answers] == ["one", "two"]


class _CountingLimiter(BaseRateLimiter):
    def __init__(self) -> None:
        self.calls = 0

    def acquire(self, *, blocking: bool = True) -> bool:
        self.calls += 1
        return True

    async def aacquire(self, *, blocking: bool = True) -> bool:
        self.calls += 1
        return True


def test_rate_limiter_is_asked_before_every_request(endpoint: LocalEndpoint) -> None:
    limiter = _CountingLimiter()
    model = _model(endpoint, rate_limiter=limiter)
    model.invoke("Hello")
    list(model.stream("Hello"))
    assert limiter.calls == 2 == len(endpoint.requests_to("/v1/responses"))


def test_headers_anonymous_tier_and_caller_http_client(endpoint: LocalEndpoint) -> None:
    import httpx2

    _model(endpoint, default_headers={"X-Team": "search"}).invoke("Hello")
    request = endpoint.last_request
    assert request.headers["x-team"] == "search"
    assert request.headers["user-agent"].startswith("ovh-responses/")
    assert not request.had_api_key  # no key anywhere: the anonymous tier, no Authorization

    seen: list[str] = []
    with httpx2.Client(event_hooks={"request": [lambda r: seen.append(str(r.url))]}) as client:
        _model(endpoint, http_client=client, api_key="k").invoke("Hello")
    assert seen == [f"{endpoint.base_url}/responses"]
    assert endpoint.last_request.had_api_key


@pytest.mark.parametrize("version", ["v0", "v1"])
def test_round_trip_of_a_real_stream_gives_back_the_items_the_server_sent(
    endpoint: LocalEndpoint, version: str
) -> None:
    """The deltas of a real streamed answer (reasoning, text, a tool call) -> chunks ->
    aggregated message -> input items, compared with the server's own output items."""
    from langchain_ovh_responses._inputs import ai_items
    from langchain_ovh_responses._streaming import ChunkStream
    from ovh_responses.client import ResponsesClient
    from ovh_responses.request import build_request
    from ovh_responses.types import Done
    from ovh_responses.wire.items import output_to_input_items
    from ovh_responses.wire.tools import function_tool

    body = build_request(
        model="local-reasoning",
        input="Say you will check, then use get_weather for Lyon.",
        tools=[
            function_tool(
                "get_weather", "Weather in a city.", get_weather.args_schema.model_json_schema()
            )
        ],  # type: ignore[union-attr]
        stream=True,
    )
    deltas = list(ResponsesClient(base_url=endpoint.base_url).stream(body))
    final = deltas[-1]
    assert isinstance(final, Done)
    converter = ChunkStream(version=version)  # type: ignore[arg-type]
    chunks = [chunk for delta in deltas for chunk in converter.feed(delta)]
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    sent = output_to_input_items(final.result.output)
    assert {item["type"] for item in sent} >= {"reasoning", "function_call"}
    if version == "v0":  # v0 keeps neither item ids nor reasoning
        sent = [
            {k: v for k, v in item.items() if k != "id"}  # type: ignore[misc]
            for item in sent
            if item["type"] != "reasoning"
        ]
    assert ai_items(full) == sent
