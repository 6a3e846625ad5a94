"""A request made to fit the model it goes to, and the answer made to fit what was asked.

:func:`adapt_request` applies the model's :class:`~ovh_responses.profiles.ModelProfile` to a
``/v1/responses`` body. Each change is reported once per model and process with an
:class:`~ovh_responses.errors.OVHCompatibilityWarning`; with ``strict=True`` it is refused with
:class:`~ovh_responses.errors.UnsupportedFeatureError` instead. What cannot be changed before
sending is described by the returned :class:`Adaptation`, which :func:`finish_result` and
:class:`DeltaAdapter` apply to the answer (one call kept, the structured output taken out of its
carrier tool call, the required tool checked).

:class:`LearnedLimits` remembers, per endpoint and model, the optional parameters the server
refused with a 400 naming them, so that they are not sent again in this process.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, cast

from ovh_responses.errors import (
    OVHCompatibilityWarning,
    OVHError,
    StructuredOutputError,
    UnsupportedContentError,
    UnsupportedFeatureError,
)
from ovh_responses.structured import parse_json_output
from ovh_responses.types import (
    Delta,
    Done,
    ReasoningDelta,
    RefusalDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)

if TYPE_CHECKING:
    from openai.types.responses import ResponseOutputItem
    from openai.types.responses.response_create_params import ResponseCreateParams, ToolChoice

    from ovh_responses.profiles import ModelProfile

__all__ = [
    "LEARNED",
    "Adaptation",
    "DeltaAdapter",
    "LearnedLimits",
    "RequiredToolNotCalledError",
    "adapt_request",
    "check_required_tool",
    "choose_route",
    "finish_result",
    "keep_first_call",
    "result_as_deltas",
    "strip_param",
]

Body = dict[str, Any]
RouteChoice = Literal["auto", "responses", "chat_completions"]


class RequiredToolNotCalledError(OVHError, ValueError):
    """``tool_choice`` asked for a tool call, the model only accepts ``auto``, and it answered
    without calling the tool. ``result`` is the answer it gave."""

    def __init__(self, message: str, *, result: Result) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True, slots=True)
class Adaptation:
    """What :func:`adapt_request` changed, and what the caller must do with the answer."""

    changes: tuple[str, ...] = ()
    """One line per change made to the body."""
    required_choice: ToolChoice | None = None
    """The ``tool_choice`` relaxed to ``auto``: check the answer with
    :func:`check_required_tool`."""
    single_tool_call: bool = False
    """The model cannot call tools in parallel: keep only the first call."""
    stream_as_single: bool = False
    """Structured output cannot stream on this model: send the body (no longer streaming) as one
    request and deliver its result with :func:`result_as_deltas`."""
    structured_tool: str | None = None
    """The structured output is requested as a call of this function; its arguments are the
    answer's text."""
    json_schema: Mapping[str, Any] | None = None
    """The structured output is requested as a JSON object; check it against this schema."""

    @property
    def changes_answer(self) -> bool:
        """Whether :func:`finish_result` / :class:`DeltaAdapter` have anything to do."""
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
        warn_once((self.model, rule), message)


_WARNED: set[tuple[str, ...]] = set()
_WARNED_LOCK = threading.Lock()


def warn_once(key: tuple[str, ...], message: str) -> None:
    """An :class:`OVHCompatibilityWarning`, the first time ``key`` is seen in this process."""
    with _WARNED_LOCK:
        if key in _WARNED:
            return
        _WARNED.add(key)
    warnings.warn(message, OVHCompatibilityWarning, stacklevel=3)


# ----- the request ----------------------------------------------------------------------------


def adapt_request(
    body: ResponseCreateParams, profile: ModelProfile, *, strict: bool = False
) -> tuple[ResponseCreateParams, Adaptation]:
    """``body`` made acceptable to a model with ``profile`` (the input is not modified).

    Raises :class:`UnsupportedFeatureError` / :class:`UnsupportedContentError` for what cannot
    be adapted (tools or images sent to a model without them) and, when ``strict``, for every
    adaptation.
    """
    work = _Work(copy.deepcopy(cast("Body", body)), profile, strict)
    _refuse_impossible(work)
    _structured_output(work)
    _fold_system(work)
    _tool_choice(work)
    _parallel_calls(work)
    _reasoning(work)
    adaptation = Adaptation(changes=tuple(work.changes), **work.notes)
    return cast("ResponseCreateParams", work.body), adaptation


def _refuse_impossible(work: _Work) -> None:
    model, body, profile = work.model, work.body, work.profile
    if body.get("tools") and not profile.tool_calling:
        raise UnsupportedFeatureError(
            f"Model {model!r} cannot call tools. Choose a model with function calling "
            "(for example gpt-oss-120b or Mistral-Small-3.2-24B-Instruct-2506), or send no tools.",
            param="tools",
        )
    if not profile.vision and _has_image(body.get("input")):
        raise UnsupportedContentError(
            f"Model {model!r} does not read images. Choose a vision model (for example "
            "Mistral-Small-3.2-24B-Instruct-2506 or Qwen2.5-VL-72B-Instruct), or send text only.",
            param="input",
        )


def _has_image(value: object) -> bool:
    if isinstance(value, Mapping):
        return value.get("type") == "input_image" or any(_has_image(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_image(v) for v in value)
    return False


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


# ----- the answer -----------------------------------------------------------------------------


def check_required_tool(result: Result, original_choice: ToolChoice | None) -> None:
    """Raise :class:`RequiredToolNotCalledError` if ``original_choice`` asked for a call
    (``"required"`` or a named function) that ``result`` does not make."""
    if original_choice is None or original_choice in ("auto", "none"):
        return
    wanted = original_choice.get("name") if isinstance(original_choice, Mapping) else None
    called = [c.name for c in result.function_calls]
    if wanted is None and called:
        return
    if wanted is not None and wanted in called:
        return
    what = f"the tool {wanted!r}" if wanted else "a tool"
    raise RequiredToolNotCalledError(
        f"Model {result.model!r} only accepts tool_choice 'auto' and answered without calling "
        f"{what} (called: {called or 'nothing'}). Name the tool in the prompt, retry, or use a "
        "model that accepts tool_choice 'required'.",
        result=result,
    )


def keep_first_call(result: Result) -> Result:
    """``result`` with only its first function call (and the output items that go with it)."""
    if len(result.function_calls) <= 1:
        return result
    first = result.function_calls[0]
    output = [
        item
        for item in result.output
        if item.type != "function_call" or item.call_id == first.call_id
    ]
    return replace(result, function_calls=[first], output=output)


def structured_from_tool(result: Result, name: str) -> Result:
    """The structured output carried by a call of ``name``, moved into the answer's text."""
    from openai.types.responses import ResponseOutputMessage, ResponseOutputText

    call = next((c for c in result.function_calls if c.name == name), None)
    if call is None:
        return result
    message = ResponseOutputMessage(
        type="message",
        id=call.item_id or f"msg_{call.call_id}",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=call.arguments, annotations=[])],
    )
    output: list[ResponseOutputItem] = [
        message if item.type == "function_call" and item.call_id == call.call_id else item
        for item in result.output
    ]
    calls = [c for c in result.function_calls if c is not call]
    return replace(result, text=result.text + call.arguments, function_calls=calls, output=output)


def check_json_schema(result: Result, schema: Mapping[str, Any]) -> None:
    """Raise :class:`StructuredOutputError` unless the text is a JSON object with the schema's
    required properties (a full validation is the framework's, against its own model)."""
    value = parse_json_output(result.text, refusal=result.refusal)
    missing = [
        k for k in schema.get("required", []) if not isinstance(value, dict) or k not in value
    ]
    if not isinstance(value, dict) or missing:
        raise StructuredOutputError(
            f"Model {result.model!r} answered JSON that does not match the schema (expected an "
            f"object with {list(schema.get('required', []))}; missing {missing}). Retry, or use "
            "a model that enforces JSON schemas.",
            text=result.text,
        )


def finish_result(result: Result, adaptation: Adaptation) -> Result:
    """The answer as the caller asked for it: each of ``adaptation``'s notes applied."""
    if adaptation.structured_tool:
        result = structured_from_tool(result, adaptation.structured_tool)
    if adaptation.single_tool_call:
        result = keep_first_call(result)
    if adaptation.json_schema is not None and not result.is_incomplete:
        check_json_schema(result, adaptation.json_schema)
    check_required_tool(result, adaptation.required_choice)
    return result


@dataclass
class DeltaAdapter:
    """:func:`finish_result` for a stream: feed it each delta, emit what it returns."""

    adaptation: Adaptation
    _first_call: int | None = None
    _structured: set[int] = field(default_factory=set)

    def feed(self, delta: Delta) -> list[Delta]:
        if isinstance(delta, Done):
            return [Done(finish_result(delta.result, self.adaptation))]
        if isinstance(delta, ToolCallStart):
            return self._on_start(delta)
        if isinstance(delta, ToolCallArgsDelta):
            return self._on_args(delta)
        return [delta]

    def _on_start(self, delta: ToolCallStart) -> list[Delta]:
        if delta.name == self.adaptation.structured_tool:
            self._structured.add(delta.output_index)
            return []
        if self.adaptation.single_tool_call:
            if self._first_call is None:
                self._first_call = delta.output_index
            elif delta.output_index != self._first_call:
                return []
        return [delta]

    def _on_args(self, delta: ToolCallArgsDelta) -> list[Delta]:
        if delta.output_index in self._structured:
            return [TextDelta(text=delta.delta, output_index=delta.output_index)]
        if self.adaptation.single_tool_call and delta.output_index != self._first_call:
            return []
        return [delta]


def result_as_deltas(result: Result) -> Iterator[Delta]:
    """A finished result delivered as a stream: its reasoning, text, refusal and calls, then
    :class:`Done`."""
    index = 0
    for reasoning in result.reasoning:
        if reasoning.text:
            yield ReasoningDelta(reasoning.text, index, "text", reasoning.item_id)
        if reasoning.summary:
            yield ReasoningDelta(reasoning.summary, index, "summary", reasoning.item_id)
        index += 1
    if result.text or result.refusal:
        if result.text:
            yield TextDelta(result.text, index)
        if result.refusal:
            yield RefusalDelta(result.refusal, index)
        index += 1
    for call in result.function_calls:
        yield ToolCallStart(index, call.call_id, call.name, call.item_id)
        if call.arguments:
            yield ToolCallArgsDelta(index, call.arguments)
        index += 1
    yield Done(result)


# ----- routes and learned limits --------------------------------------------------------------


def choose_route(
    route: RouteChoice, profile: ModelProfile
) -> Literal["responses", "chat_completions"]:
    """The route a request takes: the one asked for, or with ``"auto"`` the model's own."""
    return profile.route if route == "auto" else route


_OPTIONAL = frozenset(
    {
        "temperature", "top_p", "top_logprobs", "parallel_tool_calls",
        "reasoning", "instructions", "tool_choice", "metadata", "user", "service_tier",
        "truncation", "include", "safety_identifier", "prompt_cache_key", "stream_options",
        "max_tool_calls", "background", "text.verbosity",
    }
)  # fmt: skip
"""Parameters a request still makes sense without. Not here: model, input, tools, text.format,
stream, store, max_output_tokens: dropping them would change what the answer is (or what it
costs)."""

_BAD_VALUE = re.compile(
    r"must be|between|at least|at most|greater than|less than|out of range|invalid value",
    re.IGNORECASE,
)
"""A 400 complaining about a parameter's value (not about the parameter itself): nothing to
learn, the caller must fix the value."""


def _top_param(param: str) -> str:
    """``"reasoning.effort"`` -> ``"reasoning"``, ``"tools[0]"`` -> ``"tools"``;
    ``"text.verbosity"`` stays itself."""
    if param.startswith("text.verbosity"):
        return "text.verbosity"
    return param.split(".", 1)[0].split("[", 1)[0]


def strip_param(body: ResponseCreateParams, param: str) -> ResponseCreateParams | None:
    """``body`` without the optional parameter ``param`` (as a server's 400 names it), or
    ``None`` when ``param`` is not optional or not in the body. ``instructions`` (and system or
    developer messages) are moved into the first user message rather than lost."""
    name = _top_param(param)
    data = cast("Body", body)
    if name not in _OPTIONAL or not _present(data, name):
        return None
    out = dict(data)
    if name == "text.verbosity":
        out["text"] = {k: v for k, v in data["text"].items() if k != "verbosity"}
    elif name == "instructions":
        out = without_system(data) or out
    else:
        out.pop(name)
    return cast("ResponseCreateParams", out)


def _present(data: Body, name: str) -> bool:
    if name == "text.verbosity":
        text = data.get("text")
        return isinstance(text, Mapping) and "verbosity" in text
    if name == "instructions":
        return without_system(data) is not None
    return name in data


def _streams_json_schema(data: Body) -> bool:
    fmt = (data.get("text") or {}).get("format") or {}
    return bool(data.get("stream")) and fmt.get("type") == "json_schema"


_REFINES: Mapping[str, Mapping[str, object]] = {
    "instructions": {"accepts_system_prompt": False},
    "tool_choice": {"tool_choice_modes": "auto_only"},
    "parallel_tool_calls": {"parallel_tool_calls": False},
    "reasoning": {"reasoning": None},
    "structured_streaming": {"structured_streaming": False},
}


_LEARNED_WHAT = {
    "instructions": "system prompts",
    "structured_streaming": "structured output with streaming",
}


def _learnable(body: ResponseCreateParams, param: str | None, message: str) -> str | None:
    """What a 400 naming ``param`` teaches about the model, if a retry can avoid it."""
    if not param or _BAD_VALUE.search(message):
        return None
    if _top_param(param) == "text" and _streams_json_schema(cast("Body", body)):
        return "structured_streaming"
    return _top_param(param) if strip_param(body, param) is not None else None


class LearnedLimits:
    """What the server refused, per (base URL, model), for the life of the process.

    On a 400 whose ``param`` names an optional parameter of the request, call :meth:`learn`; if
    it returns ``True`` retry once with the body rebuilt (:meth:`refine` the profile, adapt,
    then :meth:`apply`). A model found not to be on ``/v1/responses`` is recorded with
    :meth:`learn_route` and goes to ``/v1/chat/completions`` from then on.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._params: dict[tuple[str, str], set[str]] = {}
        self._chat_only: set[tuple[str, str]] = set()

    def learn(
        self,
        base_url: str,
        model: str,
        param: str | None,
        body: ResponseCreateParams,
        message: str = "",
    ) -> bool:
        """Record that the server refused ``param`` in ``body`` (the body it was sent), saying
        ``message``. ``True`` when retrying without it can help: the parameter is optional, was
        in ``body``, was not already known to be refused, and the message is not about a bad
        value (``temperature must be between 0 and 2`` is the caller's to fix)."""
        name = _learnable(body, param, message)
        if name is None:
            return False
        with self._lock:
            known = self._params.setdefault((base_url, model), set())
            if name in known:
                return False
            known.add(name)
        warn_once(
            ("learned", base_url, model, name),
            f"Model {model!r} refused {_LEARNED_WHAT.get(name, f'the parameter {name!r}')}; "
            "its requests are adapted from now on.",
        )
        return True

    def learned(self, base_url: str, model: str) -> frozenset[str]:
        with self._lock:
            return frozenset(self._params.get((base_url, model), ()))

    def refine(self, base_url: str, model: str, profile: ModelProfile) -> ModelProfile:
        """``profile`` with what was learned about ``model`` at ``base_url``."""
        flags: dict[str, Any] = {}
        for name in self.learned(base_url, model):
            flags.update(_REFINES.get(name, {}))
        with self._lock:
            if (base_url, model) in self._chat_only:
                flags["route"] = "chat_completions"
        return replace(profile, **flags) if flags else profile

    def apply(self, base_url: str, model: str, body: ResponseCreateParams) -> ResponseCreateParams:
        """``body`` without the parameters learned to be refused."""
        for name in sorted(self.learned(base_url, model)):
            body = strip_param(body, name) or body
        return body

    def learn_route(self, base_url: str, model: str) -> None:
        """``model`` is not served on ``/v1/responses`` at ``base_url``."""
        with self._lock:
            self._chat_only.add((base_url, model))
        warn_once(
            ("route", base_url, model),
            f"Model {model!r} is not served on /v1/responses: it is used through "
            "/v1/chat/completions from now on.",
        )

    def clear(self) -> None:
        with self._lock:
            self._params.clear()
            self._chat_only.clear()


LEARNED = LearnedLimits()
"""The process-wide memory the clients share."""
