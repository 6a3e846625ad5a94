"""The user's own word on a model, which wins over the family table and over what was learned.

An override is a whole :class:`~ovh_responses.fitting.profiles.ModelProfile` or a partial
mapping of its flags (``{"tool_calling": True, "accepts_system_prompt": False}``). The adapters
set one per base URL and model (``ChatOVHResponses(model_profile=...)``,
``OVHResponses(model_profile=...)``);
:func:`ovh_responses.fitting.profiles.register_profile` gives one for every id matching a pattern.
"""

from __future__ import annotations

import threading
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, TypeAlias

from ovh_responses.fitting.profiles import ModelProfile
from ovh_responses.memory import remembered

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["OVERRIDES", "Overrides", "ProfileOverride", "check_override", "override_profile"]

ProfileOverride: TypeAlias = "ModelProfile | Mapping[str, Any]"
"""A whole profile, or some of its flags."""

_FLAGS = frozenset(f.name for f in fields(ModelProfile)) - {"family"}


def override_profile(profile: ModelProfile, override: ProfileOverride | None) -> ModelProfile:
    """``profile`` with ``override``'s flags (a whole profile replaces it). A flag that does not
    exist raises ``ValueError`` naming it and the flags there are."""
    if override is None:
        return profile
    if isinstance(override, ModelProfile):
        return override
    unknown = sorted(set(override) - _FLAGS)
    if unknown:
        raise ValueError(
            f"Unknown model profile flag(s) {', '.join(unknown)}; the flags are "
            f"{', '.join(sorted(_FLAGS))}."
        )
    return replace(profile, **dict(override))


def check_override(override: ProfileOverride | None) -> None:
    """Raise ``ValueError`` now (at construction) for an override with a flag that does not
    exist."""
    override_profile(ModelProfile(family="check"), override)


class Overrides:
    """Overrides per (base URL, model), for the life of the process; thread-safe. Two
    instances giving different words on the same model at the same endpoint: the one made last
    wins for both (what the model can do does not depend on which object asks)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._given: dict[tuple[str, str], ProfileOverride] = {}

    def set(self, base_url: str, model: str, override: ProfileOverride | None) -> None:
        """The user's word on ``model`` at ``base_url``, for the process like what was
        learned: the latest word given wins, and ``None`` (no word) changes nothing."""
        check_override(override)
        if override is None:
            return
        with self._lock:
            self._given[(base_url, model)] = override

    def apply(self, base_url: str, model: str, profile: ModelProfile) -> ModelProfile:
        with self._lock:
            override = self._given.get((base_url, model))
        return override_profile(profile, override)

    def clear(self) -> None:
        with self._lock:
            self._given.clear()


OVERRIDES = remembered(Overrides())
"""The process-wide overrides the clients share."""
