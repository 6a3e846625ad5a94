"""The /v1/responses request body: store=false, refusals, doubtful parameters."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from openai.types.responses import ResponseFormatTextJSONSchemaConfigParam
from openai.types.responses.response_create_params import ResponseCreateParamsNonStreaming
from pydantic import TypeAdapter

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import OVHCompatibilityWarning, UnsupportedFeatureError
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint

DATA_URL = "data:image/png;base64,iVBORw0KGgo="
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    "strict": False,
}


def image_input(url: str) -> list[Any]:
    return [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "What is this?"},
                {"type": "input_image", "image_url": url, "detail": "auto"},
            ],
        }
    ]


def test_minimal_body() -> None:
    assert build_request(model="m", input="hi") == {"model": "m", "input": "hi", "store": False}


def test_all_fields_and_sdk_validation() -> None:
    body = build_request(
        model="gpt-oss-120b",
        input=[{"role": "user", "content": "hi"}],
        instructions="Be brief.",
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
        tool_choice="auto",
        parallel_tool_calls=False,
        temperature=0.2,
        top_p=0.9,
        max_output_tokens=100,
        reasoning={"effort": "low"},
        text_format={"type": "json_schema", "name": "x", "schema": {"type": "object"}},
    )
    assert body == {
        "model": "gpt-oss-120b",
        "input": [{"role": "user", "content": "hi"}],
        "instructions": "Be brief.",
        "tools": [WEATHER_TOOL],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "temperature": 0.2,
        "top_p": 0.9,
        "max_output_tokens": 100,
        "reasoning": {"effort": "low"},
        "text": {"format": {"type": "json_schema", "name": "x", "schema": {"type": "object"}}},
        "store": False,
    }
    TypeAdapter(ResponseCreateParamsNonStreaming).validate_python(body)


def test_stream_flag() -> None:
    assert build_request(model="m", input="hi", stream=True)["stream"] is True
    assert "stream" not in build_request(model="m", input="hi", stream=False)


def test_extra_is_merged_last_and_none_values_are_omitted() -> None:
    body = build_request(
        model="m",
        input="hi",
        temperature=0.5,
        extra={"temperature": 0.1, "top_k": 5, "top_p": None, "metadata": {"a": "b"}},
    )
    assert body == {
        "model": "m",
        "input": "hi",
        "temperature": 0.1,
        "top_k": 5,
        "metadata": {"a": "b"},
        "store": False,
    }


def test_extra_text_merges_with_text_format() -> None:
    fmt: ResponseFormatTextJSONSchemaConfigParam = {
        "type": "json_schema",
        "name": "x",
        "schema": {"type": "object"},
    }
    body = build_request(
        model="m",
        input="hi",
        text_format=fmt,
        extra={"text": {"other": 1}},
    )
    assert body["text"] == {"format": fmt, "other": 1}


def test_store_false_in_extra_is_fine() -> None:
    assert build_request(model="m", input="hi", extra={"store": False})["store"] is False


def test_store_true_is_refused() -> None:
    with pytest.raises(UnsupportedFeatureError, match="store") as info:
        build_request(model="m", input="hi", extra={"store": True})
    assert info.value.param == "store"


@pytest.mark.parametrize("name", ["previous_response_id", "conversation"])
def test_stateful_parameters_are_refused(name: str) -> None:
    with pytest.raises(UnsupportedFeatureError, match=name) as info:
        build_request(model="m", input="hi", extra={name: "resp_123"})
    assert "input" in str(info.value)
    assert info.value.param == name


@pytest.mark.parametrize("kind", ["web_search", "file_search", "code_interpreter", "mcp"])
def test_built_in_tools_are_refused(kind: str) -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        build_request(model="m", input="hi", tools=[WEATHER_TOOL, {"type": kind}])  # type: ignore[list-item,misc]
    assert repr(kind) in str(info.value)
    assert "only custom function tools" in str(info.value)


def test_built_in_tool_in_extra_is_refused() -> None:
    with pytest.raises(UnsupportedFeatureError, match="web_search_preview"):
        build_request(model="m", input="hi", extra={"tools": [{"type": "web_search_preview"}]})


def test_built_in_tool_choice_is_refused() -> None:
    with pytest.raises(UnsupportedFeatureError, match="file_search"):
        build_request(model="m", input="hi", tool_choice={"type": "file_search"})


def test_data_url_image_is_accepted() -> None:
    body = build_request(model="m", input=image_input(DATA_URL))
    assert body["input"] == image_input(DATA_URL)


@pytest.mark.parametrize("url", ["https://example.com/cat.png", "http://x/y.jpg", "cat.png"])
def test_remote_image_is_refused_with_the_fix(url: str) -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        build_request(model="m", input=image_input(url))
    message = str(info.value)
    assert url in message
    assert "base64 data URL" in message


def test_image_by_file_id_is_refused() -> None:
    item = [{"role": "user", "content": [{"type": "input_image", "file_id": "file-1"}]}]
    with pytest.raises(UnsupportedFeatureError, match="file-1"):
        build_request(model="m", input=item)  # type: ignore[arg-type]


def test_doubtful_parameters_dropped_with_one_warning() -> None:
    extra = {
        "user": "u1",
        "service_tier": "auto",
        "include": ["reasoning.encrypted_content"],
        "truncation": "auto",
        "text": {"verbosity": "low"},
        "temperature": 0.3,
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        body = build_request(model="m", input="hi", extra=extra)
    assert body == {"model": "m", "input": "hi", "temperature": 0.3, "store": False}
    assert len(caught) == 1
    warning = caught[0]
    assert issubclass(warning.category, OVHCompatibilityWarning)
    assert issubclass(warning.category, UserWarning)
    for name in ("user", "service_tier", "include", "truncation", "verbosity"):
        assert name in str(warning.message)
    assert warning.filename == __file__


def test_verbosity_dropped_but_text_format_kept() -> None:
    fmt: ResponseFormatTextJSONSchemaConfigParam = {
        "type": "json_schema",
        "name": "x",
        "schema": {"type": "object"},
    }
    with pytest.warns(OVHCompatibilityWarning, match="verbosity"):
        body = build_request(
            model="m",
            input="hi",
            text_format=fmt,
            extra={"text": {"verbosity": "high"}},
        )
    assert body["text"] == {"format": fmt}


def test_every_doubtful_parameter_is_dropped() -> None:
    names = [
        "background",
        "include",
        "max_tool_calls",
        "prompt_cache_key",
        "truncation",
        "prompt",
        "safety_identifier",
        "service_tier",
        "stream_options",
        "user",
        "verbosity",
    ]
    with pytest.warns(OVHCompatibilityWarning) as record:
        body = build_request(model="m", input="hi", extra=dict.fromkeys(names, "x"))
    assert set(body) == {"model", "input", "store"}
    assert len(record) == 1
    assert all(name in str(record[0].message) for name in names)


def test_strict_mode_refuses_doubtful_parameters() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UnsupportedFeatureError, match="user") as info:
            build_request(model="m", input="hi", extra={"user": "u"}, strict=True)
    assert "strict" in str(info.value)


def test_no_warning_without_doubtful_parameters() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_request(model="m", input="hi", extra={"top_k": 3, "user": None})


# ----- nothing is sent when a request is refused ------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"input": "hi", "extra": {"store": True}},
        {"input": "hi", "extra": {"previous_response_id": "resp_1"}},
        {"input": "hi", "extra": {"conversation": "conv_1"}},
        {"input": "hi", "tools": [{"type": "web_search"}]},
        {"input": image_input("https://example.com/cat.png")},
        {"input": "hi", "extra": {"user": "u"}, "strict": True},
    ],
)
def test_refusals_happen_before_anything_is_sent(
    endpoint: LocalEndpoint, kwargs: dict[str, Any]
) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    with pytest.raises(UnsupportedFeatureError):
        client.create(build_request(model="local-vision", **kwargs))
    with pytest.raises(UnsupportedFeatureError):
        list(client.stream(build_request(model="local-vision", stream=True, **kwargs)))
    assert endpoint.requests == []


def test_dropped_parameters_never_reach_the_wire(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    with pytest.warns(OVHCompatibilityWarning, match="user"):
        body = build_request(model="local-chat", input="hi", extra={"user": "u", "top_k": 2})
    client.create(body)
    sent = endpoint.last_body
    assert "user" not in sent
    assert sent["top_k"] == 2
    assert sent["store"] is False


def test_data_url_image_is_accepted_by_the_endpoint(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    result = client.create(build_request(model="local-vision", input=image_input(DATA_URL)))
    assert result.status == "completed"
