"""Stop sequences, applied on the client: ``/v1/responses`` has no ``stop`` parameter.

The text is cut before the first stop sequence to *complete* (the one that ends first; of two
ending at the same place, the longer), as a server would while generating. The streamed and
the whole-text cuts agree for any split of the text into deltas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


__all__ = ["StopCutter", "cut_at_stop"]


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
