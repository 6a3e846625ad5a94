"""LangChain messages -> /v1/responses input items."""

from __future__ import annotations

import base64

import pytest
from langchain_core.messages import (
    AIMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from langchain_ovh_responses._inputs import messages_to_input
from ovh_responses.errors import UnsupportedContentError, UnsupportedFeatureError

PNG = b"\x89PNG\r\n\x1a\n-not-really-an-image"
PNG_B64 = base64.b64encode(PNG).decode()
PNG_URL = f"data:image/png;base64,{PNG_B64}"


def test_system_human_and_developer_messages_become_role_messages() -> None:
    got = messages_to_input(
        [
            SystemMessage("Be brief."),
            ChatMessage(role="developer", content="Answer in French."),
            SystemMessage("Use JSON.", additional_kwargs={"__openai_role__": "developer"}),
            HumanMessage("Bonjour", name="alice"),
        ]
    )
    assert got == [
        {"type": "message", "role": "system", "content": "Be brief."},
        {"type": "message", "role": "developer", "content": "Answer in French."},
        {"type": "message", "role": "developer", "content": "Use JSON."},
        {"type": "message", "role": "user", "content": "Bonjour"},  # no name field
    ]


def test_user_text_and_openai_style_data_url_image() -> None:
    message = HumanMessage(
        [
            "Look:",
            {"type": "text", "text": "what is it?"},
            {"type": "image_url", "image_url": {"url": PNG_URL, "detail": "low"}},
        ]
    )
    assert messages_to_input([message]) == [
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Look:"},
                {"type": "input_text", "text": "what is it?"},
                {"type": "input_image", "image_url": PNG_URL, "detail": "low"},
            ],
        }
    ]


@pytest.mark.parametrize(
    "block",
    [
        {"type": "image", "base64": PNG_B64, "mime_type": "image/png"},
        {"type": "image", "source_type": "base64", "data": PNG_B64, "mime_type": "image/png"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
        {"type": "image", "url": PNG_URL},
        {"type": "input_image", "image_url": PNG_URL},
    ],
    ids=["standard-base64", "v0-base64", "anthropic-base64", "standard-data-url", "responses"],
)
def test_every_image_block_form_becomes_a_data_url_part(block: dict[str, object]) -> None:
    (item,) = messages_to_input([HumanMessage([block])])
    assert item["content"] == [{"type": "input_image", "image_url": PNG_URL, "detail": "auto"}]  # type: ignore[typeddict-item]


@pytest.mark.parametrize(
    "block",
    [
        {"type": "image", "url": "https://example.com/cat.png"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        {"type": "image", "file_id": "file-123"},
    ],
)
def test_remote_or_stored_images_are_refused_before_sending(block: dict[str, object]) -> None:
    with pytest.raises(UnsupportedFeatureError) as caught:
        messages_to_input([HumanMessage([block])])
    assert "base64" in str(caught.value)


def test_bad_base64_names_the_problem() -> None:
    block = {"type": "image", "base64": "not base64!!", "mime_type": "image/png"}
    with pytest.raises(UnsupportedContentError, match="not valid base64"):
        messages_to_input([HumanMessage([block])])


@pytest.mark.parametrize("kind", ["file", "audio", "video", "input_audio"])
def test_unsupported_user_block_names_its_type(kind: str) -> None:
    with pytest.raises(UnsupportedContentError, match=repr(kind)):
        messages_to_input([HumanMessage([{"type": kind, "base64": "AAAA"}])])


def test_ai_tool_calls_become_function_calls_with_their_ids() -> None:
    ai = AIMessage(
        "Let me check.",
        tool_calls=[
            {"name": "get_weather", "args": {"city": "Lyon"}, "id": "call_a", "type": "tool_call"},
            {"name": "get_time", "args": {"tz": "Europe/Paris"}, "id": "call_b"},
        ],
    )
    assert messages_to_input([ai]) == [
        {"type": "message", "role": "assistant", "content": "Let me check."},
        {
            "type": "function_call",
            "call_id": "call_a",
            "name": "get_weather",
            "arguments": '{"city": "Lyon"}',
        },
        {
            "type": "function_call",
            "call_id": "call_b",
            "name": "get_time",
            "arguments": '{"tz": "Europe/Paris"}',
        },
    ]


def test_tool_call_arguments_keep_unicode_readable() -> None:
    ai = AIMessage("", tool_calls=[{"name": "f", "args": {"name": "你好"}, "id": "c1"}])
    (item,) = messages_to_input([ai])
    assert item["arguments"] == '{"name": "你好"}'  # type: ignore[typeddict-item]


def test_anthropic_tool_use_blocks_are_not_sent_twice() -> None:
    ai = AIMessage(
        [
            {"type": "text", "text": "some text"},
            {"type": "tool_use", "id": "abc123", "name": "add", "input": {"a": 1}},
        ],
        tool_calls=[{"name": "add", "args": {"a": 1}, "id": "abc123"}],
    )
    got = messages_to_input([ai])
    assert [item["type"] for item in got] == ["message", "function_call"]
    assert got[1]["call_id"] == "abc123"  # type: ignore[typeddict-item]


def test_invalid_tool_calls_are_replayed_as_the_model_wrote_them() -> None:
    ai = AIMessage(
        "",
        invalid_tool_calls=[
            {"name": "f", "args": '{"a": ', "id": "call_x", "error": "bad json", "type": "x"}
        ],
    )
    assert messages_to_input([ai]) == [
        {"type": "function_call", "call_id": "call_x", "name": "f", "arguments": '{"a": '}
    ]


def test_v1_blocks_replay_reasoning_text_and_call_item_ids_in_order() -> None:
    ai = AIMessage(
        [
            {"type": "reasoning", "reasoning": "The user wants 3.", "id": "rs_1"},
            {"type": "text", "text": "Calling.", "id": "msg_1"},
            {
                "type": "tool_call",
                "id": "call_1",
                "name": "magic",
                "args": {"input": 3},
                "extras": {"item_id": "fc_1"},
            },
        ],
        tool_calls=[{"name": "magic", "args": {"input": 3}, "id": "call_1"}],
    )
    assert messages_to_input([ai]) == [
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": "The user wants 3."}],
        },
        {"type": "message", "role": "assistant", "content": "Calling."},
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "magic",
            "arguments": '{"input": 3}',
            "id": "fc_1",
        },
    ]


def test_reasoning_without_a_server_id_or_with_nothing_after_it_is_dropped() -> None:
    no_id = AIMessage([{"type": "reasoning", "reasoning": "hm"}, {"type": "text", "text": "A"}])
    lc_id = AIMessage([{"type": "reasoning", "reasoning": "hm", "id": "lc_1"}, "B"])
    trailing = AIMessage(
        [{"type": "text", "text": "C"}, {"type": "reasoning", "reasoning": "late", "id": "rs_9"}]
    )
    thinking = AIMessage([{"type": "thinking", "thinking": "x", "signature": "s"}, "D"])
    got = messages_to_input([no_id, lc_id, trailing, thinking])
    assert [item.get("content") for item in got] == ["A", "B", "C", "D"]
    assert all(item["type"] == "message" for item in got)


def test_v0_reasoning_content_is_not_replayed() -> None:
    ai = AIMessage("42", additional_kwargs={"reasoning_content": "thinking..."})
    assert messages_to_input([ai]) == [{"type": "message", "role": "assistant", "content": "42"}]


def test_assistant_block_that_cannot_be_sent_back_is_named() -> None:
    ai = AIMessage([{"type": "image", "base64": PNG_B64, "mime_type": "image/png"}])
    with pytest.raises(UnsupportedContentError, match="'image'"):
        messages_to_input([ai])


def test_tool_call_without_id_is_refused() -> None:
    ai = AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": None}])
    with pytest.raises(UnsupportedContentError, match="no id"):
        messages_to_input([ai])


def test_tool_message_becomes_function_call_output() -> None:
    got = messages_to_input(
        [
            ToolMessage('{"result": 3}', tool_call_id="call_a", name="add"),
            ToolMessage([{"type": "text", "text": "par"}, "tial"], tool_call_id="call_b"),
        ]
    )
    assert got == [
        {"type": "function_call_output", "call_id": "call_a", "output": '{"result": 3}'},
        {"type": "function_call_output", "call_id": "call_b", "output": "partial"},
    ]


def test_failed_tool_result_says_so_to_the_model() -> None:
    failed = ToolMessage("division by zero", tool_call_id="c", status="error")
    already = ToolMessage("Error: missing 'b'", tool_call_id="d", status="error")
    outputs = [item["output"] for item in messages_to_input([failed, already])]  # type: ignore[typeddict-item]
    assert outputs == ["Error: division by zero", "Error: missing 'b'"]


def test_tool_result_image_is_refused_with_the_fix() -> None:
    tool = ToolMessage(
        [{"type": "image", "base64": PNG_B64, "mime_type": "image/png"}], tool_call_id="c"
    )
    with pytest.raises(UnsupportedContentError, match="'image'"):
        messages_to_input([tool])


def test_function_message_is_refused() -> None:
    with pytest.raises(UnsupportedContentError, match="'function'"):
        messages_to_input([FunctionMessage("x", name="f")])
