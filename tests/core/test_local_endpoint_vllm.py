"""LocalEndpoint follows vLLM 0.32's /v1/responses where the engine tier saw it differ from
OpenAI: output budget against the context, echoed fields, reasoning items, the qwen3 parser's
blank line. Expected values come from what vLLM answered (tests/engine/FINDINGS.md)."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from openai import OpenAI
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseReasoningItem,
)

from ovh_responses import errors
from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint

SMALL = "local-small-context"
SMALL_CONTEXT = 128
TOOL: Any = {
    "type": "function",
    "name": "get_time",
    "description": "Current time in a timezone.",
    "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}},
}
JSON_FORMAT: Any = {
    "format": {
        "type": "json_schema",
        "name": "Answer",
        "schema": {
            "type": "object",
            "properties": {"answer": {"type": "string"}},
            "required": ["answer"],
            "additionalProperties": False,
        },
        "strict": True,
    }
}


@pytest.fixture
def core(endpoint: LocalEndpoint) -> ResponsesClient:
    return ResponsesClient(api_key="test-key-0123", base_url=endpoint.base_url, max_retries=0)


def words(count: int) -> str:
    return "word " * count


def raw_json(sdk: OpenAI, **body: Any) -> dict[str, Any]:
    """The response body as sent, after checking that the SDK's type accepts it."""
    raw = sdk.responses.with_raw_response.create(store=False, **body)
    data: dict[str, Any] = raw.http_response.json()
    Response.model_validate(data)
    return data


def rejected(sdk: OpenAI, **body: Any) -> dict[str, Any]:
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(store=False, **body)
    assert info.value.status_code == 400
    assert isinstance(info.value.body, dict)
    assert set(info.value.body) == {"message", "type", "param", "code"}
    return info.value.body


# ----- output budget against the context ------------------------------------------------------


def test_output_limit_beyond_the_room_left_is_lowered_silently(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model=SMALL, input=words(100), max_output_tokens=50, store=False
    )
    assert response.usage is not None
    assert response.usage.input_tokens == 100
    assert response.max_output_tokens == SMALL_CONTEXT - 100
    # The short answer fits the lowered limit: nothing says it was lowered.
    assert response.status == "completed"
    assert response.incomplete_details is None


def test_lowered_limit_ends_incomplete_when_the_answer_runs_out(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model=SMALL, input=words(126), max_output_tokens=50, store=False
    )
    assert response.max_output_tokens == 2
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage is not None
    assert response.usage.output_tokens == 2


def test_output_limit_above_the_context_length(sdk: OpenAI) -> None:
    error = rejected(sdk, model=SMALL, input="hi", max_output_tokens=5000)
    assert error["param"] == "max_output_tokens"
    assert error["message"] == (
        "max_output_tokens=5000 cannot be greater than max_model_len=128. Please request fewer "
        "output tokens. (parameter=max_output_tokens, value=5000)"
    )


def test_prompt_over_the_context_without_a_limit_gives_ovh_message(sdk: OpenAI) -> None:
    error = rejected(sdk, model=SMALL, input=words(130))
    assert error["message"] == "max_tokens must be at least 1, got -2."


def test_prompt_over_the_context_with_a_limit_gives_vllm_message(sdk: OpenAI) -> None:
    error = rejected(sdk, model=SMALL, input=words(130), max_output_tokens=10)
    assert error["param"] == "input_tokens"
    assert error["message"] == (
        "This model's maximum context length is 128 tokens. However, your prompt contains at "
        "least 129 input tokens, which exceeds this limit even without any output tokens. "
        "Please reduce the length of the input prompt. (parameter=input_tokens, value=129)"
    )


def test_core_maps_both_overflow_answers_to_context_overflow(core: ResponsesClient) -> None:
    with pytest.raises(errors.ContextOverflowError) as no_limit:
        core.create(build_request(model=SMALL, input=words(130)))
    assert "max_tokens must be at least 1, got -2" in str(no_limit.value)
    with pytest.raises(errors.ContextOverflowError) as with_limit:
        core.create(build_request(model=SMALL, input=words(130), max_output_tokens=10))
    assert with_limit.value.max_context == SMALL_CONTEXT
    assert with_limit.value.param == "input_tokens"


def test_core_reports_a_limit_above_the_context_as_a_bad_parameter(core: ResponsesClient) -> None:
    with pytest.raises(errors.BadRequestError) as info:
        core.create(build_request(model=SMALL, input="hi", max_output_tokens=5000))
    assert not isinstance(info.value, errors.ContextOverflowError)
    assert info.value.param == "max_output_tokens"


def test_empty_conversation_is_refused(sdk: OpenAI) -> None:
    error = rejected(sdk, model="local-chat", input=[])
    assert error["param"] is None
    assert error["message"] == (
        "Cannot apply chat template to an empty conversation. Provide at least one message."
    )


# ----- echoed fields ----------------------------------------------------------------------------


def test_max_output_tokens_not_sent_echoes_the_room_left(sdk: OpenAI) -> None:
    body = raw_json(sdk, model="local-chat", input="Tell me about whales")
    assert body["max_output_tokens"] == 8192 - body["usage"]["input_tokens"]


def test_max_output_tokens_sent_and_fitting_is_echoed(sdk: OpenAI) -> None:
    body = raw_json(sdk, model="local-chat", input="hi", max_output_tokens=40)
    assert body["max_output_tokens"] == 40


def test_tool_choice_echoes_none_without_tools(sdk: OpenAI) -> None:
    assert raw_json(sdk, model="local-chat", input="hi")["tool_choice"] == "none"
    asked_auto = raw_json(sdk, model="local-chat", input="hi", tool_choice="auto")
    assert asked_auto["tool_choice"] == "none"
    with_tools = raw_json(sdk, model="local-chat", input="hi", tools=[TOOL])
    assert with_tools["tool_choice"] == "auto"


def test_truncated_stream_keeps_the_message_item_completed(sdk: OpenAI) -> None:
    stream = sdk.responses.create(
        model="local-chat", input="Tell me a story", max_output_tokens=2, stream=True, store=False
    )
    last = list(stream)[-1]
    assert isinstance(last, ResponseCompletedEvent)
    assert last.response.status == "incomplete"
    assert [(item.type, item.status) for item in last.response.output] == [("message", "completed")]


# ----- reasoning items --------------------------------------------------------------------------


def test_reasoning_item_fields_non_streamed(sdk: OpenAI) -> None:
    body = raw_json(sdk, model="local-reasoning", input="hi")
    reasoning = body["output"][0]
    assert reasoning["type"] == "reasoning"
    assert reasoning["status"] is None
    assert reasoning["encrypted_content"] is None
    assert reasoning["summary"] == []
    assert reasoning["content"][0]["type"] == "reasoning_text"


def test_reasoning_item_status_while_streamed(sdk: OpenAI) -> None:
    events = list(
        sdk.responses.create(model="local-reasoning", input="hi", stream=True, store=False)
    )
    added = [e for e in events if isinstance(e, ResponseOutputItemAddedEvent)]
    done = [e for e in events if isinstance(e, ResponseOutputItemDoneEvent)]
    assert isinstance(added[0].item, ResponseReasoningItem)
    assert isinstance(done[0].item, ResponseReasoningItem)
    assert (added[0].item.status, done[0].item.status) == ("in_progress", "completed")
    assert done[0].item.encrypted_content is None


# ----- the qwen3 reasoning parser ---------------------------------------------------------------


def test_qwen3_answer_keeps_the_blank_line_after_reasoning(sdk: OpenAI) -> None:
    response = sdk.responses.create(model="Qwen3-32B", input="Say 'bonjour'", store=False)
    reasoning, _ = response.output
    assert isinstance(reasoning, ResponseReasoningItem)
    assert reasoning.content is not None
    assert reasoning.content[0].text.endswith("\n")
    assert response.output_text == "\n\nbonjour"


def test_qwen3_stream_sends_the_blank_line_as_two_deltas(sdk: OpenAI) -> None:
    events = list(
        sdk.responses.create(model="Qwen3-32B", input="Say 'bonjour'", stream=True, store=False)
    )
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas[:2] == ["\n", "\n"]
    assert "".join(deltas) == "\n\nbonjour"
    last = events[-1]
    assert isinstance(last, ResponseCompletedEvent)
    assert last.response.output_text == "\n\nbonjour"


def test_qwen3_structured_answer_starts_at_the_brace(sdk: OpenAI) -> None:
    schema = sdk.responses.create(
        model="Qwen3-32B", input="Answer in JSON", text=JSON_FORMAT, store=False
    )
    assert schema.output[0].type == "reasoning"
    assert schema.output_text.startswith("{")
    json_object = sdk.responses.create(
        model="Qwen3-32B",
        input="Give a JSON object with an 'answer' key",
        text={"format": {"type": "json_object"}},
        store=False,
    )
    assert json_object.output_text.startswith("{")


def test_no_blank_line_without_reasoning_or_on_other_models(sdk: OpenAI) -> None:
    no_think = sdk.responses.create(model="Qwen3-32B", input="Say 'bonjour' /no_think", store=False)
    assert [item.type for item in no_think.output] == ["message"]
    assert no_think.output_text == "bonjour"
    other = sdk.responses.create(model="gpt-oss-20b", input="Say 'bonjour'", store=False)
    assert other.output[0].type == "reasoning"
    assert other.output_text == "bonjour"
