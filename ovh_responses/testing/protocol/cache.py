"""Prompt caching, reported the way vLLM's prefix cache reports it.

A prompt is cut into blocks of :data:`BLOCK` tokens; each full block is keyed by a hash chained
over every block before it, so a block is found again only behind the very same prefix. The
tokens of the leading blocks that an earlier prompt to the same model already had are the cached
tokens. At least one token of a prompt is always computed afresh, and a shared prefix shorter than
:data:`MIN_CACHED` tokens reports nothing. The cache lives as long as its endpoint and forgets
its oldest blocks past ``capacity``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

BLOCK = 16
MIN_CACHED = 32


def block_keys(tokens: Sequence[str]) -> list[bytes]:
    """One key per full block of ``tokens``, each chained over the blocks before it."""
    keys: list[bytes] = []
    previous = b""
    for start in range(0, len(tokens) - BLOCK + 1, BLOCK):
        block = "\x1f".join(tokens[start : start + BLOCK]).encode()
        previous = hashlib.blake2b(previous + block, digest_size=16).digest()
        keys.append(previous)
    return keys


class PromptCache:
    """Thread-safe prefix cache per model id; :meth:`lookup` also remembers the prompt."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._capacity = capacity
        self._blocks: OrderedDict[tuple[str, bytes], None] = OrderedDict()

    def lookup(self, model: str, tokens: Sequence[str]) -> int:
        """The cached token count of ``tokens`` for ``model``, then remember its blocks."""
        keys = [(model, key) for key in block_keys(tokens)]
        with self._lock:
            hits = 0
            while hits < len(keys) and keys[hits] in self._blocks:
                hits += 1
            for key in keys:
                self._blocks[key] = None
                self._blocks.move_to_end(key)
            while len(self._blocks) > self._capacity:
                self._blocks.popitem(last=False)
        limit = (len(tokens) - 1) // BLOCK * BLOCK
        cached = min(hits * BLOCK, limit)
        return cached if cached >= MIN_CACHED else 0

    def clear(self) -> None:
        with self._lock:
            self._blocks.clear()
