"""What the process remembers, and the one way to forget it.

Three things outlive a single call, shared by every client of the process, each behind its own
lock so that threads may share them:

- what the server refused, per endpoint and model: ``ovh_responses.fitting.learned.LEARNED``;
- the models each endpoint lists: ``ovh_responses.fitting.profiles.CATALOG``;
- the warnings already given: :data:`WARNED` (each adaptation is announced once per process).

Each is registered here with :func:`remembered`; :func:`forget` clears all of them, as if the
process had just started. Tests share it through the ``forget_process_memory`` fixture of
``tests/conftest.py``.
"""

from __future__ import annotations

import threading
import warnings
from typing import TYPE_CHECKING, Protocol, TypeVar

from ovh_responses.errors import OVHCompatibilityWarning

if TYPE_CHECKING:
    from collections.abc import Hashable

__all__ = ["WARNED", "Forgettable", "Warned", "forget", "remembered"]


class Forgettable(Protocol):
    """A process-wide store: :meth:`clear` empties it."""

    def clear(self) -> None: ...


_Store = TypeVar("_Store", bound=Forgettable)
_STORES: list[Forgettable] = []
_STORES_LOCK = threading.Lock()


def remembered(store: _Store) -> _Store:
    """``store``, registered so that :func:`forget` clears it."""
    with _STORES_LOCK:
        _STORES.append(store)
    return store


def forget() -> None:
    """Forget everything the process remembers: learned limits, listed models, warnings
    given."""
    with _STORES_LOCK:
        stores = list(_STORES)
    for store in stores:
        store.clear()


class Warned:
    """The keys of what was already reported in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: set[Hashable] = set()

    def first(self, key: Hashable) -> bool:
        """``True`` the first time ``key`` is seen (and from then on it counts as reported)."""
        with self._lock:
            if key in self._keys:
                return False
            self._keys.add(key)
            return True

    def mark(self, key: Hashable) -> None:
        """Count ``key`` as reported: a warning that says the same thing was given already."""
        with self._lock:
            self._keys.add(key)

    def warn_once(self, key: Hashable, message: str, *, stacklevel: int = 3) -> None:
        """An :class:`OVHCompatibilityWarning`, the first time ``key`` is seen."""
        if self.first(key):
            warnings.warn(message, OVHCompatibilityWarning, stacklevel=stacklevel)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()


WARNED = remembered(Warned())
"""The warnings (and log lines) already given in this process."""
