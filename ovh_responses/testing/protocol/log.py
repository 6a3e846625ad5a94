"""The request log: every request the local endpoint received, in order, thread-safe."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

REDACTED = "Bearer <redacted>"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request: ``headers`` have lower-case names and the Authorization value redacted;
    ``body`` is the parsed JSON (``None`` when there was none or it did not parse)."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any

    @property
    def had_api_key(self) -> bool:
        return "authorization" in self.headers


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RecordedRequest] = []

    def add(self, request: RecordedRequest) -> None:
        with self._lock:
            self._items.append(request)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def all(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)


def redact(headers: Mapping[str, str]) -> dict[str, str]:
    out = {k.lower(): v for k, v in headers.items()}
    if "authorization" in out:
        out["authorization"] = REDACTED
    return out
