"""What the model-limit tests of both adapters share: a structured-output target, a recorder of
compatibility warnings, and a catalog that disagrees with the model table.

Each ``acme-*`` id of the catalog is unknown to the table (which therefore predicts that
everything works) and refuses one limit in the words and shape of a real deployment
(``param: null`` or a pointer into the input, the chat template's or the engine's message), so
every refusal must be learned from the server. The endpoint serving models no profile knows is
the ``unknown`` fixture of ``tests/conftest.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from pydantic import BaseModel

from ovh_responses.errors import BadRequestError, OVHCompatibilityWarning, UnsupportedFeatureError
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.testing import LocalEndpoint
from ovh_responses.testing.protocol.models import (
    VLLM_NO_GUIDED_JSON,
    VLLM_NO_TOOL_PARSER,
    VLLM_NOT_MULTIMODAL,
    VLLM_ROLES_ALTERNATE,
    VLLM_SYSTEM_ROLE,
    VLLM_USER_ASSISTANT_ONLY,
    ModelSpec,
    Refusal,
)


class Person(BaseModel):
    """A person mentioned in the text."""

    name: str
    age: int


PERSON_TEXT = "Ann is 31 years old"
ANN = Person(name="Ann", age=31)
NO_JSON_SCHEMA = ModelSpec("local-no-json-schema", 8192, structured=False)


class Warned:
    """The compatibility warnings given inside the block."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._catcher = warnings.catch_warnings(record=True)

    def __enter__(self) -> Warned:
        self._record = self._catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc: object) -> None:
        self.messages = [
            str(w.message) for w in self._record if issubclass(w.category, OVHCompatibilityWarning)
        ]
        self._catcher.__exit__(None, None, None)


STRICTER: dict[str, ModelSpec] = {
    "system": ModelSpec(
        "acme-system-role", 8192, system_prompt=False, refusals=(VLLM_SYSTEM_ROLE,)
    ),
    "system-alternate": ModelSpec(
        "acme-alternate",
        8192,
        system_prompt=False,
        refusals=(Refusal("system", VLLM_ROLES_ALTERNATE.message, param="input[0].role"),),
    ),
    "system-user-assistant": ModelSpec(
        "acme-user-assistant", 8192, system_prompt=False, refusals=(VLLM_USER_ASSISTANT_ONLY,)
    ),
    "tool_choice": ModelSpec(
        "acme-auto-choice",
        8192,
        tool_choice_auto_only=True,
        refusals=(Refusal("tool_choice", "Only tool_choice 'auto' is supported here."),),
    ),
    "parallel_tool_calls": ModelSpec(
        "acme-one-call",
        8192,
        parallel_tool_calls=False,
        rejects_parallel_tool_calls=True,
        refusals=(Refusal("parallel_tool_calls", "parallel_tool_calls is not supported."),),
    ),
    "json_schema": ModelSpec(
        "acme-no-guided", 8192, structured=False, refusals=(VLLM_NO_GUIDED_JSON,)
    ),
    "structured_streaming": ModelSpec(
        "acme-no-guided-stream",
        8192,
        stream_structured=False,
        refusals=(
            Refusal(
                "structured_streaming",
                "Streaming is not supported together with guided decoding (json_schema).",
                param="text.format",
            ),
        ),
    ),
    "reasoning": ModelSpec(
        "acme-no-thinking",
        8192,
        refusals=(Refusal("reasoning", "The model is not a reasoning model."),),
    ),
}
"""One model per limit, keyed by the limit (and the variant of its wording)."""


REFUSED_CAPABILITIES: dict[str, tuple[ModelSpec, str]] = {
    "tools": (
        ModelSpec("acme-no-tool-parser", 8192, tools=False, refusals=(VLLM_NO_TOOL_PARSER,)),
        "cannot call tools",
    ),
    "images": (
        ModelSpec("acme-text-only", 8192, refusals=(VLLM_NOT_MULTIMODAL,)),
        "does not read images",
    ),
}
"""Capabilities no change of the request works around: the model, and what the error says."""

MORE_CAPABLE: dict[str, ModelSpec] = {
    # The table says Qwen2.5-VL has no tools and local-chat reads no images: this platform
    # serves both.
    "tools": ModelSpec("Qwen2.5-VL-72B-Instruct", 32768, vision=True, tools=True),
    "images": ModelSpec("local-chat", 8192, vision=True),
}


LEARNED_CASES = (*STRICTER, "system async", "json_schema async", "structured_streaming async")
"""Each limit of :data:`STRICTER`, and some of them asked through the async API."""


def said(spec: ModelSpec) -> str:
    """What ``spec``'s refusal says, as the server sends it."""
    return spec.refusals[0].message.replace("{model}", spec.id)


# ----- what both adapters must do, given how to make a model and one call per limit -----------

Build = Callable[[LocalEndpoint, str, bool], Any]
"""``(endpoint, model id, strict)`` -> the adapter's model."""
Asks = Mapping[str, Callable[[Any], None]]
"""Limit -> one call that uses it (and checks the answer)."""


def _warnings(call: Callable[[], None]) -> list[str]:
    with Warned() as warned:
        call()
    return warned.messages


def check_more_capable(
    make_endpoint: Callable[..., LocalEndpoint], build: Build, asks: Asks, name: str, strict: bool
) -> None:
    """What the table says the model lacks works in one request, without a warning."""
    server = make_endpoint(models=MORE_CAPABLE.values())
    model = build(server, MORE_CAPABLE[name].id, strict)
    assert _warnings(lambda: asks[name](model)) == []
    assert len(server.requests) == 1


def check_refused_capability(
    make_endpoint: Callable[..., LocalEndpoint], build: Build, asks: Asks, name: str, strict: bool
) -> None:
    """Sent once and refused, typed; refused before sending the second time."""
    spec, says = REFUSED_CAPABILITIES[name]
    server = make_endpoint(models=[spec])
    model = build(server, spec.id, strict)
    for _ in range(2):
        with pytest.raises(UnsupportedFeatureError, match=says) as info:
            asks[name](model)
        assert spec.id in str(info.value)
        assert len(server.requests) == 1


def check_learned(
    make_endpoint: Callable[..., LocalEndpoint], build: Build, asks: Asks, name: str
) -> None:
    """Two requests and one warning the first time; one request and none afterwards."""
    spec = STRICTER[name.removesuffix(" async")]
    server = make_endpoint(models=[spec])
    model = build(server, spec.id, False)
    first = _warnings(lambda: asks[name](model))
    assert len(server.requests) == 2
    assert len(first) == 1
    assert said(spec) in first[0]
    server.clear()
    assert _warnings(lambda: asks[name](model)) == []
    assert len(server.requests) == 1


def check_strict_refusal(
    make_endpoint: Callable[..., LocalEndpoint], build: Build, asks: Asks, name: str
) -> None:
    """``strict=True``: sent as asked, the refusal raised in the server's words, nothing
    learned."""
    spec = STRICTER[name]
    server = make_endpoint(models=[spec])
    model = build(server, spec.id, True)
    with pytest.raises(BadRequestError) as info:
        asks[name](model)
    assert isinstance(info.value.body, dict)
    assert info.value.body["message"] == said(spec)
    assert len(server.requests) == 1
    assert LEARNED.learned(server.base_url, spec.id) == frozenset()


# ----- overrides ---------------------------------------------------------------------------------

NO_SYSTEM_BY_TABLE_ONLY = ModelSpec("local-no-system", 8192)
"""The table says local-no-system takes no system prompt; this platform's does."""


def system_sent_as_is(server: LocalEndpoint) -> bool:
    sent = server.last_body
    return any(i.get("role") == "system" for i in sent["input"]) or "instructions" in sent


# ----- several limits at once ---------------------------------------------------------------------

COMBINED = ModelSpec(
    "acme-combined",
    8192,
    system_prompt=False,
    structured=False,
    refusals=(
        VLLM_SYSTEM_ROLE,
        VLLM_NO_GUIDED_JSON,
        Refusal("reasoning", "The model is not a reasoning model."),
    ),
)
"""An id the table does not know that refuses system prompts, json_schema and reasoning."""


def check_combined(
    make_endpoint: Callable[..., LocalEndpoint],
    build: Callable[[LocalEndpoint, str], Any],
    call: Callable[[Any], None],
) -> None:
    """A structured answer with a system prompt and reasoning effort: each refusal learned in
    turn (four requests, three warnings), then one request."""
    server = make_endpoint(models=[COMBINED])
    model = build(server, COMBINED.id)
    first = _warnings(lambda: call(model))
    assert len(server.requests) == 4
    assert len(first) == 3
    server.clear()
    assert _warnings(lambda: call(model)) == []
    assert len(server.requests) == 1
