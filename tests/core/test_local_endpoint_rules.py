"""LocalEndpoint answers OVH's rules and per-model limits as vLLM does (status, type, param)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import openai
import pytest
from openai import OpenAI
from openai.types.chat import ChatCompletion
from openai.types.responses import Response

from ovh_responses.testing import LocalEndpoint, ModelSpec

if TYPE_CHECKING:
    from collections.abc import Callable

PNG_DATA_URL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
TOOL: Any = {
    "type": "function",
    "name": "get_time",
    "description": "Current time in a timezone.",
    "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}},
}


def rejected(sdk: OpenAI, **body: Any) -> openai.APIStatusError:
    body.setdefault("store", False)
    with pytest.raises(openai.APIStatusError) as info:
        sdk.responses.create(**body)
    return info.value


def error_of(exc: openai.APIStatusError) -> dict[str, Any]:
    assert isinstance(exc.body, dict)
    assert set(exc.body) == {"message", "type", "param", "code"}
    return exc.body


def user_image(url: str) -> list[Any]:
    return [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "What is in this image?"},
                {"type": "input_image", "image_url": url, "detail": "auto"},
            ],
        }
    ]


def test_store_true_is_rejected() -> None:
    # The only request of the suite that sends store=true: it goes to a private endpoint made
    # here, not to the shared fixtures whose logs are checked for store=false.
    with LocalEndpoint() as ep:
        sdk = OpenAI(base_url=ep.base_url, api_key="k", max_retries=0)
        with pytest.raises(openai.BadRequestError) as info:
            sdk.responses.create(model="local-chat", input="hi", store=True)
    error = error_of(info.value)
    assert error == {**error, "type": "BadRequestError", "param": "store", "code": 400}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"previous_response_id": "resp_0123456789abcdef"}, "previous_response_id"),
        ({"tools": [{"type": "web_search"}]}, "tools"),
        ({"tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]}, "tools"),
        ({"input": user_image("https://example.com/cat.png")}, "input"),
        ({"input": user_image("data:image/png;base64,@@not-base64@@")}, "input"),
        ({"temperature": 3}, "temperature"),
        ({"max_output_tokens": 0}, "max_output_tokens"),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tools": [TOOL], "tool_choice": {"type": "function", "name": "nope"}}, "tool_choice"),
        ({"reasoning": {"effort": "low"}}, "reasoning"),
        ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "input"),
    ],
)
def test_platform_rules_answer_400_with_param(
    sdk: OpenAI, body: dict[str, Any], param: str
) -> None:
    request = {"model": "local-vision", "input": "hello", **body}
    exc = rejected(sdk, **request)
    assert exc.status_code == 400
    error = error_of(exc)
    assert error["type"] == "BadRequestError"
    assert error["param"] == param
    assert error["code"] == 400


def test_unknown_model_is_404_on_param_model(sdk: OpenAI) -> None:
    exc = rejected(sdk, model="gpt-oss-120B", input="hi")
    assert isinstance(exc, openai.NotFoundError)
    error = error_of(exc)
    assert error["type"] == "NotFoundError"
    assert error["param"] == "model"
    assert "gpt-oss-120B" in error["message"]


def test_chat_completions_only_model(sdk: OpenAI) -> None:
    exc = rejected(sdk, model="local-chat-completions-only", input="hi")
    assert isinstance(exc, openai.NotFoundError)
    message = error_of(exc)["message"]
    assert "/v1/responses" in message
    assert "/v1/chat/completions" in message
    completion = sdk.chat.completions.create(
        model="local-chat-completions-only", messages=[{"role": "user", "content": "hi"}]
    )
    assert completion.choices[0].message.content


def test_embedding_model_is_not_on_responses(sdk: OpenAI) -> None:
    assert isinstance(rejected(sdk, model="bge-m3", input="hi"), openai.NotFoundError)


def test_images_only_on_vision_models(sdk: OpenAI) -> None:
    ok = sdk.responses.create(model="local-vision", input=user_image(PNG_DATA_URL), store=False)
    assert ok.status == "completed"
    exc = rejected(sdk, model="local-chat", input=user_image(PNG_DATA_URL))
    assert error_of(exc)["param"] == "input"
    assert "multimodal" in error_of(exc)["message"]


@pytest.mark.parametrize("choice", ["required", "none", {"type": "function", "name": "get_time"}])
def test_tool_choice_auto_only_model(sdk: OpenAI, choice: Any) -> None:
    exc = rejected(
        sdk, model="local-tool-choice-auto-only", input="hi", tools=[TOOL], tool_choice=choice
    )
    assert error_of(exc)["param"] == "tool_choice"
    ok = sdk.responses.create(
        model="local-tool-choice-auto-only",
        input="What time is it in UTC?",
        tools=[TOOL],
        tool_choice="auto",
        store=False,
    )
    assert ok.output[0].type == "function_call"


@pytest.mark.parametrize(
    "body",
    [
        {"instructions": "Be brief."},
        {"input": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]},
        {
            "input": [
                {"role": "developer", "content": "Be brief."},
                {"role": "user", "content": "hi"},
            ]
        },
    ],
)
def test_no_system_model(sdk: OpenAI, body: dict[str, Any]) -> None:
    exc = rejected(sdk, model="local-no-system", **{"input": "hi", **body})
    assert "System role not supported" in error_of(exc)["message"]
    ok = sdk.responses.create(model="local-no-system", input="hi", store=False)
    assert ok.status == "completed"


def test_no_stream_structured_model(sdk: OpenAI) -> None:
    fmt: Any = {
        "format": {
            "type": "json_schema",
            "name": "Answer",
            "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
        }
    }
    exc = rejected(sdk, model="local-no-stream-structured", input="hi", text=fmt, stream=True)
    assert error_of(exc)["param"] == "text"
    ok = sdk.responses.create(model="local-no-stream-structured", input="hi", text=fmt, store=False)
    assert set(json.loads(ok.output_text)) == {"a"}


def test_no_tools_model(sdk: OpenAI) -> None:
    exc = rejected(sdk, model="Qwen2.5-VL-72B-Instruct", input="hi", tools=[TOOL])
    assert error_of(exc)["param"] == "tools"


def test_no_parallel_tools_model_emits_one_call(sdk: OpenAI) -> None:
    other: Any = {**TOOL, "name": "get_weather", "description": "Weather in a city."}
    prompt = "What is the weather in Paris and the time in Tokyo?"
    both = sdk.responses.create(model="local-chat", input=prompt, tools=[TOOL, other], store=False)
    one = sdk.responses.create(
        model="local-no-parallel-tools", input=prompt, tools=[TOOL, other], store=False
    )
    assert [item.type for item in both.output] == ["function_call", "function_call"]
    assert [item.type for item in one.output] == ["function_call"]


def test_prompt_over_the_context_gives_vllm_max_tokens_message(sdk: OpenAI) -> None:
    exc = rejected(sdk, model="local-small-context", input="word " * 130)
    assert error_of(exc)["message"] == "max_tokens must be at least 1, got -2."


def test_reasoning_effort_accepted_on_reasoning_models(sdk: OpenAI) -> None:
    for model in ("gpt-oss-20b", "Qwen3.5-9B", "local-reasoning"):
        response = sdk.responses.create(
            model=model, input="hi", reasoning={"effort": "low"}, store=False
        )
        assert response.output[0].type == "reasoning"


JSON_SCHEMA_TEXT: Any = {
    "format": {
        "type": "json_schema",
        "name": "Answer",
        "schema": {
            "type": "object",
            "properties": {"a": {"type": "string"}},
            "required": ["a"],
            "additionalProperties": False,
        },
        "strict": True,
    }
}
CHAT_JSON_SCHEMA: Any = {
    "type": "json_schema",
    "json_schema": {"name": "Answer", "schema": JSON_SCHEMA_TEXT["format"]["schema"]},
}


@pytest.mark.parametrize("stream", [False, True])
def test_no_json_schema_model_refuses_json_schema_on_responses(sdk: OpenAI, stream: bool) -> None:
    exc = rejected(
        sdk, model="local-no-json-schema", input="hi", text=JSON_SCHEMA_TEXT, stream=stream
    )
    assert isinstance(exc, openai.BadRequestError)
    error = error_of(exc)
    assert (error["type"], error["param"], error["code"]) == ("BadRequestError", "text", 400)
    assert "json_schema" in error["message"]


def test_no_json_schema_model_still_does_json_object_and_tools(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-no-json-schema",
        input="Reply in JSON with the 'answer' key: what is the capital of France?",
        text={"format": {"type": "json_object"}},
        store=False,
    )
    Response.model_validate(response.model_dump(mode="json", exclude_unset=True))
    assert set(json.loads(response.output_text)) == {"answer"}
    called = sdk.responses.create(
        model="local-no-json-schema", input="What time is it in UTC?", tools=[TOOL], store=False
    )
    assert [item.type for item in called.output] == ["function_call"]


def test_no_json_schema_model_on_chat_completions(sdk: OpenAI) -> None:
    messages: Any = [{"role": "user", "content": "Reply in JSON with the 'answer' key."}]
    with pytest.raises(openai.BadRequestError) as info:
        sdk.chat.completions.create(
            model="local-no-json-schema", messages=messages, response_format=CHAT_JSON_SCHEMA
        )
    assert error_of(info.value)["param"] == "response_format"
    completion = sdk.chat.completions.create(
        model="local-no-json-schema", messages=messages, response_format={"type": "json_object"}
    )
    ChatCompletion.model_validate(completion.model_dump(mode="json", exclude_unset=True))
    content = completion.choices[0].message.content
    assert content is not None
    assert set(json.loads(content)) == {"answer"}


def test_structured_false_is_enforced_for_any_model(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    ep = make_endpoint(models=[ModelSpec("acme-plain", 4096, structured=False)])
    sdk = OpenAI(base_url=ep.base_url, api_key="k", max_retries=0)
    exc = rejected(sdk, model="acme-plain", input="hi", text=JSON_SCHEMA_TEXT)
    assert error_of(exc)["param"] == "text"
    ok = sdk.responses.create(
        model="acme-plain", input="hi", text={"format": {"type": "json_object"}}, store=False
    )
    assert isinstance(json.loads(ok.output_text), dict)


def test_json_schema_works_on_a_structured_model(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-chat", input="The value 'x'.", text=JSON_SCHEMA_TEXT, store=False
    )
    assert json.loads(response.output_text) == {"a": "x"}


TWO_TOOLS_PROMPT = "What is the weather in Paris and the time in Tokyo?"
WEATHER: Any = {**TOOL, "name": "get_weather", "description": "Weather in a city."}


def test_rejects_parallel_tools_model_refuses_an_explicit_true(sdk: OpenAI) -> None:
    exc = rejected(
        sdk,
        model="local-rejects-parallel-tools",
        input=TWO_TOOLS_PROMPT,
        tools=[TOOL, WEATHER],
        parallel_tool_calls=True,
    )
    assert isinstance(exc, openai.BadRequestError)
    error = error_of(exc)
    assert (error["type"], error["param"]) == ("BadRequestError", "parallel_tool_calls")


@pytest.mark.parametrize("flag", [{"parallel_tool_calls": False}, {}])
def test_rejects_parallel_tools_model_works_with_false_or_absent(
    sdk: OpenAI, flag: dict[str, Any]
) -> None:
    response = sdk.responses.create(
        model="local-rejects-parallel-tools",
        input=TWO_TOOLS_PROMPT,
        tools=[TOOL, WEATHER],
        store=False,
        **flag,
    )
    Response.model_validate(response.model_dump(mode="json", exclude_unset=True))
    assert [item.type for item in response.output] == ["function_call"]


def test_rejects_parallel_tools_model_without_tools_accepts_the_flag(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-rejects-parallel-tools", input="hi", parallel_tool_calls=True, store=False
    )
    assert response.status == "completed"


def test_rejects_parallel_tools_model_on_chat_completions(sdk: OpenAI) -> None:
    tools: Any = [
        {"type": "function", "function": {k: v for k, v in t.items() if k != "type"}}
        for t in (TOOL, WEATHER)
    ]
    messages: Any = [{"role": "user", "content": TWO_TOOLS_PROMPT}]
    with pytest.raises(openai.BadRequestError) as info:
        sdk.chat.completions.create(
            model="local-rejects-parallel-tools",
            messages=messages,
            tools=tools,
            parallel_tool_calls=True,
        )
    assert error_of(info.value)["param"] == "parallel_tool_calls"
    completion = sdk.chat.completions.create(
        model="local-rejects-parallel-tools", messages=messages, tools=tools
    )
    calls = completion.choices[0].message.tool_calls
    assert calls is not None
    assert len(calls) == 1


def test_no_parallel_tools_model_accepts_an_explicit_true(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-no-parallel-tools",
        input=TWO_TOOLS_PROMPT,
        tools=[TOOL, WEATHER],
        parallel_tool_calls=True,
        store=False,
    )
    assert [item.type for item in response.output] == ["function_call"]


@pytest.mark.parametrize(
    ("asked", "param"),
    [
        ({"top_logprobs": 2}, "top_logprobs"),
        ({"include": ["message.output_text.logprobs"]}, "include"),
    ],
)
def test_no_logprobs_model_refuses_log_probabilities(
    sdk: OpenAI, asked: dict[str, Any], param: str
) -> None:
    exc = rejected(sdk, model="local-no-logprobs", input="hi", **asked)
    assert isinstance(exc, openai.BadRequestError)
    error = error_of(exc)
    assert (error["type"], error["param"]) == ("BadRequestError", param)
    assert sdk.responses.create(model="local-no-logprobs", input="hi", store=False).output_text
    other = sdk.responses.create(model="local-chat", input="hi", store=False, **asked)
    assert other.status == "completed"


@pytest.mark.parametrize(
    ("asked", "param"),
    [({"logprobs": True, "top_logprobs": 2}, "top_logprobs"), ({"logprobs": True}, "logprobs")],
)
def test_no_logprobs_model_on_chat_completions(
    sdk: OpenAI, asked: dict[str, Any], param: str
) -> None:
    messages: Any = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.BadRequestError) as info:
        sdk.chat.completions.create(model="local-no-logprobs", messages=messages, **asked)
    assert error_of(info.value)["param"] == param
    completion = sdk.chat.completions.create(model="local-no-logprobs", messages=messages)
    assert completion.choices[0].message.content
