"""Core results and stream deltas -> ChatResponse, from real openai SDK objects: a response built
by the SDK's own model, and a stream recorded from vLLM replayed through the core's reducer."""

from __future__ import annotations

import json
import os
from pathlib import Path

from llama_index.core.base.llms.types import (
    ChatMessage,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.callbacks.token_counting import get_tokens_from_response
from openai.types.responses import Response

from llama_index_ovh_responses import OVHResponses
from llama_index_ovh_responses._inputs import to_input_items
from llama_index_ovh_responses._outputs import StreamAssembler, chat_response
from ovh_responses.fitting.stop import StopFilter, StreamIdentity
from ovh_responses.types import (
    Done,
    ReasoningDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
    Usage,
)
from ovh_responses.wire.answer import parse_response
from ovh_responses.wire.stream import iter_deltas

RECORDINGS = Path(os.environ.get("OVH_RESPONSES_RECORDINGS", "/work/shared/recordings"))


def sdk_response(output: list[dict], usage: dict | None = None) -> Response:
    """A finished response, validated by the openai SDK's own model."""
    return Response.model_validate(
        {
            "id": "resp_1",
            "object": "response",
            "created_at": 1,
            "model": "gpt-oss-120b",
            "status": "completed",
            "output": output,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "usage": usage
            or {
                "input_tokens": 40,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 25,
                "output_tokens_details": {"reasoning_tokens": 12},
                "total_tokens": 65,
            },
        }
    )


def reasoning(item_id: str, text: str) -> dict:
    content = [{"type": "reasoning_text", "text": text}]
    return {"type": "reasoning", "id": item_id, "summary": [], "content": content}


def message(text: str) -> dict:
    return {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def call(call_id: str, name: str, arguments: str) -> dict:
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": "completed",
    }


def test_finished_response_blocks_in_order():
    response = sdk_response(
        [
            reasoning("rs_1", "Both cities are needed."),
            message("Checking."),
            call("c1", "weather", '{"city": "Paris"}'),
            call("c2", "weather", '{"city": "Lyon"}'),
        ]
    )
    chat = chat_response(parse_response(response))
    blocks = chat.message.blocks
    assert [type(b) for b in blocks] == [ThinkingBlock, TextBlock, ToolCallBlock, ToolCallBlock]
    assert blocks[0].content == "Both cities are needed."
    assert chat.message.content == "Checking."
    assert [(b.tool_call_id, b.tool_kwargs) for b in blocks[2:]] == [
        ("c1", {"city": "Paris"}),
        ("c2", {"city": "Lyon"}),
    ]
    assert chat.raw is response
    assert chat.additional_kwargs["usage"]["input_tokens"] == 40
    assert chat.additional_kwargs["usage"]["reasoning_tokens"] == 12


def test_reasoning_tokens_are_not_copied_into_every_thinking_block():
    response = sdk_response([reasoning("rs_1", "first"), reasoning("rs_2", "second")])
    blocks = chat_response(parse_response(response)).message.blocks
    counts = [b.num_tokens for b in blocks if isinstance(b, ThinkingBlock)]
    assert counts == [12, None]  # the response's total once, not 12 per block
    assert sum(c or 0 for c in counts) == 12


def test_bad_json_arguments_are_kept_and_tool_calls_read_tolerantly():
    response = sdk_response([call("c1", "weather", '{"city": "Par')])
    chat = chat_response(parse_response(response))
    (block,) = chat.message.blocks
    assert block.tool_kwargs == '{"city": "Par'  # never dropped
    llm = OVHResponses(model="gpt-oss-120b", api_base="http://127.0.0.1:9/v1")
    (selection,) = llm.get_tool_calls_from_response(chat)
    assert (selection.tool_id, selection.tool_name) == ("c1", "weather")
    assert selection.tool_kwargs == {"city": "Par"}  # what can be read of it


def test_raw_usage_is_what_token_counters_read():
    chat = chat_response(parse_response(sdk_response([message("Hi.")])))
    assert get_tokens_from_response(chat) == (40, 25)


def test_answer_replays_as_the_same_items():
    """Output items -> ChatMessage -> input items keeps every call id, name and argument."""
    response = sdk_response(
        [reasoning("rs_1", "think"), message("Text."), call("c1", "weather", '{"city":"Oslo"}')]
    )
    replayed = to_input_items([chat_response(parse_response(response)).message])
    assert [i["type"] for i in replayed] == ["reasoning", "message", "function_call"]
    assert replayed[0]["id"] == "rs_1"
    assert replayed[1]["content"] == "Text."
    fc = replayed[2]
    assert (fc["call_id"], fc["name"], json.loads(fc["arguments"])) == (
        "c1",
        "weather",
        {"city": "Oslo"},
    )


# ----- streams --------------------------------------------------------------------------------


def _result(text: str = "", usage: Usage | None = None) -> Result:
    return Result(id="resp_9", model="m", status="completed", text=text, usage=usage)


def test_stream_chunks_are_cumulative_and_carry_their_delta():
    assembler = StreamAssembler()
    chunks = [assembler.feed(TextDelta(t, 0)) for t in ("Hel", "lo", " world")]
    assert [c.delta for c in chunks] == ["Hel", "lo", " world"]
    assert [c.message.content for c in chunks] == ["Hel", "Hello", "Hello world"]


def test_stream_thinking_deltas_go_to_additional_kwargs_and_a_thinking_block():
    assembler = StreamAssembler()
    first = assembler.feed(ReasoningDelta("Let me ", 0))
    second = assembler.feed(ReasoningDelta("think.", 0))
    text = assembler.feed(TextDelta("Done.", 1))
    assert first.additional_kwargs["thinking_delta"] == "Let me "
    assert second.additional_kwargs["thinking_delta"] == "think."
    assert second.delta == ""
    assert "thinking_delta" not in text.additional_kwargs  # never carried into answer chunks
    thinking = [b for b in text.message.blocks if isinstance(b, ThinkingBlock)]
    assert [b.content for b in thinking] == ["Let me think."]


def test_stream_tool_call_blocks_accumulate():
    assembler = StreamAssembler()
    assembler.feed(ToolCallStart(0, "c1", "weather"))
    assembler.feed(ToolCallArgsDelta(0, '{"city": '))
    chunk = assembler.feed(ToolCallArgsDelta(0, '"Rome"}'))
    (block,) = chunk.message.blocks
    assert (block.tool_call_id, block.tool_name, block.tool_kwargs) == (
        "c1",
        "weather",
        '{"city": "Rome"}',
    )


def test_stream_final_chunk_carries_usage():
    assembler = StreamAssembler()
    assembler.feed(TextDelta("Hi", 0))
    final = assembler.feed(Done(_result("Hi", Usage(7, 2, 9))))
    assert final.delta == ""
    assert final.message.content == "Hi"
    assert get_tokens_from_response(final) == (7, 2)


def test_stop_sequences_cut_the_stream_and_the_final_message_alike():
    """Deltas cut by the core's stop filter (as ``ResponsesClient.stream(stop=...)`` does)."""
    stops = StopFilter(["END"], StreamIdentity(id="resp_9", model="m"))
    assembler = StreamAssembler()
    incoming = [TextDelta(t, 0) for t in ("one E", "N", "D two")]
    chunks = [
        assembler.feed(kept)
        for delta in [*incoming, Done(_result("one END two"))]
        for kept in stops.feed(delta)
    ]
    final = chunks[-1]
    assert "".join(c.delta or "" for c in chunks) == "one "
    assert final.message.content == "one "
    assert final.additional_kwargs["response_id"] == "resp_9"
    assert final.additional_kwargs["usage"] == {}  # the server's end was not read


def test_recorded_vllm_tool_stream():
    """A function call streamed by vLLM, replayed through the core's reducer."""
    events = [
        json.loads(line[len("data: ") :])
        for line in (RECORDINGS / "vllm" / "vllm_stream_tool.sse").read_text().splitlines()
        if line.startswith("data: ")
    ]
    assembler = StreamAssembler()
    chunks = [assembler.feed(delta) for delta in iter_deltas(events)]
    final = chunks[-1]
    calls = [b for b in final.message.blocks if isinstance(b, ToolCallBlock)]
    assert [c.tool_name for c in calls] == ["get_time"]  # what the recorded model called
    assert isinstance(calls[0].tool_kwargs, dict)
    # every earlier chunk's calls are a prefix of the final arguments
    growing = [
        b.tool_kwargs
        for c in chunks[:-1]
        for b in c.message.blocks
        if isinstance(b, ToolCallBlock) and isinstance(b.tool_kwargs, str)
    ]
    assert growing
    assert json.loads(growing[-1]) == calls[0].tool_kwargs
    assert final.additional_kwargs["usage"]["output_tokens"] > 0


def test_assembled_message_is_a_plain_chat_message():
    chunk = StreamAssembler().feed(TextDelta("x", 0))
    assert isinstance(chunk.message, ChatMessage)
    assert chunk.message.role == "assistant"
