"""``/v1/embeddings``: a hashed bag of word stems, L2-normalised.

Each content word (stop words and punctuation dropped, light stemming: "variables" ~ "variable")
adds +-1 at a hashed position, so texts that share meaningful words get close vectors and
retrieval by word overlap works; a text of stop words only falls back on all its words. The same
text always gets the same vector. ``encoding_format: "base64"`` (what the openai SDK asks for by
default) sends little-endian float32 bytes, as OpenAI and vLLM do.
"""

from __future__ import annotations

import base64
import hashlib
import math
import struct
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.brain.text import STOPWORDS, count_tokens, stem, words
from ovh_responses.testing.protocol.failures import bad_request
from ovh_responses.testing.protocol.rules import find_model

if TYPE_CHECKING:
    from ovh_responses.testing.protocol.models import ModelSpec


def terms(text: str) -> list[str]:
    """The stems ``text`` is embedded by: those of its content words, else of all its words."""
    found = [part for word in words(text) for part in _parts(word)]
    content = [w for w in found if w not in STOPWORDS]
    return [stem(w) for w in content or found]


def _parts(word: str) -> list[str]:
    """``api_key`` -> ``["api_key", "api", "key"]``: names match the words they are made of."""
    pieces = [p for p in word.split("_") if p]
    return [word, *pieces] if len(pieces) > 1 else pieces or [word]


def embed(text: str, dimensions: int) -> list[float]:
    """The unit vector of ``text``: each term adds +-1 at a hashed position."""
    vector = [0.0] * dimensions
    for term in terms(text):
        digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
        slot = int.from_bytes(digest[:4], "little") % dimensions
        vector[slot] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0.0:
        vector[0] = 1.0
        return vector
    return [v / norm for v in vector]


def _texts(raw: object) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(t, str) for t in raw):
        return [str(t) for t in raw]
    if isinstance(raw, list) and raw and all(isinstance(t, int) for t in raw):
        return [" ".join(f"t{t}" for t in raw)]
    if isinstance(raw, list) and raw and all(isinstance(t, list) for t in raw):
        return [" ".join(f"t{t}" for t in item) for item in raw]
    raise bad_request("input must be a non-empty string or list of strings.", "input")


def embeddings_body(body: dict[str, Any], index: dict[str, ModelSpec]) -> dict[str, Any]:
    spec = find_model(index, body, "embeddings")
    texts = _texts(body.get("input"))
    dimensions = body.get("dimensions") or spec.dimensions
    if not isinstance(dimensions, int) or not 1 <= dimensions <= spec.dimensions:
        raise bad_request(f"dimensions must be between 1 and {spec.dimensions}.", "dimensions")
    fmt = body.get("encoding_format") or "float"
    if fmt not in ("float", "base64"):
        raise bad_request("encoding_format must be 'float' or 'base64'.", "encoding_format")
    data: list[dict[str, Any]] = []
    for i, text in enumerate(texts):
        if count_tokens(text) > spec.context:
            raise bad_request(
                f"This model's maximum context length is {spec.context} tokens. However, input "
                f"{i} has {count_tokens(text)} tokens. Please reduce the length of the input.",
                "input",
            )
        vector = embed(text, dimensions)
        value: Any = vector
        if fmt == "base64":
            value = base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode()
        data.append({"object": "embedding", "index": i, "embedding": value})
    tokens = sum(count_tokens(t) for t in texts)
    return {
        "object": "list",
        "data": data,
        "model": spec.id,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
