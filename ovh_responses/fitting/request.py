"""A request made to fit the model it goes to.

:func:`adapt_request` applies the model's :class:`~ovh_responses.fitting.profiles.ModelProfile` to a
``/v1/responses`` body. Each change is reported once per model and process with an
:class:`~ovh_responses.errors.OVHCompatibilityWarning`; with ``strict=True`` it is refused with
:class:`~ovh_responses.errors.UnsupportedFeatureError` instead. What cannot be changed before
sending is described by the returned :class:`Adaptation`, which
:mod:`ovh_responses.fitting.answer` applies to the answer (one call kept, the structured output
taken out of its carrier tool call, the required tool checked).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from ovh_responses.errors import (
    RequiredToolNotCalledError,
    UnsupportedFeatureError,
)
from ovh_responses.memory import WARNED

if TYPE_CHECKING:
    from openai.types.responses.response_create_params import ResponseCreateParams, ToolChoice

    from ovh_responses.fitting.profiles import ModelProfile, Route

__all__ = [
    "Adaptation",
    "RequiredToolNotCalledError",
    "RouteChoice",
    "adapt_request",
    "choose_route",
    "without_system",
]

Body = dict[str, Any]
RouteChoice = Literal["auto", "responses", "chat_completions"]
"""``"auto"``: the model's own route; or one route forced."""


@dataclass(frozen=True, slots=True)
class Adaptation:
    """What :func:`adapt_request` changed, and what the caller must do with the answer."""

    changes: tuple[str, ...] = ()
    """One line per change made to the body."""
    required_choice: ToolChoice | None = None
    """The ``tool_choice`` relaxed to ``auto``: the answer is checked for the call."""
    single_tool_call: bool = False
    """The model cannot call tools in parallel: keep only the first call."""
    stream_as_single: bool = False
    """Structured output cannot stream on this model: send the body (no longer streaming) as one
    request and deliver its result as a stream."""
    structured_tool: str | None = None
    """The structured output is requested as a call of this function; its arguments are the
    answer's text."""
    json_schema: Mapping[str, Any] | None = None
    """The structured output is requested as a JSON object; check it against this schema."""

    @property
    def changes_answer(self) -> bool:
        """Whether the answer has to be changed or checked at all."""
        return bool(
            self.required_choice is not None
            or self.single_tool_call
            or self.structured_tool
            or self.json_schema is not None
        )


@dataclass
class _Work:
    body: Body
    profile: ModelProfile
    strict: bool
    notes: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    def change(self, rule: str, message: str, *, param: str) -> None:
        """Record one change; refused when strict, else warned once per model and rule."""
        if self.strict:
            raise UnsupportedFeatureError(
                f"{message} Turn strict mode off to have it adapted with a warning.", param=param
            )
        self.changes.append(message)
        WARNED.warn_once((self.model, rule), message)


# ----- the request ----------------------------------------------------------------------------


def adapt_request(
    body: ResponseCreateParams, profile: ModelProfile, *, strict: bool = False
) -> tuple[ResponseCreateParams, Adaptation]:
    """``body`` made acceptable to a model with ``profile`` (the input is not modified).

    The profile is a prediction: it changes the request only in ways that keep its meaning,
    and never refuses what the server might accept (tools and images are sent whatever it
    says; the server decides). With ``strict``, each adaptation is refused with
    :class:`UnsupportedFeatureError` instead.
    """
    # Each step replaces what it changes (never edits it in place): a shallow copy is enough.
    work = _Work(dict(cast("Body", body)), profile, strict)
    _structured_output(work)
    _fold_system(work)
    _tool_choice(work)
    _parallel_calls(work)
    _reasoning(work)
    adaptation = Adaptation(changes=tuple(work.changes), **work.notes)
    return cast("ResponseCreateParams", work.body), adaptation


def _messages(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``input`` as a list of items (a string becomes one user message)."""
    value = body.get("input", [])
    if isinstance(value, str):
        return [{"type": "message", "role": "user", "content": value}]
    return list(value)


def _is_message(item: Mapping[str, Any], *roles: str) -> bool:
    return item.get("type", "message") == "message" and item.get("role") in roles


def _is_system(item: Mapping[str, Any]) -> bool:
    return _is_message(item, "system", "developer")


def _message_text(content: object) -> str:
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return "\n".join(str(p.get("text", "")) for p in parts if isinstance(p, Mapping))


def _with_text(content: object, text: str, *, first: bool) -> str | list[Any]:
    """A message's content with ``text`` added before (``first``) or after what it has."""
    if isinstance(content, str):
        return f"{text}\n\n{content}" if first else f"{content}\n\n{text}"
    parts = list(content) if isinstance(content, list) else []
    part = {"type": "input_text", "text": text}
    return [part, *parts] if first else [*parts, part]


def _fold_system(work: _Work) -> None:
    if work.profile.accepts_system_prompt:
        return
    folded = without_system(work.body)
    if folded is None:
        return
    work.change(
        "system",
        f"Model {work.model!r} does not accept system prompts or instructions: they are "
        "sent at the start of the first user message instead.",
        param="instructions",
    )
    work.body = folded


def without_system(body: Mapping[str, Any]) -> Body | None:
    """``body`` with its instructions and system/developer messages moved to the start of the
    first user message, or ``None`` if it has none."""
    items = _messages(body)
    system = [_message_text(i.get("content")) for i in items if _is_system(i)]
    texts = [t for t in [body.get("instructions") or "", *system] if t]
    if not texts:
        return None
    kept = [dict(i) for i in items if not _is_system(i)]
    first_user = next((i for i in kept if _is_message(i, "user")), None)
    if first_user is None:
        kept.insert(0, {"type": "message", "role": "user", "content": "\n\n".join(texts)})
    else:
        first_user["content"] = _with_text(
            first_user.get("content"), "\n\n".join(texts), first=True
        )
    out = {k: v for k, v in body.items() if k != "instructions"}
    out["input"] = kept
    return out


def _tool_choice(work: _Work) -> None:
    choice = work.body.get("tool_choice")
    if work.profile.tool_choice_modes == "all" or choice in (None, "auto"):
        return
    work.change(
        "tool_choice",
        f"Model {work.model!r} only accepts tool_choice 'auto': {choice!r} is sent as 'auto'"
        + (" without tools." if choice == "none" else " and the answer is checked for the call."),
        param="tool_choice",
    )
    if choice == "none":
        work.body.pop("tools", None)
        work.body.pop("tool_choice", None)
        work.body.pop("parallel_tool_calls", None)
        return
    work.body["tool_choice"] = "auto"
    work.notes["required_choice"] = choice


def _parallel_calls(work: _Work) -> None:
    if work.profile.parallel_tool_calls or not work.body.get("tools"):
        return
    if work.body.get("parallel_tool_calls"):
        work.change(
            "parallel",
            f"Model {work.model!r} cannot call tools in parallel: parallel_tool_calls is sent "
            "as false and only the first call of an answer is kept.",
            param="parallel_tool_calls",
        )
    work.body["parallel_tool_calls"] = False
    work.notes["single_tool_call"] = True


def _structured_output(work: _Work) -> None:
    text = work.body.get("text")
    fmt = text.get("format") if isinstance(text, Mapping) else None
    if not isinstance(fmt, Mapping) or fmt.get("type") != "json_schema":
        return
    if not work.profile.json_schema:
        _structured_without_schema(work, fmt)
    elif work.body.get("stream") and not work.profile.structured_streaming:
        work.change(
            "structured_stream",
            f"Model {work.model!r} cannot stream structured output: it is requested in one "
            "piece and delivered as a stream.",
            param="stream",
        )
        work.body.pop("stream", None)
        work.body.pop("stream_options", None)
        work.notes["stream_as_single"] = True


def _structured_without_schema(work: _Work, fmt: Mapping[str, Any]) -> None:
    schema = dict(fmt.get("schema") or {})
    name = str(fmt.get("name") or "output")
    text = {k: v for k, v in work.body["text"].items() if k != "format"}
    forcible = work.profile.tool_calling and work.profile.tool_choice_modes == "all"
    if forcible and not work.body.get("tools"):
        work.change(
            "json_schema",
            f"Model {work.model!r} does not enforce JSON schemas: the structured output is "
            f"requested as a call of a function {name!r} whose parameters are the schema.",
            param="text",
        )
        tool = {"type": "function", "name": name, "parameters": schema, "strict": False}
        if fmt.get("description"):
            tool["description"] = fmt["description"]
        work.body["tools"] = [tool]
        work.body["tool_choice"] = {"type": "function", "name": name}
        work.notes["structured_tool"] = name
    else:
        work.change(
            "json_schema",
            f"Model {work.model!r} does not enforce JSON schemas: JSON mode is requested with "
            "the schema in the instructions, and the answer is checked against it.",
            param="text",
        )
        text["format"] = {"type": "json_object"}
        rule = "Answer with one JSON object valid against this JSON Schema, and nothing else:"
        extra = f"{rule}\n{json.dumps(schema)}"
        old = work.body.get("instructions")
        work.body["instructions"] = f"{old}\n\n{extra}" if old else extra
        work.notes["json_schema"] = schema
    if text:
        work.body["text"] = text
    else:
        work.body.pop("text", None)


_NO_THINK_EFFORTS = ("none", "minimal")


def _reasoning(work: _Work) -> None:
    reasoning = work.body.get("reasoning")
    if reasoning is None or work.profile.reasoning == "effort":
        return
    effort = reasoning.get("effort") if isinstance(reasoning, Mapping) else None
    if work.profile.reasoning == "toggle" and effort in _NO_THINK_EFFORTS:
        work.body.pop("reasoning")
        items = _messages(work.body)
        last = max((n for n, i in enumerate(items) if _is_message(i, "user")), default=None)
        if last is not None:
            items[last] = dict(items[last])
            items[last]["content"] = _with_text(
                items[last].get("content"), "/no_think", first=False
            )
            work.body["input"] = items
        return
    what = "only switches thinking off (effort 'none')" if work.profile.reasoning else "has none"
    work.change(
        "reasoning",
        f"Model {work.model!r} has no reasoning effort control ({what}): the reasoning "
        "options are not sent.",
        param="reasoning",
    )
    work.body.pop("reasoning")


# ----- the route ------------------------------------------------------------------------------


def choose_route(route: RouteChoice, profile: ModelProfile) -> Route:
    """The route a request takes: the one asked for, or with ``"auto"`` the model's own."""
    return profile.route if route == "auto" else route
