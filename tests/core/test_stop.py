"""Stop sequences cut on the client, whole or across stream deltas."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from ovh_responses.stop import StopCutter, cut_at_stop


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
