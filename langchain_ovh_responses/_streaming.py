"""Stream deltas -> ``AIMessageChunk``s.

Stop sequences are applied by the core (:meth:`ovh_responses.client.ResponsesClient.stream`
with ``stop=``): a stream cut at one ends with a ``Done`` whose result names the sequence, and
its last chunk says ``finish_reason="stop"``. Sync and async streams share this class; only
their loops differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_ovh_responses._outputs import delta_to_chunk, done_chunk
from ovh_responses.types import Done

if TYPE_CHECKING:
    from langchain_core.messages import AIMessageChunk

    from langchain_ovh_responses._outputs import OutputVersion
    from ovh_responses.types import Delta

__all__ = ["ChunkStream"]


class ChunkStream:
    """Feed it the deltas in order; stop reading once :attr:`finished` is true."""

    def __init__(self, *, version: OutputVersion) -> None:
        self._version = version
        self.finished = False

    def feed(self, delta: Delta) -> list[AIMessageChunk]:
        """The chunks to emit for ``delta``."""
        if self.finished:
            return []
        if isinstance(delta, Done):
            self.finished = True
            return [done_chunk(delta.result, self._version)]
        return [delta_to_chunk(delta, self._version)]
