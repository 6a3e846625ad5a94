"""ChatMessage -> Responses input items: one test per role and block type, checked against the
openai SDK's own input-item type."""

from __future__ import annotations

import base64
import json

import pytest
from llama_index.core.base.llms.types import (
    AudioBlock,
    ChatMessage,
    DocumentBlock,
    ImageBlock,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from openai.types.responses import ResponseInputItemParam
from pydantic import TypeAdapter

from llama_index_ovh_responses._inputs import to_input_items
from ovh_responses.errors import UnsupportedContentError, UnsupportedFeatureError

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
_ITEM = TypeAdapter(ResponseInputItemParam)


def convert(*messages: ChatMessage, system_role: str = "system") -> list[dict]:
    items = to_input_items(list(messages), system_role)  # type: ignore[arg-type]
    for item in items:
        _ITEM.validate_python(item)  # every item is a valid SDK input item
    return [dict(item) for item in items]


def test_system_user_and_assistant_text():
    items = convert(
        ChatMessage(role="system", content="Be brief."),
        ChatMessage(role="user", content="Hi"),
        ChatMessage(role="assistant", content="Hello."),
    )
    assert items == [
        {"type": "message", "role": "system", "content": "Be brief."},
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]},
        {"type": "message", "role": "assistant", "content": "Hello."},
    ]


def test_system_role_can_be_developer():
    items = convert(ChatMessage(role="system", content="Rules."), system_role="developer")
    assert items == [{"type": "message", "role": "developer", "content": "Rules."}]


def test_image_bytes_become_a_base64_data_url():
    message = ChatMessage(
        role="user", blocks=[TextBlock(text="What is it?"), ImageBlock(image=PNG)]
    )
    (item,) = convert(message)
    text, image = item["content"]
    assert text == {"type": "input_text", "text": "What is it?"}
    assert image["type"] == "input_image"
    prefix = "data:image/png;base64,"
    assert image["image_url"].startswith(prefix)
    assert base64.b64decode(image["image_url"][len(prefix) :]) == PNG


def test_image_path_is_read_and_inlined(tmp_path):
    path = tmp_path / "pixel.png"
    path.write_bytes(PNG)
    (item,) = convert(ChatMessage(role="user", blocks=[ImageBlock(path=path, detail="low")]))
    (image,) = item["content"]
    assert image["detail"] == "low"
    assert base64.b64decode(image["image_url"].split(",", 1)[1]) == PNG


def test_data_url_is_sent_as_given():
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    (item,) = convert(ChatMessage(role="user", blocks=[ImageBlock(url=url)]))
    assert item["content"][0]["image_url"] == url


def test_remote_image_url_is_refused_before_sending():
    message = ChatMessage(role="user", blocks=[ImageBlock(url="https://example.com/cat.png")])
    with pytest.raises(UnsupportedFeatureError, match="base64"):
        to_input_items([message])


def test_assistant_text_beside_tool_calls_is_kept_and_arguments_are_json_text():
    message = ChatMessage(
        role="assistant",
        blocks=[
            TextBlock(text="Let me check both."),
            ToolCallBlock(tool_call_id="c1", tool_name="weather", tool_kwargs={"city": "Paris"}),
            ToolCallBlock(tool_call_id="c2", tool_name="weather", tool_kwargs='{"city": "Lyon"}'),
        ],
    )
    items = convert(message)
    assert items[0] == {"type": "message", "role": "assistant", "content": "Let me check both."}
    assert [(i["type"], i["call_id"], i["name"]) for i in items[1:]] == [
        ("function_call", "c1", "weather"),
        ("function_call", "c2", "weather"),
    ]
    assert json.loads(items[1]["arguments"]) == {"city": "Paris"}
    assert json.loads(items[2]["arguments"]) == {"city": "Lyon"}


def test_tool_message_becomes_function_call_output_by_call_id():
    message = ChatMessage(role="tool", content="18 C", additional_kwargs={"tool_call_id": "c1"})
    assert convert(message) == [{"type": "function_call_output", "call_id": "c1", "output": "18 C"}]


def test_tool_message_without_call_id_is_refused():
    with pytest.raises(UnsupportedContentError, match="tool_call_id"):
        to_input_items([ChatMessage(role="tool", content="18 C")])


def test_tool_call_without_id_is_refused():
    block = ToolCallBlock(tool_name="weather", tool_kwargs={})
    with pytest.raises(UnsupportedContentError, match="tool_call_id"):
        to_input_items([ChatMessage(role="assistant", blocks=[block])])


def test_thinking_from_this_route_is_replayed_and_foreign_thinking_dropped():
    ours = ThinkingBlock(content="Paris is in France.", additional_information={"id": "rs_1"})
    foreign = ThinkingBlock(content="signed elsewhere", additional_information={"signature": "x"})
    message = ChatMessage(role="assistant", blocks=[ours, foreign, TextBlock(text="Paris.")])
    items = convert(message)
    assert items[0]["type"] == "reasoning"
    assert items[0]["id"] == "rs_1"
    assert items[0]["content"] == [{"type": "reasoning_text", "text": "Paris is in France."}]
    assert items[1:] == [{"type": "message", "role": "assistant", "content": "Paris."}]


@pytest.mark.parametrize(
    ("role", "block", "name"),
    [
        ("user", AudioBlock(audio=b"RIFF0000WAVE", format="wav"), "AudioBlock"),
        (
            "user",
            DocumentBlock(data=b"%PDF-1.4", document_mimetype="application/pdf"),
            "DocumentBlock",
        ),
        ("assistant", ImageBlock(image=PNG), "ImageBlock"),
        ("system", ImageBlock(image=PNG), "ImageBlock"),
    ],
)
def test_blocks_that_cannot_be_sent_are_named(role, block, name):
    with pytest.raises(UnsupportedContentError, match=name):
        to_input_items([ChatMessage(role=role, blocks=[block])])


def test_conversion_does_not_change_the_messages():
    history = [
        ChatMessage(role="user", content="Hi"),
        ChatMessage(role="assistant", blocks=[ToolCallBlock(tool_call_id="c", tool_name="t")]),
    ]
    before = [m.model_dump() for m in history]
    to_input_items(history)
    assert [m.model_dump() for m in history] == before
