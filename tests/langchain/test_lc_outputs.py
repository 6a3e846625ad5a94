"""Core results -> AIMessage (v0 and v1), and the round trip back to input items."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage
from lc_sdk_objects import call_item, message_item, reasoning_item, refusal_item, result

from langchain_ovh_responses._inputs import ai_items
from langchain_ovh_responses._outputs import result_to_message
from ovh_responses.wire.items import output_to_input_items

TOOL_TURN = [
    reasoning_item("rs_1", "The user asks for magic_function(3)."),
    message_item("msg_1", "I will call the tool."),
    call_item("fc_1", "call_1", "magic_function", '{"input":3}'),
]


def test_v0_message_has_text_reasoning_tool_calls_usage_and_metadata() -> None:
    message = result_to_message(result(TOOL_TURN, cached=4, reasoning_tokens=7), "v0")
    assert message.content == "I will call the tool."
    assert message.additional_kwargs == {
        "reasoning_content": "The user asks for magic_function(3)."
    }
    assert message.tool_calls == [
        {"name": "magic_function", "args": {"input": 3}, "id": "call_1", "type": "tool_call"}
    ]
    assert message.usage_metadata == {
        "input_tokens": 21,
        "output_tokens": 9,
        "total_tokens": 30,
        "input_token_details": {"cache_read": 4},
        "output_token_details": {"reasoning": 7},
    }
    assert message.id == "resp_0123456789abcdef"
    assert message.response_metadata == {
        "id": "resp_0123456789abcdef",
        "model_name": "gpt-oss-120b",
        "model_provider": "ovhcloud",
        "status": "completed",
        "finish_reason": "tool_calls",
    }


def test_v0_reasoning_is_a_standard_reasoning_block_too() -> None:
    message = result_to_message(result(TOOL_TURN), "v0")
    kinds = [block["type"] for block in message.content_blocks]
    assert kinds == ["reasoning", "text", "tool_call"]


def test_v1_message_keeps_output_order_and_item_ids() -> None:
    message = result_to_message(result(TOOL_TURN), "v1")
    assert message.content == [
        {"type": "reasoning", "reasoning": "The user asks for magic_function(3).", "id": "rs_1"},
        {"type": "text", "text": "I will call the tool.", "id": "msg_1"},
        {
            "type": "tool_call",
            "id": "call_1",
            "name": "magic_function",
            "args": {"input": 3},
            "extras": {"item_id": "fc_1"},
        },
    ]
    assert message.response_metadata["output_version"] == "v1"
    assert message.content_blocks == message.content


def test_bad_arguments_become_an_invalid_tool_call_not_an_exception() -> None:
    bad = [call_item("fc_2", "call_2", "f", '{"a": 1')]
    for version in ("v0", "v1"):
        message = result_to_message(result(bad), version)  # type: ignore[arg-type]
        assert message.tool_calls == []
        (invalid,) = message.invalid_tool_calls
        assert (invalid["name"], invalid["args"], invalid["id"]) == ("f", '{"a": 1', "call_2")
        assert invalid["error"]


def test_refusal_is_surfaced_in_both_versions() -> None:
    refused = [refusal_item("msg_r", "I can't help with that.")]
    v0 = result_to_message(result(refused), "v0")
    assert v0.content == ""
    assert v0.additional_kwargs["refusal"] == "I can't help with that."
    v1 = result_to_message(result(refused), "v1")
    assert v1.content == [{"type": "refusal", "refusal": "I can't help with that.", "id": "msg_r"}]


def test_truncated_answer_reports_why() -> None:
    cut = result(
        [message_item("msg_1", "Once upon")], status="incomplete", incomplete="max_output_tokens"
    )
    metadata = result_to_message(cut).response_metadata
    assert metadata["status"] == "incomplete"
    assert metadata["incomplete_details"] == {"reason": "max_output_tokens"}
    assert metadata["finish_reason"] == "length"


def _same_items(got: list[dict[str, object]], sent: list[dict[str, object]]) -> None:
    """Equal, with function-call arguments compared as JSON values (spacing may differ)."""

    def normal(item: dict[str, object]) -> dict[str, object]:
        if item.get("type") == "function_call":
            return {**item, "arguments": json.loads(str(item["arguments"]))}
        return item

    assert [normal(i) for i in got] == [normal(i) for i in sent]


def test_round_trip_v1_gives_back_the_items_the_server_sent() -> None:
    finished = result(TOOL_TURN)
    sent = output_to_input_items(finished.output)
    _same_items(ai_items(result_to_message(finished, "v1")), sent)  # type: ignore[arg-type]


def test_round_trip_v0_keeps_text_and_calls() -> None:
    finished = result(TOOL_TURN)
    got = ai_items(result_to_message(finished, "v0"))
    assert got[0] == {"type": "message", "role": "assistant", "content": "I will call the tool."}
    assert got[1]["type"] == "function_call"
    assert (got[1]["call_id"], got[1]["name"]) == ("call_1", "magic_function")  # type: ignore[typeddict-item]


def test_message_survives_serialisation_round_trip() -> None:
    message = result_to_message(result(TOOL_TURN), "v1")
    again = AIMessage.model_validate_json(message.model_dump_json())
    assert ai_items(again) == ai_items(message)
