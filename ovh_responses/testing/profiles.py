"""The client's profiles of the local endpoint's test models, read from their specs.

The ``local-*`` ids exist only on the local endpoint, so no built-in family describes them:
each gets the profile its :class:`~ovh_responses.testing.protocol.models.ModelSpec` implies,
added to the profile table when :mod:`ovh_responses.testing` is imported.
"""

from __future__ import annotations

from ovh_responses.fitting.profiles import ModelProfile, add_model_profile
from ovh_responses.testing.protocol.models import CATALOG, ModelSpec

__all__ = ["TEST_MODEL_PREFIX", "add_test_profiles", "profile_of"]

TEST_MODEL_PREFIX = "local-"


def profile_of(spec: ModelSpec) -> ModelProfile:
    """What a client should expect of ``spec``: the same limits the endpoint enforces."""
    return ModelProfile(
        family=spec.id,
        kind="embedding" if spec.is_embedding else "chat",
        accepts_system_prompt=spec.system_prompt,
        tool_calling=spec.tools,
        tool_choice_modes="auto_only" if spec.tool_choice_auto_only else "all",
        parallel_tool_calls=spec.parallel_tool_calls,
        json_schema=spec.structured,
        structured_streaming=spec.stream_structured,
        vision=spec.vision,
        reasoning=None if spec.reasoning == "none" else spec.reasoning,
        route="chat_completions" if _chat_completions_only(spec) else "responses",
        context_window=spec.context,
    )


def _chat_completions_only(spec: ModelSpec) -> bool:
    # an embedding model has no chat route: a chat request goes where any would, and the
    # server's refusal says what the model is
    return "responses" not in spec.routes and not spec.is_embedding


def add_test_profiles() -> None:
    """Add the profile of every test model of the endpoint's catalog to the profile table."""
    for spec in CATALOG:
        if spec.id.startswith(TEST_MODEL_PREFIX):
            add_model_profile(spec.id, profile_of(spec))
