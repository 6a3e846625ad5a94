"""Stream deltas -> ``AIMessageChunk``s, with stop sequences applied.

``/v1/responses`` has no ``stop`` parameter, so the text is cut here with the core's
:class:`~ovh_responses.stop.StopCutter`: the chunk stream ends at the first stop sequence (its
last chunk says ``finish_reason="stop"`` and names the sequence) and the caller closes the
connection. Sync and async streams share this class; only their loops differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_ovh_responses._outputs import delta_to_chunk, done_chunk, stop_chunk, text_chunk
from ovh_responses.stop import StopCutter
from ovh_responses.types import Done, TextDelta

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.messages import AIMessageChunk

    from langchain_ovh_responses._outputs import OutputVersion
    from ovh_responses.types import Delta

__all__ = ["ChunkStream"]


class ChunkStream:
    """Feed it the deltas in order; stop reading once :attr:`finished` is true."""

    def __init__(self, *, model: str, stop: Sequence[str] | None, version: OutputVersion) -> None:
        self._model = model
        self._version = version
        self._cutter = StopCutter(stop)
        self._last_text: TextDelta | None = None
        self.finished = False

    def feed(self, delta: Delta) -> list[AIMessageChunk]:
        """The chunks to emit for ``delta`` (none while text is held back for a possible stop
        sequence)."""
        if self.finished:
            return []
        if isinstance(delta, TextDelta):
            return self._text(delta)
        chunks = self._flush()
        if isinstance(delta, Done):
            self.finished = True
            chunks.append(done_chunk(delta.result, self._version))
        else:
            chunks.append(delta_to_chunk(delta, self._version))
        return chunks

    def _text(self, delta: TextDelta) -> list[AIMessageChunk]:
        self._last_text = delta
        text = self._cutter.feed(delta.text)
        chunks = [self._text_chunk(text, delta)] if text else []
        if self._cutter.stopped:
            self.finished = True
            chunks.append(stop_chunk(self._model, self._cutter.matched or "", self._version))
        return chunks

    def _flush(self) -> list[AIMessageChunk]:
        """Text held back for a stop sequence that did not come, once the text has ended."""
        held = self._cutter.flush()
        if not held or self._last_text is None:
            return []
        return [self._text_chunk(held, self._last_text)]

    def _text_chunk(self, text: str, delta: TextDelta) -> AIMessageChunk:
        return text_chunk(text, delta.output_index, delta.item_id, self._version)
