"""A model's limits refused in the model's own words (:attr:`ModelSpec.refusals`).

Checked before the endpoint's standard rules, only for the limits a spec words itself, so a
test can serve a catalog whose refusals look like a given deployment's: ``param: null`` and the
chat template's exception, the tool parser's message, a guided-decoding error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ovh_responses.testing.protocol.failures import EndpointError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ovh_responses.testing.brain.conversation import Ask
    from ovh_responses.testing.protocol.models import Limit, ModelSpec

_IMAGE_PARTS = frozenset({"input_image", "image_url"})


def has_image(value: object) -> bool:
    """Whether a request's messages carry an image part (either route's shape)."""
    if isinstance(value, dict):
        return value.get("type") in _IMAGE_PARTS or any(has_image(v) for v in value.values())
    if isinstance(value, list):
        return any(has_image(v) for v in value)
    return False


def check_worded_images(spec: ModelSpec, messages: object) -> None:
    """Images refused in the model's words (before the content is read)."""
    if not spec.vision and has_image(messages):
        _refuse(spec, "images")


def check_worded_rules(
    spec: ModelSpec, ask: Ask, *, stream: bool, has_system: bool, parallel: object
) -> None:
    """The first limit of ``spec`` that ``ask`` hits and that ``spec`` words itself."""
    for limit in _hit(spec, ask, stream=stream, has_system=has_system, parallel=parallel):
        _refuse(spec, limit)


def _hit(
    spec: ModelSpec, ask: Ask, *, stream: bool, has_system: bool, parallel: object
) -> Iterator[Limit]:
    if has_system and not spec.system_prompt:
        yield "system"
    if ask.tools and not spec.tools and ask.tool_choice != "none":
        yield "tools"
    if spec.tool_choice_auto_only and (ask.tool_choice != "auto" or ask.forced_tool):
        yield "tool_choice"
    if ask.effort is not None and spec.reasoning == "none":
        yield "reasoning"
    if ask.output == "json_schema" and not spec.structured:
        yield "json_schema"
    if stream and ask.output == "json_schema" and not spec.stream_structured:
        yield "structured_streaming"
    if spec.rejects_parallel_tool_calls and parallel is True and ask.tools:
        yield "parallel_tool_calls"


def _refuse(spec: ModelSpec, limit: Limit) -> None:
    refusal = spec.refusal(limit)
    if refusal is None:
        return
    message = refusal.message.replace("{model}", spec.id)
    raise EndpointError(refusal.status, message, param=refusal.param, code=refusal.code)
