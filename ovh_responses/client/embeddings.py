"""``/v1/embeddings``: texts sent in batches, vectors returned in input order as floats."""

from __future__ import annotations

import base64
import sys
from array import array
from typing import TYPE_CHECKING, cast

from ovh_responses.errors import reading_answer, unreadable_answer

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, Sequence

    from openai.types import CreateEmbeddingResponse

__all__ = ["DEFAULT_EMBED_BATCH_SIZE", "aembed_batches", "embed_batches"]

DEFAULT_EMBED_BATCH_SIZE = 64


def embed_batches(
    texts: Sequence[str], size: int, send: Callable[[list[str]], CreateEmbeddingResponse]
) -> list[list[float]]:
    """One vector per text, in order, ``send`` called for ``size`` texts at a time."""
    vectors: list[list[float]] = []
    for batch in _batches(texts, size):
        vectors.extend(_vectors(send(batch)))
    return vectors


async def aembed_batches(
    texts: Sequence[str],
    size: int,
    send: Callable[[list[str]], Awaitable[CreateEmbeddingResponse]],
) -> list[list[float]]:
    """The async twin of :func:`embed_batches`: only the call differs."""
    vectors: list[list[float]] = []
    for batch in _batches(texts, size):
        vectors.extend(_vectors(await send(batch)))
    return vectors


def _batches(texts: Sequence[str], size: int) -> Iterator[list[str]]:
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")
    for start in range(0, len(texts), size):
        yield list(texts[start : start + size])


def _vectors(answer: CreateEmbeddingResponse) -> list[list[float]]:
    """The vectors in input order, decoded if the server sent base64 anyway; a typed error
    for an answer that is not JSON (a proxy's page) or not in the protocol's shape."""
    if isinstance(answer, str):
        raise unreadable_answer("not JSON", streaming=False)
    with reading_answer(streaming=False):
        ordered = sorted(answer.data, key=lambda item: item.index)
        return [_floats(cast("list[float] | str", item.embedding)) for item in ordered]


def _floats(embedding: list[float] | str) -> list[float]:
    if not isinstance(embedding, str):
        return [float(x) for x in embedding]
    values = array("f")
    values.frombytes(base64.b64decode(embedding))
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()
