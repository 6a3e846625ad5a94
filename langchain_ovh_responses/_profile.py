"""LangChain's ``ModelProfile`` (what ``create_agent`` reads) <-> the core's model profile.

A profile the user gives the chat model (``profile=`` in LangChain's own shape, or
``model_profile=`` in the core's) is their word on the model: it wins over the table and over
what the server taught, for the requests of that instance only. ``.profile`` is made from the
same belief, so the two always agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ovh_responses.fitting.overrides import check_override
from ovh_responses.fitting.routing import model_profile
from ovh_responses.settings import resolve_base_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from langchain_core.language_models.model_profile import ModelProfile as LCModelProfile

    from ovh_responses.fitting.overrides import ProfileOverride
    from ovh_responses.fitting.profiles import ModelProfile

__all__ = ["from_langchain", "langchain_profile", "merged_override", "to_langchain"]


def to_langchain(profile: ModelProfile) -> LCModelProfile:
    """LangChain's model profile, from the core's."""
    found: LCModelProfile = {
        "max_input_tokens": profile.context_window,
        "text_inputs": True,
        "image_inputs": profile.vision,
        "image_url_inputs": False,  # only base64 data URLs are accepted
        "pdf_inputs": False,
        "audio_inputs": False,
        "video_inputs": False,
        "text_outputs": True,
        "reasoning_output": profile.reasoning is not None,
        "tool_calling": profile.tool_calling,
        "tool_choice": profile.tool_calling and profile.tool_choice_modes == "all",
        "structured_output": profile.json_schema,
    }
    if profile.max_output_tokens is not None:
        found["max_output_tokens"] = profile.max_output_tokens
    return found


_FLAGS: dict[str, tuple[str, Any]] = {
    # LangChain key -> (core flag, value for False); True maps to the core's "can do it".
    "tool_calling": ("tool_calling", False),
    "image_inputs": ("vision", False),
    "structured_output": ("json_schema", False),
    "tool_choice": ("tool_choice_modes", "auto_only"),
}
_TRUE: dict[str, Any] = {"tool_choice_modes": "all"}


def from_langchain(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The core flags a LangChain profile states (keys it does not state are left out)."""
    flags: dict[str, Any] = {}
    for key, (flag, no) in _FLAGS.items():
        if key in profile:
            flags[flag] = _TRUE.get(flag, True) if profile[key] else no
    if isinstance(profile.get("max_input_tokens"), int):
        flags["context_window"] = profile["max_input_tokens"]
    if isinstance(profile.get("max_output_tokens"), int):
        flags["max_output_tokens"] = profile["max_output_tokens"]
    return flags


def merged_override(
    lc_profile: Mapping[str, Any] | None, override: ProfileOverride | None
) -> ProfileOverride | None:
    """One override from a user's LangChain profile and core override (the core's wins)."""
    if lc_profile is None and override is None:
        return None
    if lc_profile is None:
        check_override(override)
        return override
    if override is None or not isinstance(override, dict):
        return override if override is not None else from_langchain(lc_profile)
    merged = {**from_langchain(lc_profile), **override}
    check_override(merged)
    return merged


def langchain_profile(
    model: str, base_url: str | None = None, override: ProfileOverride | None = None
) -> LCModelProfile:
    """LangChain's profile of ``model`` at ``base_url`` now: the table, what the server taught
    and the user's ``override``."""
    return to_langchain(model_profile(resolve_base_url(base_url), model, override))
