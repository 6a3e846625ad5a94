"""Stop sequences, applied on the client: ``/v1/responses`` has no ``stop`` parameter.

The text is cut before the first stop sequence to *complete* (the one that ends first; of two
ending at the same place, the longer), as a server would while generating. The streamed and
the whole-text cuts agree for any split of the text into deltas.

:class:`StopFilter` applies them to a stream of deltas: at the first stop sequence the stream
ends with a :class:`~ovh_responses.types.Done` built on the client (the caller then closes the
connection, so the rest of the answer is neither read nor waited for). That result has the cut
text, status ``"completed"``, the id and model the stream announced when it began, and no
usage: the server reports usage only at the end of the answer, which is not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ovh_responses.types import (
    Done,
    FunctionCall,
    Reasoning,
    ReasoningDelta,
    RefusalDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)
from ovh_responses.wire.answer import parse_arguments

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ovh_responses.types import Delta


__all__ = ["StopCutter", "StopFilter", "StreamIdentity", "cut_at_stop"]


def _first_match(text: str, stops: Sequence[str]) -> tuple[int, str] | None:
    """(start, stop) of the stop sequence that completes first in ``text``."""
    best: tuple[int, int, str] | None = None
    for stop in stops:
        start = text.find(stop)
        if start < 0:
            continue
        key = (start + len(stop), start, stop)
        if best is None or key[:2] < best[:2]:
            best = key
    return (best[1], best[2]) if best is not None else None


def cut_at_stop(text: str, stop: Sequence[str] | None) -> str:
    """``text`` up to (not including) the first stop sequence to complete."""
    match = _first_match(text, [s for s in stop or () if s])
    return text if match is None else text[: match[0]]


class StopCutter:
    """Cuts a stream of text deltas at the first stop sequence.

    ``feed`` returns the text that can be emitted now: a tail that might be the start of a
    stop sequence is held back until the next delta tells. ``flush`` returns what is held at
    the end of the stream. After a stop, ``stopped`` is true and everything else is dropped.
    """

    def __init__(self, stop: Sequence[str] | None) -> None:
        self._stops = [s for s in stop or () if s]
        self._held = ""
        self.stopped = False
        self.matched: str | None = None

    def feed(self, delta: str) -> str:
        if self.stopped:
            return ""
        if not self._stops:
            return delta
        text = self._held + delta
        match = _first_match(text, self._stops)
        if match is not None:
            self.stopped, self.matched, self._held = True, match[1], ""
            return text[: match[0]]
        keep = self._pending_length(text)
        self._held = text[len(text) - keep :]
        return text[: len(text) - keep]

    def flush(self) -> str:
        held, self._held = self._held, ""
        return "" if self.stopped else held

    def _pending_length(self, text: str) -> int:
        """Length of the longest tail of ``text`` that begins some stop sequence."""
        longest = max(len(s) for s in self._stops) - 1
        for size in range(min(longest, len(text)), 0, -1):
            tail = text[-size:]
            if any(s.startswith(tail) for s in self._stops):
                return size
        return 0


@dataclass(slots=True)
class StreamIdentity:
    """The response id and model a stream announced when it began (filled in as it is read)."""

    id: str = ""
    model: str = ""


@dataclass(slots=True)
class _Seen:
    """What a stream delivered so far, for the result of a stream ended by a stop sequence."""

    text: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    reasoning: dict[int, tuple[str, str, str | None]] = field(default_factory=dict)
    calls: dict[int, ToolCallStart] = field(default_factory=dict)
    arguments: dict[int, str] = field(default_factory=dict)

    def add(self, delta: Delta) -> None:
        if isinstance(delta, TextDelta):
            self.text.append(delta.text)
        elif isinstance(delta, RefusalDelta):
            self.refusal.append(delta.text)
        elif isinstance(delta, ReasoningDelta):
            text, summary, _ = self.reasoning.get(delta.output_index, ("", "", None))
            if delta.kind == "text":
                text += delta.text
            else:
                summary += delta.text
            self.reasoning[delta.output_index] = (text, summary, delta.item_id)
        elif isinstance(delta, ToolCallStart):
            self.calls[delta.output_index] = delta
        elif isinstance(delta, ToolCallArgsDelta):
            self.arguments[delta.output_index] = (
                self.arguments.get(delta.output_index, "") + delta.delta
            )

    def result(self, identity: StreamIdentity, stop_sequence: str) -> Result:
        return Result(
            id=identity.id,
            model=identity.model,
            status="completed",
            text="".join(self.text),
            reasoning=[Reasoning(*self.reasoning[i]) for i in sorted(self.reasoning)],
            function_calls=[self._call(i) for i in sorted(self.calls)],
            refusal="".join(self.refusal) or None,
            stop_sequence=stop_sequence,
        )

    def _call(self, index: int) -> FunctionCall:
        start, arguments = self.calls[index], self.arguments.get(index, "")
        parsed, error = parse_arguments(arguments)
        return FunctionCall(start.call_id, start.name, arguments, parsed, error, start.item_id)


class StopFilter:
    """Stop sequences applied to a stream of deltas: feed it each delta and emit what it
    returns; once :attr:`finished` is true (after a :class:`Done`), stop reading.

    Text that might begin a stop sequence is held back until the next delta tells, and
    released before any delta that is not text. Without stop sequences every delta passes
    through unchanged.
    """

    def __init__(self, stop: Sequence[str] | None, identity: StreamIdentity) -> None:
        self._cutter = StopCutter(stop)
        self._identity = identity
        self._seen = _Seen()
        self._last_text: TextDelta | None = None
        self.finished = False

    def feed(self, delta: Delta) -> list[Delta]:
        if self.finished:
            return []
        if isinstance(delta, TextDelta):
            return self._text(delta)
        out = self._flush()
        self._seen.add(delta)
        self.finished = isinstance(delta, Done)
        return [*out, delta]

    def _text(self, delta: TextDelta) -> list[Delta]:
        self._last_text = delta
        out = self._emit(self._cutter.feed(delta.text), delta)
        if self._cutter.stopped:
            self.finished = True
            result = self._seen.result(self._identity, self._cutter.matched or "")
            out.append(Done(result))
        return out

    def _flush(self) -> list[Delta]:
        held = self._cutter.flush()
        return self._emit(held, self._last_text) if self._last_text is not None else []

    def _emit(self, text: str, like: TextDelta) -> list[Delta]:
        if not text:
            return []
        delta = TextDelta(text, like.output_index, like.item_id)
        self._seen.add(delta)
        return [delta]
