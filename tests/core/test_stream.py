"""StreamReducer, iter_deltas and aiter_deltas on recorded streams and edited copies of them."""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseIncompleteEvent,
    ResponseStreamEvent,
)
from pydantic import TypeAdapter
from recordings import (
    OPENAI_STREAMS,
    VLLM_STREAMS,
    cassette_streams,
    sdk_events,
    validated_events,
    vllm_text,
)

from ovh_responses.errors import APIConnectionError, StreamError, StreamInterruptedError
from ovh_responses.types import (
    Delta,
    Done,
    ReasoningDelta,
    RefusalDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)
from ovh_responses.wire.answer import parse_response
from ovh_responses.wire.stream import StreamReducer, aiter_deltas, iter_deltas

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Sequence

Events = list[ResponseStreamEvent]


def recorded_streams() -> list[tuple[str, Events]]:
    streams = [(f"vllm:{name}", sdk_events(vllm_text(name))) for name in VLLM_STREAMS]
    for name in OPENAI_STREAMS:
        for i, text in enumerate(cassette_streams(name)):
            streams.append((f"{name}[{i}]", sdk_events(text)))
    return streams


STREAMS = recorded_streams()
IDS = [name for name, _ in STREAMS]


def stream(name: str) -> Events:
    return next(events for n, events in STREAMS if n == name)


def terminal(events: Events) -> ResponseCompletedEvent:
    last = events[-1]
    assert last.type == "response.completed"
    return last


def wire(events: Iterable[ResponseStreamEvent]) -> list[dict[str, Any]]:
    """The events as the reducer receives them: the JSON the server sent."""
    return [e.to_dict(mode="json") for e in events]


def run(events: Iterable[ResponseStreamEvent]) -> list[Delta]:
    return list(iter_deltas(wire(events)))


def done(deltas: Sequence[Delta]) -> Result:
    last = deltas[-1]
    assert isinstance(last, Done)
    return last.result


def without(events: Events, *types: str) -> Events:
    return [e for e in events if e.type not in types]


def with_empty_output(events: Events) -> Events:
    end = terminal(events)
    blank = end.model_copy(update={"response": end.response.model_copy(update={"output": []})})
    return [*events[:-1], blank]


def texts(deltas: Iterable[Delta]) -> str:
    return "".join(d.text for d in deltas if isinstance(d, TextDelta))


def event(data: dict[str, Any]) -> ResponseStreamEvent:
    adapter: TypeAdapter[ResponseStreamEvent] = TypeAdapter(ResponseStreamEvent)
    return adapter.validate_python({"sequence_number": 0} | data)


# ----- every recorded stream ---------------------------------------------------------------------


@pytest.mark.parametrize("events", [e for _, e in STREAMS], ids=IDS)
def test_result_is_parse_response_of_the_terminal_response(events: Events) -> None:
    deltas = run(events)
    assert sum(isinstance(d, Done) for d in deltas) == 1
    assert done(deltas) == parse_response(terminal(events).response)


@pytest.mark.parametrize("events", [e for _, e in STREAMS], ids=IDS)
def test_deltas_add_up_to_the_result(events: Events) -> None:
    deltas = run(events)
    result = done(deltas)
    assert texts(deltas) == result.text
    reasoning = "".join(d.text for d in deltas if isinstance(d, ReasoningDelta))
    assert reasoning == "".join(r.text for r in result.reasoning)
    starts = [d for d in deltas if isinstance(d, ToolCallStart)]
    assert [(s.call_id, s.name) for s in starts] == [
        (c.call_id, c.name) for c in result.function_calls
    ]
    for start, fc in zip(starts, result.function_calls, strict=True):
        args = (
            d.delta
            for d in deltas
            if isinstance(d, ToolCallArgsDelta) and d.output_index == start.output_index
        )
        assert "".join(args) == fc.arguments


@pytest.mark.parametrize("events", [e for _, e in STREAMS], ids=IDS)
def test_empty_terminal_output_is_rebuilt_from_the_stream(events: Events) -> None:
    expected = parse_response(terminal(events).response)
    for edited in (
        with_empty_output(events),
        with_empty_output(without(events, "response.output_item.done")),
    ):
        result = done(run(edited))
        assert result.text == expected.text
        assert [r.text for r in result.reasoning] == [r.text for r in expected.reasoning]
        assert [
            (c.call_id, c.name, c.arguments, c.parsed_arguments) for c in result.function_calls
        ] == [(c.call_id, c.name, c.arguments, c.parsed_arguments) for c in expected.function_calls]
        assert (result.id, result.status, result.usage) == (
            expected.id,
            expected.status,
            expected.usage,
        )
        assert result == parse_response(result.response)  # type: ignore[arg-type]


def test_vllm_streams_validate_against_the_sdk_types_and_reduce_alike() -> None:
    for name in VLLM_STREAMS:
        strict = validated_events(vllm_text(name))
        assert run(strict) == run(sdk_events(vllm_text(name)))


def test_old_openai_streams_have_no_sequence_numbers() -> None:
    events = stream("openai_responses_stream[0]")
    assert all("sequence_number" not in e.model_fields_set for e in events)
    assert done(run(events)).function_calls[0].name == "get_capital"


# ----- facts read from the recordings ----------------------------------------------------------


def test_openai_function_call_stream() -> None:
    deltas = run(stream("openai_responses_stream[0]"))
    assert deltas[0] == ToolCallStart(
        0,
        "call_kL0PCQV7M2WMoVX8V8OtYSAL",
        "get_capital",
        "fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2",
    )
    assert [d.delta for d in deltas if isinstance(d, ToolCallArgsDelta)] == [
        '{"',
        "country",
        '":"',
        "France",
        '"}',
    ]
    (fc,) = done(deltas).function_calls
    assert fc.parsed_arguments == {"country": "France"}


def test_openai_text_stream() -> None:
    deltas = run(stream("openai_responses_stream[1]"))
    assert [d.text for d in deltas if isinstance(d, TextDelta)] == [
        "The",
        " capital",
        " of",
        " France",
        " is",
        " Paris",
        ".",
    ]
    assert done(deltas).text == "The capital of France is Paris."


def test_openrouter_reasoning_text_stream() -> None:
    deltas = run(stream("openai_responses_raw_cot_stream_openrouter[0]"))
    reasoning = [d for d in deltas if isinstance(d, ReasoningDelta)]
    assert {d.kind for d in reasoning} == {"text"}
    assert {d.item_id for d in reasoning} == {"rs_tmp_2kbe7x16sax"}
    thought = (
        'The user asks: "What is 2+2?" They expect a straightforward answer: 4. Just answer 4.'
    )
    assert "".join(d.text for d in reasoning) == thought
    assert texts(deltas) == "4"


def test_vllm_stream_cut_by_the_token_limit_is_incomplete() -> None:
    deltas = run(stream("vllm:vllm_stream"))
    assert [d.text for d in deltas if isinstance(d, TextDelta)] == ["\n", "\n\n\n"]
    result = done(deltas)
    assert result.is_incomplete
    assert result.incomplete_reason == "max_output_tokens"


def test_vllm_tool_stream() -> None:
    deltas = run(stream("vllm:vllm_stream_tool"))
    assert deltas[0] == ToolCallStart(
        0, "chatcmpl-tool-9ab233fffcd9cd76", "get_time", "fc_9486a743e0687b6d"
    )
    assert "".join(d.delta for d in deltas if isinstance(d, ToolCallArgsDelta)) == '{"tz": "UTC"}'


# ----- OpenAI's and vLLM's ways of ending ------------------------------------------------------


def test_response_incomplete_event_ends_the_stream() -> None:
    events = stream("vllm:vllm_stream")
    end = terminal(events)
    incomplete = ResponseIncompleteEvent(
        type="response.incomplete", response=end.response, sequence_number=end.sequence_number
    )
    result = done(run([*events[:-1], incomplete]))
    assert result.is_incomplete
    assert result.text == "\n\n\n\n"


def test_nothing_follows_done() -> None:
    events = stream("openai_responses_stream[1]")
    deltas = run([*events, *events])
    assert isinstance(deltas[-1], Done)
    assert sum(isinstance(d, Done) for d in deltas) == 1


# ----- failures --------------------------------------------------------------------------------


def test_error_event_raises_with_the_text_so_far() -> None:
    events = stream("openai_responses_stream[1]")
    first_two = [i for i, e in enumerate(events) if e.type == "response.output_text.delta"][:2]
    error = ResponseErrorEvent(
        type="error", code="server_error", message="model crashed", sequence_number=9
    )
    received: list[Delta] = []
    with pytest.raises(StreamError) as caught:
        received.extend(iter_deltas(wire([*events[: first_two[-1] + 1], error])))
    assert caught.value.code == "server_error"
    assert "model crashed" in str(caught.value)
    assert caught.value.partial_text == "The capital"


def test_response_failed_raises() -> None:
    events = stream("vllm:vllm_stream_tool")
    end = terminal(events)
    failed_response = end.response.model_dump() | {
        "status": "failed",
        "error": {"code": "server_error", "message": "The engine stopped."},
    }
    failed = ResponseFailedEvent.model_validate(
        {"type": "response.failed", "sequence_number": 12, "response": failed_response}
    )
    with pytest.raises(StreamError) as caught:
        run([*events[:-1], failed])
    assert caught.value.code == "server_error"
    assert "The engine stopped." in str(caught.value)
    assert not isinstance(caught.value, StreamInterruptedError)


@pytest.mark.parametrize(("cut", "received"), [(0, ""), (3, ""), (6, "The capital")])
def test_stream_cut_before_its_end_raises_interrupted(cut: int, received: str) -> None:
    events = stream("openai_responses_stream[1]")[:cut]
    with pytest.raises(StreamInterruptedError) as caught:
        run(events)
    assert isinstance(caught.value, APIConnectionError)
    assert caught.value.partial_text == received


def test_partial_text_when_cut_after_the_last_text() -> None:
    events = stream("openai_responses_stream[1]")[:-1]
    with pytest.raises(StreamInterruptedError) as caught:
        run(events)
    assert caught.value.partial_text == "The capital of France is Paris."


def test_finish_without_terminal_event() -> None:
    reducer = StreamReducer()
    for e in wire(stream("vllm:vllm_stream")[:5]):
        reducer.feed(e)
    with pytest.raises(StreamInterruptedError):
        reducer.finish()


async def test_aiter_deltas_matches_iter_deltas() -> None:
    for name, events in STREAMS:
        assert [d async for d in aiter_deltas(agen(events))] == run(events), name


async def test_aiter_deltas_raises_on_a_cut_stream() -> None:
    with pytest.raises(StreamInterruptedError):
        async for _ in aiter_deltas(agen(stream("vllm:vllm_stream")[:-1])):
            pass


async def agen(events: Events) -> AsyncIterator[dict[str, Any]]:
    for e in wire(events):
        yield e


# ----- tolerance -------------------------------------------------------------------------------


def test_repeated_done_events_do_not_repeat_text() -> None:
    events = stream("openai_responses_stream[1]")
    text_done = next(e for e in events if e.type == "response.output_text.done")
    deltas = run([*events[:-1], text_done, text_done, events[-1]])
    assert texts(deltas) == "The capital of France is Paris."


def test_text_done_without_deltas_delivers_the_text_once() -> None:
    events = without(stream("openai_responses_stream[1]"), "response.output_text.delta")
    deltas = run(events)
    assert [d.text for d in deltas if isinstance(d, TextDelta)] == [
        "The capital of France is Paris."
    ]


def test_arguments_done_without_deltas_gives_one_delta() -> None:
    events = without(stream("vllm:vllm_stream_tool"), "response.function_call_arguments.delta")
    deltas = run(events)
    assert [d for d in deltas if not isinstance(d, Done)] == [
        ToolCallStart(0, "chatcmpl-tool-9ab233fffcd9cd76", "get_time", "fc_9486a743e0687b6d"),
        ToolCallArgsDelta(0, '{"tz": "UTC"}'),
    ]


def test_arguments_before_the_call_is_known_are_sent_with_its_start() -> None:
    events = without(stream("vllm:vllm_stream_tool"), "response.output_item.added")
    deltas = run(events)
    assert [d for d in deltas if not isinstance(d, Done)] == [
        ToolCallStart(0, "chatcmpl-tool-9ab233fffcd9cd76", "get_time", "fc_9486a743e0687b6d"),
        ToolCallArgsDelta(0, '{"tz": "UTC"}'),
    ]


def test_function_call_seen_only_when_done() -> None:
    events = without(
        stream("openai_responses_streaming_usage[0]"),
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
    )
    deltas = run(events)
    assert [d for d in deltas if not isinstance(d, Done)] == [
        ToolCallStart(
            1,
            "call_CWXgs68YprAjp6t0371hiPOI",
            "final_result",
            "fc_0050471a34b36ae60068c97bf19d9c819590eaf42c0edc1042",
        ),
        ToolCallArgsDelta(1, '{"result":6666}'),
    ]


def test_summary_and_refusal_deltas() -> None:
    events = [
        event({"type": "response.output_item.added", "output_index": 0,
               "item": {"type": "reasoning", "id": "rs_1", "summary": []}}),
        event({"type": "response.reasoning_summary_text.delta", "output_index": 0,
               "item_id": "rs_1", "summary_index": 0, "delta": "Weighing "}),
        event({"type": "response.reasoning_summary_text.delta", "output_index": 0,
               "item_id": "rs_1", "summary_index": 0, "delta": "the request."}),
        event({"type": "response.reasoning_summary_text.done", "output_index": 0,
               "item_id": "rs_1", "summary_index": 0, "text": "Weighing the request."}),
        event({"type": "response.refusal.delta", "output_index": 1, "item_id": "msg_1",
               "content_index": 0, "delta": "I can't"}),
        event({"type": "response.refusal.done", "output_index": 1, "item_id": "msg_1",
               "content_index": 0, "refusal": "I can't help."}),
    ]  # fmt: skip
    completed = with_empty_output([*events, terminal(stream("vllm:vllm_stream_tool"))])
    deltas = run(completed)
    assert deltas[:-1] == [
        ReasoningDelta("Weighing ", 0, "summary", "rs_1"),
        ReasoningDelta("the request.", 0, "summary", "rs_1"),
        RefusalDelta("I can't", 1),
        RefusalDelta(" help.", 1),
    ]
    result = done(deltas)
    assert result.reasoning[0].summary == "Weighing the request."
    assert result.refusal == "I can't help."
    assert result.function_calls == []


@settings(deadline=None)
@given(
    text=st.text(min_size=1, max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=12),
    keep_output=st.booleans(),
)
def test_text_split_anywhere_gives_the_same_text(
    text: str, cuts: list[int], keep_output: bool
) -> None:
    template = stream("vllm:vllm_stream")
    bounds = sorted({0, len(text), *(c for c in cuts if c < len(text))})
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    delta = next(e for e in template if e.type == "response.output_text.delta")
    text_done = next(e for e in template if e.type == "response.output_text.done")
    body = terminal(template).model_dump()
    body["response"]["output"][0]["content"][0]["text"] = text
    end = ResponseCompletedEvent.model_validate(body)
    events: Events = [
        *template[:4],
        *(delta.model_copy(update={"delta": p}) for p in pieces),
        text_done.model_copy(update={"text": text}),
        end,
    ]
    if not keep_output:
        events = with_empty_output(events)
    deltas = run(events)
    assert texts(deltas) == text
    assert done(deltas).text == text


def test_importing_the_core_converters_does_not_import_the_sdk() -> None:
    code = (
        "import sys, ovh_responses.wire.answer, ovh_responses.wire.stream, "
        "ovh_responses.wire.items; "
        "sys.exit('openai' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
