"""Stop sequences cut on the client, whole or across stream deltas."""

from __future__ import annotations

import itertools

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovh_responses.client import ResponsesClient
from ovh_responses.fitting.stop import StopCutter, StopFilter, StreamIdentity, cut_at_stop
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint
from ovh_responses.types import (
    Delta,
    Done,
    ReasoningDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)

STORY = "Tell me a long story about a cat who lived in a lighthouse by the sea"


def run(deltas: list[str], stop: list[str] | None) -> tuple[str, StopCutter]:
    cutter = StopCutter(stop)
    out = "".join(cutter.feed(d) for d in deltas) + cutter.flush()
    return out, cutter


def test_cut_whole_text() -> None:
    assert cut_at_stop("Hello\nUser: hi", ["\nUser:"]) == "Hello"
    assert cut_at_stop("no stop here", ["STOP"]) == "no stop here"
    assert cut_at_stop("abc", None) == "abc"
    assert cut_at_stop("abc", []) == "abc"
    assert cut_at_stop("abc", [""]) == "abc"


def test_first_completed_stop_wins() -> None:
    # "bc" completes (at 3) before "abcd" does (at 4).
    assert cut_at_stop("xabcd", ["abcd", "bc"]) == "xa"
    # Both complete at the same place: the longer (earlier) one cuts.
    assert cut_at_stop("xabc", ["bc", "abc"]) == "x"
    assert cut_at_stop("one. two. three", [".", "two"]) == "one"


def test_stop_split_across_deltas() -> None:
    out, cutter = run(["Answer: 42", "\nUs", "er: and", " more"], ["\nUser:"])
    assert out == "Answer: 42"
    assert cutter.stopped
    assert cutter.matched == "\nUser:"


def test_possible_prefix_is_held_then_released() -> None:
    cutter = StopCutter(["END"])
    assert cutter.feed("the EN") == "the "
    assert cutter.feed("Dless") == ""
    assert cutter.stopped
    cutter = StopCutter(["END"])
    assert cutter.feed("the EN") == "the "
    assert cutter.feed("ding") == "ENding"
    assert not cutter.stopped


def test_held_text_is_flushed_at_the_end() -> None:
    cutter = StopCutter(["END"])
    assert cutter.feed("almost E") == "almost "
    assert cutter.flush() == "E"
    assert not cutter.stopped


def test_everything_after_a_stop_is_dropped() -> None:
    cutter = StopCutter(["|"])
    assert cutter.feed("a|b") == "a"
    assert cutter.feed("c|d") == ""
    assert cutter.flush() == ""


def test_no_stop_sequences_passes_through() -> None:
    out, cutter = run(["a", "b", "c"], None)
    assert out == "abc"
    assert not cutter.stopped


@st.composite
def split_text(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    alphabet = st.sampled_from("ab\nc")
    text = draw(st.text(alphabet, max_size=30))
    stops = draw(st.lists(st.text(alphabet, min_size=1, max_size=4), max_size=3))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)], stops


@given(split_text())
def test_any_split_cuts_like_the_whole_text(case: tuple[list[str], list[str]]) -> None:
    deltas, stops = case
    out, cutter = run(deltas, stops)
    whole = "".join(deltas)
    assert out == cut_at_stop(whole, stops)
    assert cutter.stopped == any(s in whole for s in stops)


@given(st.text(st.sampled_from("ab\nc"), max_size=30), st.lists(st.text("ab", min_size=1)))
def test_cut_text_contains_no_stop_sequence(text: str, stops: list[str]) -> None:
    cut = cut_at_stop(text, stops)
    assert text.startswith(cut)
    assert not any(s in cut for s in stops)


# ----- stop sequences on a real stream ---------------------------------------------------------


def _full_and_stop(client: ResponsesClient, model: str) -> tuple[str, str]:
    """The whole answer, and a word from its middle to stop at."""
    full = client.create(build_request(model=model, input=STORY)).text
    return full, full.split()[len(full.split()) // 2]


@pytest.mark.parametrize(
    ("model", "id_prefix"),
    [("local-chat", "resp_"), ("local-chat-completions-only", "chatcmpl-")],
)
def test_a_stream_ends_at_the_stop_sequence_and_its_connection_closes(
    endpoint: LocalEndpoint, model: str, id_prefix: str
) -> None:
    responses: list[httpx2.Response] = []
    with httpx2.Client(event_hooks={"response": [responses.append]}) as http:
        client = ResponsesClient(base_url=endpoint.base_url, http_client=http, max_retries=0)
        full, word = _full_and_stop(client, model)
        body = build_request(model=model, input=STORY, stream=True)
        stream = client.stream(body, stop=[word])
        deltas = []
        for delta in stream:
            deltas.append(delta)
            if isinstance(delta, Done):
                assert responses[-1].is_closed  # closed before the caller has even finished
    expected = full[: full.index(word)]
    assert "".join(d.text for d in deltas if isinstance(d, TextDelta)) == expected
    done = deltas[-1]
    assert isinstance(done, Done)
    assert (done.result.text, done.result.status) == (expected, "completed")
    assert done.result.stop_sequence == word
    assert done.result.id.startswith(id_prefix)
    assert done.result.model == model
    assert done.result.usage is None  # the server reports usage at the end, which was not read


async def test_create_with_stop_gives_the_cut_answer_sync_and_async(
    endpoint: LocalEndpoint,
) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    full, word = _full_and_stop(client, "local-chat")
    body = build_request(model="local-chat", input=STORY)
    cut = client.create(body, stop=[word])
    acut = await client.acreate(body, stop=[word])
    streamed = [d async for d in client.astream({**body, "stream": True}, stop=[word])]
    expected = full[: full.index(word)]
    assert (cut.text, acut.text, cut.usage, acut.usage) == (expected, expected, None, None)
    done = streamed[-1]
    assert isinstance(done, Done)
    assert (done.result.text, done.result.status, done.result.usage) == (
        expected,
        "completed",
        None,
    )
    assert endpoint.bodies()[-1]["stream"] is True
    assert "stop" not in endpoint.bodies()[-1]


def test_without_a_stop_sequence_met_the_stream_is_read_to_its_end(
    endpoint: LocalEndpoint,
) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    body = build_request(model="local-chat", input=STORY, stream=True)
    deltas = list(client.stream(body, stop=["never said by the local model"]))
    done = deltas[-1]
    assert isinstance(done, Done)
    assert done.result.usage is not None
    assert done.result.usage.output_tokens > 0
    assert done.result.stop_sequence is None
    assert "".join(d.text for d in deltas if isinstance(d, TextDelta)) == done.result.text


# ----- the filter on its own -------------------------------------------------------------------


def _filtered(deltas: list[Delta], stop: list[str]) -> list[Delta]:
    stops = StopFilter(stop, StreamIdentity(id="resp_7", model="m"))
    out: list[Delta] = []
    for delta in deltas:
        out += stops.feed(delta)
        if stops.finished:
            break
    return out


def test_the_filter_keeps_what_came_before_the_stop_in_its_result() -> None:
    out = _filtered(
        [
            ReasoningDelta("Thinking.", 0, "text", "rs_1"),
            ToolCallStart(1, "c1", "f", "fc_1"),
            ToolCallArgsDelta(1, '{"a": 1}'),
            TextDelta("Answer: yes. END and more", 2, "msg_1"),
            TextDelta("never read", 2, "msg_1"),
        ],
        ["END"],
    )
    assert out[-2] == TextDelta("Answer: yes. ", 2, "msg_1")
    done = out[-1]
    assert isinstance(done, Done)
    result = done.result
    assert (result.id, result.model, result.text) == ("resp_7", "m", "Answer: yes. ")
    assert result.reasoning_text == "Thinking."
    assert [(c.name, c.parsed_arguments) for c in result.function_calls] == [("f", {"a": 1})]


def test_the_filter_releases_held_text_before_the_next_other_delta() -> None:
    final = Done(Result(id="r", model="m", status="completed", text="ok E"))
    out = _filtered([TextDelta("ok E", 0), ToolCallStart(1, "c", "f"), final], ["END"])
    assert out == [TextDelta("ok ", 0), TextDelta("E", 0), ToolCallStart(1, "c", "f"), final]


def test_without_stop_sequences_the_filter_changes_nothing() -> None:
    deltas: list[Delta] = [TextDelta("a", 0), TextDelta("b", 0)]
    final = Done(Result(id="r", model="m", status="completed", text="ab"))
    assert _filtered([*deltas, final], []) == [*deltas, final]
