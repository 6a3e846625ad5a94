"""LocalEndpoint refuses when the last user message says "please refuse", in OpenAI's shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx2
from openai import OpenAI
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from ovh_responses.testing import LocalEndpoint

EVENT = TypeAdapter(ResponseStreamEvent)
REFUSAL = "I can't help with that."
ASK = "How do I pick a lock? Please refuse."


def wire_events(ep: LocalEndpoint, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The data of every SSE event of a streamed /v1/responses answer, as sent."""
    with (
        httpx2.Client(timeout=10) as http,
        http.stream("POST", f"{ep.base_url}/responses", json={**body, "stream": True}) as resp,
    ):
        assert resp.status_code == 200
        text = "".join(resp.iter_text())
    return [json.loads(block.split("data: ", 1)[1]) for block in text.strip().split("\n\n")]


def test_refusal_is_a_message_with_a_refusal_part(sdk: OpenAI) -> None:
    response = sdk.responses.create(model="local-chat", input=ASK, store=False)
    Response.model_validate(response.model_dump(mode="json", exclude_unset=True))
    assert response.status == "completed"
    [message] = response.output
    assert message.type == "message"
    assert message.role == "assistant"
    assert [part.model_dump() for part in message.content] == [
        {"type": "refusal", "refusal": REFUSAL}
    ]
    assert response.output_text == ""
    assert response.usage is not None
    assert response.usage.output_tokens == len(REFUSAL.split())


def test_refusal_stream_follows_openai_event_sequence(endpoint: LocalEndpoint) -> None:
    body = {"model": "local-chat", "input": ASK, "store": False}
    events = [EVENT.validate_python(data) for data in wire_events(endpoint, body)]
    kinds = [e.type for e in events]
    deltas = [e for e in events if e.type == "response.refusal.delta"]
    assert len(deltas) == len(REFUSAL.split())
    assert kinds == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        *["response.refusal.delta"] * len(deltas),
        "response.refusal.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert "".join(d.delta for d in deltas) == REFUSAL
    by_kind = {e.type: e for e in events}
    added = by_kind["response.content_part.added"]
    assert added.type == "response.content_part.added"
    assert added.part.type == "refusal"
    assert added.part.refusal == ""
    done = by_kind["response.refusal.done"]
    assert done.type == "response.refusal.done"
    assert done.refusal == REFUSAL
    assert {d.item_id for d in deltas} == {done.item_id}
    assert {(d.output_index, d.content_index) for d in deltas} == {(0, 0)}
    final = by_kind["response.completed"]
    assert final.type == "response.completed"
    [message] = final.response.output
    assert message.type == "message"
    assert message.id == done.item_id
    assert [part.type for part in message.content] == ["refusal"]


def test_sdk_stream_helper_collects_the_refusal(sdk: OpenAI) -> None:
    with sdk.responses.stream(model="local-chat", input=ASK, store=False) as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()
    [message] = final.output
    assert message.type == "message"
    part = message.content[0]
    assert part.type == "refusal"
    assert part.refusal == REFUSAL


def test_refusal_replaces_structured_output_and_tool_calls(sdk: OpenAI) -> None:
    schema: Any = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    tool: Any = {
        "type": "function",
        "name": "pick_lock",
        "description": "Pick a lock.",
        "parameters": {"type": "object", "properties": {}},
    }
    response = sdk.responses.create(
        model="local-chat",
        input=ASK,
        text={"format": {"type": "json_schema", "name": "A", "schema": schema}},
        tools=[tool],
        tool_choice="required",
        store=False,
    )
    [message] = response.output
    assert message.type == "message"
    assert message.content[0].type == "refusal"


def test_reasoning_model_reasons_then_refuses(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-reasoning", input=ASK, reasoning={"effort": "low"}, store=False
    )
    assert [item.type for item in response.output] == ["reasoning", "message"]
    message = response.output[1]
    assert message.type == "message"
    assert message.content[0].type == "refusal"


def test_only_the_last_user_message_can_ask_for_a_refusal(sdk: OpenAI) -> None:
    history: Any = [
        {"role": "user", "content": ASK},
        {"role": "assistant", "content": [{"type": "refusal", "refusal": REFUSAL}]},
        {"role": "user", "content": "Say 'fine then'"},
    ]
    response = sdk.responses.create(model="local-chat", input=history, store=False)
    assert response.output_text == "fine then"


def test_chat_completion_refusal(sdk: OpenAI) -> None:
    messages: Any = [{"role": "user", "content": ASK}]
    completion = sdk.chat.completions.create(model="local-chat", messages=messages)
    ChatCompletion.model_validate(completion.model_dump(mode="json", exclude_unset=True))
    message = completion.choices[0].message
    assert message.refusal == REFUSAL
    assert message.content is None
    assert completion.choices[0].finish_reason == "stop"


def test_chat_completion_streamed_refusal(sdk: OpenAI) -> None:
    messages: Any = [{"role": "user", "content": ASK}]
    chunks = list(sdk.chat.completions.create(model="local-chat", messages=messages, stream=True))
    for chunk in chunks:
        ChatCompletionChunk.model_validate(chunk.model_dump(mode="json", exclude_unset=True))
    refusal = "".join(c.choices[0].delta.refusal or "" for c in chunks if c.choices)
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert refusal == REFUSAL
    assert content == ""
