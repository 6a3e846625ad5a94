"""Stream deltas -> AIMessageChunks: aggregation, tool-call indexes, stop sequences, round trip."""

from __future__ import annotations

import json
from functools import reduce
from operator import add

import pytest
from langchain_core.messages import AIMessageChunk
from lc_sdk_objects import call_item, message_item, reasoning_item, result

from langchain_ovh_responses._inputs import ai_items
from langchain_ovh_responses._streaming import ChunkStream
from ovh_responses.fitting.stop import StopFilter, StreamIdentity
from ovh_responses.types import (
    Delta,
    Done,
    ReasoningDelta,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)
from ovh_responses.wire.items import output_to_input_items

FINAL = result(
    [
        reasoning_item("rs_1", "Two tools are needed."),
        message_item("msg_1", "Checking both."),
        call_item("fc_1", "call_w", "get_weather", '{"city":"Lyon"}'),
        call_item("fc_2", "call_t", "get_time", '{"tz":"CET"}'),
    ],
    reasoning_tokens=5,
)

DELTAS: list[Delta] = [
    ReasoningDelta("Two tools ", 0, item_id="rs_1"),
    ReasoningDelta("are needed.", 0, item_id="rs_1"),
    TextDelta("Check", 1, item_id="msg_1"),
    TextDelta("ing both.", 1, item_id="msg_1"),
    ToolCallStart(2, "call_w", "get_weather", item_id="fc_1"),
    ToolCallArgsDelta(2, '{"city":'),
    ToolCallStart(3, "call_t", "get_time", item_id="fc_2"),
    ToolCallArgsDelta(2, '"Lyon"}'),
    ToolCallArgsDelta(3, '{"tz":"CET"}'),
    Done(FINAL),
]


def _chunks(
    deltas: list[Delta], version: str, stop: list[str] | None = None
) -> list[AIMessageChunk]:
    """The chunks of ``deltas`` as the model streams them: stop sequences applied by the core's
    filter (as ``ResponsesClient.stream(stop=...)`` does), then converted."""
    stops = StopFilter(stop, StreamIdentity(id="resp_1", model="gpt-oss-120b"))
    stream = ChunkStream(version=version)  # type: ignore[arg-type]
    chunks: list[AIMessageChunk] = []
    for delta in deltas:
        for kept in stops.feed(delta):
            chunks.extend(stream.feed(kept))
        if stream.finished:
            break
    return chunks


def _aggregate(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    return reduce(add, chunks)


def test_v0_aggregate_has_text_reasoning_two_calls_and_usage_once() -> None:
    chunks = _chunks(DELTAS, "v0")
    full = _aggregate(chunks)
    assert full.content == "Checking both."
    assert full.additional_kwargs["reasoning_content"] == "Two tools are needed."
    assert [(c["name"], c["args"], c["id"]) for c in full.tool_calls] == [
        ("get_weather", {"city": "Lyon"}, "call_w"),
        ("get_time", {"tz": "CET"}, "call_t"),
    ]
    assert [c for c in chunks if c.usage_metadata] == [chunks[-1]]
    assert chunks[-1].chunk_position == "last"
    assert full.usage_metadata is not None
    assert full.usage_metadata["output_token_details"] == {"reasoning": 5}
    assert full.id == "resp_0123456789abcdef"
    assert full.response_metadata["model_provider"] == "ovhcloud"


def test_tool_call_chunks_of_one_call_share_one_index() -> None:
    chunks = _chunks(DELTAS, "v0")
    by_index: dict[int | None, list[str]] = {}
    for chunk in chunks:
        for piece in chunk.tool_call_chunks:
            by_index.setdefault(piece["index"], []).append(piece["args"] or "")
    assert {i: "".join(parts) for i, parts in by_index.items()} == {
        2: '{"city":"Lyon"}',
        3: '{"tz":"CET"}',
    }


def test_v1_aggregate_has_standard_blocks_in_order() -> None:
    full = _aggregate(_chunks(DELTAS, "v1"))
    blocks = full.content_blocks
    assert [b["type"] for b in blocks] == ["reasoning", "text", "tool_call", "tool_call"]
    assert blocks[0]["reasoning"] == "Two tools are needed."  # type: ignore[typeddict-item]
    assert blocks[1]["text"] == "Checking both."  # type: ignore[typeddict-item]
    assert blocks[2]["extras"] == {"item_id": "fc_1"}  # type: ignore[typeddict-item]
    assert len(full.tool_calls) == 2


@pytest.mark.parametrize("version", ["v0", "v1"])
def test_round_trip_streamed_chunks_give_back_the_items_the_server_sent(version: str) -> None:
    full = _aggregate(_chunks(DELTAS, version))
    got = ai_items(full)
    sent = output_to_input_items(FINAL.output)
    if version == "v0":  # v0 keeps no item ids and no reasoning
        sent = [
            {k: v for k, v in item.items() if k != "id"}  # type: ignore[misc]
            for item in sent
            if item["type"] != "reasoning"
        ]

    def normal(item: object) -> object:
        item = dict(item)  # type: ignore[call-overload]
        if item["type"] == "function_call":
            item["arguments"] = json.loads(item["arguments"])
        return item

    assert [normal(i) for i in got] == [normal(i) for i in sent]


def test_stop_sequence_split_across_deltas_ends_the_stream() -> None:
    deltas: list[Delta] = [
        TextDelta("Hello, ho", 0),
        TextDelta("w are y", 0),
        TextDelta("ou today?", 0),
        Done(result([message_item("m", "Hello, how are you today?")])),
    ]
    chunks = _chunks(deltas, "v0", stop=["you"])
    assert "".join(str(c.content) for c in chunks) == "Hello, how are "
    last = chunks[-1]
    assert last.chunk_position == "last"
    assert last.response_metadata["finish_reason"] == "stop"
    assert last.response_metadata["stop_sequence"] == "you"
    assert last.id == "resp_1"  # the id the stream announced
    assert last.usage_metadata is None  # the server's end (with the usage) was not read


def test_text_held_for_a_possible_stop_is_released_when_it_was_not_one() -> None:
    deltas: list[Delta] = [
        TextDelta("wait for it: yo", 0),
        Done(result([message_item("m", "wait for it: yo")])),
    ]
    for version in ("v0", "v1"):
        full = _aggregate(_chunks(deltas, version, stop=["you"]))
        assert full.text == "wait for it: yo"
        assert full.usage_metadata is not None  # the server's end was reached


def test_text_held_before_a_tool_call_is_released_in_order() -> None:
    deltas: list[Delta] = [
        TextDelta("ok y", 0),
        ToolCallStart(1, "c1", "f"),
        ToolCallArgsDelta(1, "{}"),
        Done(result([message_item("m", "ok y"), call_item("fc", "c1", "f", "{}")])),
    ]
    full = _aggregate(_chunks(deltas, "v0", stop=["you"]))
    assert full.content == "ok y"
    assert full.tool_calls[0]["name"] == "f"


def test_v1_stream_has_one_text_block() -> None:
    deltas: list[Delta] = [TextDelta(t, 0, item_id="msg_1") for t in ("a", "b", "c")]
    deltas.append(Done(result([message_item("msg_1", "abc")])))
    full = _aggregate(_chunks(deltas, "v1"))
    texts = [b for b in full.content_blocks if b["type"] == "text"]
    assert texts == [{"type": "text", "text": "abc", "id": "msg_1", "index": 0}]
