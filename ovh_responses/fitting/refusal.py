"""Reading a server's 400: which limit of the model it names, if the library can act on it.

A model's limits show up in refusals of many shapes. The ``param`` may name the feature
(``instructions``, ``tool_choice``, ``text.format``), point into the input (``input[0].role``)
or be ``null``; the message may be the platform's own words or those of the serving engine
(vLLM's chat templates: "System role not supported", "Conversation roles must alternate
user/assistant/user/assistant/...", "Only user and assistant roles are supported!"; its tool
parser: ``"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be
set``; "... is not a multimodal model"; guided-decoding errors). :func:`read_refusal` reads all
of them, and only for a feature the refused body actually used. Pure functions, no state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CAPABILITIES", "Limit", "is_bad_value", "read_refusal", "uses"]

Limit = Literal[
    "tools",
    "images",
    "instructions",
    "tool_choice",
    "parallel_tool_calls",
    "structured_streaming",
    "json_schema",
    "reasoning",
]
CAPABILITIES: frozenset[Limit] = frozenset({"tools", "images"})
"""Limits no change of the request can work around: the request is refused instead."""

Body = Mapping[str, Any]


def _has_tools(body: Body) -> bool:
    return bool(body.get("tools")) and body.get("tool_choice") != "none"


def _has_image(value: object) -> bool:
    if isinstance(value, Mapping):
        return value.get("type") == "input_image" or any(_has_image(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_image(v) for v in value)
    return False


def _has_images(body: Body) -> bool:
    return _has_image(body.get("input"))


def _has_system(body: Body) -> bool:
    items = body.get("input")
    listed = items if isinstance(items, list) else []
    system = any(
        isinstance(i, Mapping) and i.get("role") in ("system", "developer") for i in listed
    )
    return system or bool(body.get("instructions"))


def _forces_tool_choice(body: Body) -> bool:
    return body.get("tool_choice") not in (None, "auto")


def _asks_parallel(body: Body) -> bool:
    return "parallel_tool_calls" in body


def _format_type(body: Body) -> object:
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, Mapping) else None
    return fmt.get("type") if isinstance(fmt, Mapping) else None


def _has_json_schema(body: Body) -> bool:
    return _format_type(body) == "json_schema"


def _streams_json_schema(body: Body) -> bool:
    return bool(body.get("stream")) and _has_json_schema(body)


def _has_reasoning(body: Body) -> bool:
    return body.get("reasoning") is not None


@dataclass(frozen=True, slots=True)
class _Sign:
    """How a refusal of one limit looks: the ``param`` names that say it on their own, the
    words that say it whatever the ``param``, and the part of the body that must be there."""

    limit: Limit
    used: Callable[[Body], bool]
    params: frozenset[str]
    words: re.Pattern[str] | None


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_STRUCTURED = (
    r"json_schema|json schema|structured output|guided[ _]decoding|guided_json|grammar|"
    r"xgrammar|outlines|response_format"
)

_FORMAT_PARAMS = frozenset({"text", "response_format"})

# First match wins: the tool parser's refusal mentions "tool choice" but is about tools at all.
_SIGNS: tuple[_Sign, ...] = (
    _Sign(
        "tools",
        _has_tools,
        frozenset(),
        _words(
            r"--enable-auto-tool-choice|--tool-call-parser|does not support (?:tool|function)"
            r" call|(?:tool|function) calling is not (?:supported|enabled)|tools are not supported"
        ),
    ),
    _Sign(
        "images",
        _has_images,
        frozenset(),
        _words(
            r"not a multimodal model|does not (?:support|accept) images?|image inputs? (?:is|are) "
            r"not supported|images? (?:is|are) not supported"
        ),
    ),
    _Sign(
        "instructions",
        _has_system,
        frozenset({"instructions"}),
        _words(
            r"system role|roles must alternate|only user and assistant roles|system (?:prompt|"
            r"message)s? (?:is |are )?not supported|does not (?:support|accept) system"
        ),
    ),
    _Sign(
        "structured_streaming",
        _streams_json_schema,
        _FORMAT_PARAMS,
        _words(rf"(?:{_STRUCTURED}).*stream|stream.*(?:{_STRUCTURED})"),
    ),
    _Sign("json_schema", _has_json_schema, _FORMAT_PARAMS, _words(_STRUCTURED)),
    _Sign(
        "tool_choice",
        _forces_tool_choice,
        frozenset({"tool_choice"}),
        _words(r"tool_choice|tool choice"),
    ),
    _Sign(
        "parallel_tool_calls",
        _asks_parallel,
        frozenset({"parallel_tool_calls"}),
        _words(r"parallel[_ ]tool[_ ]calls|parallel (?:function|tool) call"),
    ),
    _Sign(
        "reasoning",
        _has_reasoning,
        frozenset({"reasoning", "reasoning_effort"}),
        _words(r"not a reasoning model|reasoning[._ ]effort|reasoning is not supported"),
    ),
)

_BAD_VALUE = re.compile(
    r"must be (?!set)|between|at least|at most|greater than|less than|out of range|"
    r"invalid value|grammar error",
    re.IGNORECASE,
)
"""A 400 about a parameter's value (``temperature must be between 0 and 2``; a schema guided
decoding cannot compile, ``Grammar error: Pointer '/$defs/missing' does not exist``), not about
the parameter itself: the caller's to fix, nothing to learn (learning it would take schema
enforcement away from every later request to the model)."""


def is_bad_value(message: str) -> bool:
    """Whether the refusal is about a value the caller gave rather than about a parameter."""
    return _BAD_VALUE.search(message) is not None


def _top(param: str | None) -> str:
    return (param or "").split(".", 1)[0].split("[", 1)[0]


def read_refusal(body: Body, param: str | None, message: str) -> Limit | None:
    """The limit of the model that ``body``'s refusal (``param``, ``message``) names, or
    ``None`` when it names none the library can act on."""
    if is_bad_value(message):
        return None
    for sign in _SIGNS:  # the server's words first: they are more precise than ``param``
        if sign.words is not None and sign.used(body) and sign.words.search(message):
            return sign.limit
    top = _top(param)
    for sign in _SIGNS:
        if top in sign.params and sign.used(body):
            return sign.limit
    return None


_USED: Mapping[Limit, Callable[[Body], bool]] = {sign.limit: sign.used for sign in _SIGNS}


def uses(body: Body, limit: Limit) -> bool:
    """Whether ``body`` uses the feature ``limit`` is about (tools, images, a system prompt...)."""
    return _USED[limit](body)
