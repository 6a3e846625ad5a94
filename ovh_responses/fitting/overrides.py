"""The user's word on a model, which wins over the family table and over what was learned.

An override is a whole :class:`~ovh_responses.fitting.profiles.ModelProfile` or a partial
mapping of its flags (``{"tool_calling": True, "accepts_system_prompt": False}``). It belongs
to the instance it was given to (``ChatOVHResponses(model_profile=...)``,
``OVHResponses(model_profile=...)``), which passes it with each call
(``ResponsesClient.create(..., profile_override=...)``): two instances of one model may give
different words. :func:`ovh_responses.fitting.profiles.register_profile` gives one for every id
matching a pattern, for the whole process.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, TypeAlias

from ovh_responses.fitting.profiles import ModelProfile

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ProfileOverride", "check_override", "override_profile"]

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
