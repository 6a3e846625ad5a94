"""parse_response on Response objects built with the openai SDK's own types."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai.types.responses import Response
from pydantic import ValidationError
from recordings import OPENAI_JSON, VLLM_JSON, cassette_bodies, sdk_response, vllm_text

from ovh_responses.types import FunctionCall, Reasoning, Usage
from ovh_responses.wire.answer import (
    parse_arguments,
    parse_response,
    parse_response_json,
    parse_usage,
    response_from_json,
)


def response(*output: dict[str, Any], **fields: Any) -> Response:
    body: dict[str, Any] = {
        "id": "resp_1",
        "object": "response",
        "created_at": 0,
        "model": "gpt-oss-120b",
        "output": list(output),
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "status": "completed",
    }
    return Response.model_validate(body | fields)


def message(*parts: dict[str, Any], item_id: str = "msg_1") -> dict[str, Any]:
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": list(parts),
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "output_text", "text": value, "annotations": []}


def call(arguments: str, call_id: str = "call_1", name: str = "get_weather") -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
    }


def test_text_of_every_output_text_part_in_order() -> None:
    result = parse_response(
        response(message(text("Hello, "), text("world")), message(text("!"), item_id="msg_2"))
    )
    assert result.text == "Hello, world!"
    assert result.refusal is None
    assert result.function_calls == []


def test_metadata_and_output_are_kept() -> None:
    original = response(message(text("hi")), model="Qwen3-32B", id="resp_abc")
    result = parse_response(original)
    assert (result.id, result.model, result.status) == ("resp_abc", "Qwen3-32B", "completed")
    assert result.response is original
    assert result.output == original.output
    assert not result.is_incomplete


def test_refusal_parts_become_the_refusal() -> None:
    refusal = {"type": "refusal", "refusal": "I can't help with that."}
    result = parse_response(response(message(refusal)))
    assert result.refusal == "I can't help with that."
    assert result.text == ""


def test_reasoning_content_and_summaries() -> None:
    reasoning = {
        "type": "reasoning",
        "id": "rs_1",
        "content": [
            {"type": "reasoning_text", "text": "First "},
            {"type": "reasoning_text", "text": "think."},
        ],
        "summary": [
            {"type": "summary_text", "text": "Thought."},
            {"type": "summary_text", "text": "Answered."},
        ],
        "encrypted_content": "opaque",
    }
    result = parse_response(response(reasoning, message(text("4"))))
    assert result.reasoning == [
        Reasoning(
            text="First think.",
            summary="Thought.\n\nAnswered.",
            item_id="rs_1",
            encrypted_content="opaque",
        )
    ]
    assert result.reasoning_text == "First think.\n\nThought.\n\nAnswered."
    assert result.text == "4"


def test_reasoning_without_content() -> None:
    result = parse_response(response({"type": "reasoning", "id": "rs_2", "summary": []}))
    assert result.reasoning == [Reasoning(text="", summary="", item_id="rs_2")]


def test_function_calls_keep_raw_and_parsed_arguments() -> None:
    result = parse_response(
        response(call('{"city": "Paris"}'), call('{"city": "Lyon"}', call_id="call_2"))
    )
    assert result.function_calls == [
        FunctionCall(
            "call_1", "get_weather", '{"city": "Paris"}', {"city": "Paris"}, None, "fc_call_1"
        ),
        FunctionCall(
            "call_2", "get_weather", '{"city": "Lyon"}', {"city": "Lyon"}, None, "fc_call_2"
        ),
    ]


@pytest.mark.parametrize("arguments", ['{"city": "Par', "not json", "{'city': 'Paris'}"])
def test_bad_json_arguments_are_kept_with_an_error(arguments: str) -> None:
    (fc,) = parse_response(response(call(arguments))).function_calls
    assert fc.arguments == arguments
    assert fc.parsed_arguments is None
    assert fc.error is not None
    assert "JSON" in fc.error


@pytest.mark.parametrize("arguments", ["[1, 2]", '"Paris"', "42", "null"])
def test_arguments_that_are_not_an_object(arguments: str) -> None:
    (fc,) = parse_response(response(call(arguments))).function_calls
    assert fc.parsed_arguments is None
    assert fc.error is not None
    assert "object" in fc.error


@pytest.mark.parametrize("arguments", ["", "  "])
def test_empty_arguments_mean_no_parameters(arguments: str) -> None:
    (fc,) = parse_response(response(call(arguments))).function_calls
    assert fc.parsed_arguments == {}
    assert fc.error is None


def test_parse_arguments_nested_values() -> None:
    assert parse_arguments('{"a": [1, {"b": null}], "c": "é"}') == (
        {"a": [1, {"b": None}], "c": "é"},
        None,
    )


def test_usage_with_details() -> None:
    usage = {
        "input_tokens": 100,
        "input_tokens_details": {"cached_tokens": 40, "cache_write_tokens": 0},
        "output_tokens": 30,
        "output_tokens_details": {"reasoning_tokens": 12},
        "total_tokens": 130,
    }
    result = parse_response(response(message(text("x")), usage=usage))
    assert result.usage == Usage(100, 30, 130, cached_tokens=40, reasoning_tokens=12)


def test_usage_with_null_details_as_vllm_sometimes_sends() -> None:
    # The SDK builds responses without validating them, so null details reach the parser.
    body = response(message(text("x"))).model_dump()
    body["usage"] = {
        "input_tokens": 7,
        "input_tokens_details": None,
        "output_tokens": 3,
        "output_tokens_details": None,
        "total_tokens": 10,
    }
    assert parse_response(Response.construct(**body)).usage == Usage(7, 3, 10)


def test_no_usage() -> None:
    assert parse_response(response(message(text("x")))).usage is None
    assert parse_usage(None) is None


def test_incomplete_reason() -> None:
    result = parse_response(
        response(
            message(text("Once upon")),
            status="incomplete",
            incomplete_details={"reason": "max_output_tokens"},
        )
    )
    assert result.is_incomplete
    assert result.incomplete_reason == "max_output_tokens"
    assert result.text == "Once upon"


def test_output_items_of_unused_types_are_skipped() -> None:
    web_search = {
        "type": "web_search_call",
        "id": "ws_1",
        "status": "completed",
        "action": {"type": "search", "query": "weather"},
    }
    image = {"type": "image_generation_call", "id": "ig_1", "status": "completed", "result": None}
    result = parse_response(response(web_search, message(text("sunny")), image))
    assert result.text == "sunny"
    assert result.function_calls == []
    assert len(result.output) == 3


# ----- answers read as plain JSON --------------------------------------------------------------


def test_a_json_answer_parses_as_the_sdk_object_of_it_does() -> None:
    body = vllm_text(VLLM_JSON[0])
    assert parse_response_json(json.loads(body)) == parse_response(sdk_response(body))


@pytest.mark.parametrize("name", OPENAI_JSON)
def test_a_json_answer_the_sdk_types_reject_is_still_read(name: str) -> None:
    """Older servers leave out fields the SDK's types now require; the answer is still read,
    as the SDK itself reads it, rather than refused."""
    for body in cassette_bodies(name):
        with pytest.raises(ValidationError):
            Response.model_validate(body)
        assert parse_response_json(body) == parse_response(sdk_response(body))


def _body(*output: Any) -> dict[str, Any]:
    return response().model_dump(mode="json", exclude_unset=True) | {"output": list(output)}


REASONING = {
    "type": "reasoning",
    "id": "rs_1",
    "summary": [{"type": "summary_text", "text": "short"}],
    "content": [{"type": "reasoning_text", "text": "long"}],
}
WEB_SEARCH = {
    "type": "web_search_call",
    "id": "ws_1",
    "status": "completed",
    "action": {"type": "search", "query": "weather"},
}


def test_each_output_item_is_the_sdk_model_full_validation_picks() -> None:
    """Items are validated one by one with the model their type names; the response is the
    one the SDK's own validation of the whole answer gives, item classes included."""
    body = _body(
        REASONING,
        message(text("4"), {"type": "refusal", "refusal": "no"}),
        call('{"a": 1}'),
        WEB_SEARCH,
    )
    expected = Response.model_validate(body)
    built = response_from_json(body)
    assert built == expected
    assert [type(item) for item in built.output] == [type(item) for item in expected.output]
    assert built.model_dump() == expected.model_dump()


def test_an_answer_without_output_items() -> None:
    built = response_from_json(_body())
    assert built.output == []
    assert parse_response_json(_body()).text == ""


@pytest.mark.parametrize(
    "item",
    [
        {"type": "message", "id": "msg_1", "role": "assistant", "content": "not a list"},
        {"type": "function_call", "name": "f"},  # no call_id, no arguments
        {"type": "not_a_type_the_sdk_knows", "id": "x_1"},
        "not an object",
    ],
)
def test_an_output_item_the_sdk_types_reject_is_still_read(item: Any) -> None:
    """As with a whole answer the types reject: built as the SDK builds it, not refused."""
    body = _body(item, message(text("kept")))
    with pytest.raises(ValidationError):
        Response.model_validate(body)
    assert response_from_json(body) == Response.model_construct(**body)
