"""What the server refused, remembered per endpoint and model for the life of the process.

A 400 that names a limit of the model (:func:`ovh_responses.fitting.refusal.read_refusal`: a system
prompt, a ``tool_choice`` mode, parallel calls, ``json_schema``, streamed structured output,
reasoning options, tools, images) or an optional parameter it does not take is recorded by
:class:`LearnedLimits`: later requests to the same model are built with the profile refined
(adapted as the table would have done) and without the parameter. Tools and images, which no
change can work around, are refused before sending from then on. A model found not to be served
on ``/v1/responses`` is recorded too, and goes to ``/v1/chat/completions`` from then on.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from ovh_responses.errors import UnsupportedFeatureError
from ovh_responses.fitting.refusal import CAPABILITIES, Limit, is_bad_value, read_refusal, uses
from ovh_responses.fitting.request import Body, without_system
from ovh_responses.memory import WARNED, remembered

if TYPE_CHECKING:
    from openai.types.responses.response_create_params import ResponseCreateParams

    from ovh_responses.fitting.profiles import ModelProfile

__all__ = ["LEARNED", "LearnedLimits", "capability_error", "lesson", "strip_param"]

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


_REFINES: Mapping[str, Mapping[str, object]] = {
    "instructions": {"accepts_system_prompt": False},
    "tool_choice": {"tool_choice_modes": "auto_only"},
    "parallel_tool_calls": {"parallel_tool_calls": False},
    "reasoning": {"reasoning": None},
    "structured_streaming": {"structured_streaming": False},
    "json_schema": {"json_schema": False},
    "tools": {"tool_calling": False},
    "images": {"vision": False},
}


_LEARNED_DONE: Mapping[str, tuple[str, str]] = {
    # name -> (the adaptation rule whose own warning this one replaces, what is done now)
    "instructions": ("system", "system prompts go at the start of the first user message"),
    "tool_choice": ("tool_choice", "tool_choice is left to the model and checked in the answer"),
    "parallel_tool_calls": ("parallel", "tools are called one at a time"),
    "reasoning": ("reasoning", "reasoning options are not sent"),
    "structured_streaming": (
        "structured_stream",
        "structured output is requested in one piece and delivered as a stream",
    ),
    "json_schema": (
        "json_schema",
        "structured output is requested through a function call or JSON mode and checked",
    ),
}


def _learned_warning(base_url: str, model: str, name: str, message: str) -> None:
    """One warning for what was learned, standing for the adaptation's own warning too."""
    rule, done = _LEARNED_DONE.get(name, ("", f"{name!r} is not sent"))
    if rule:
        WARNED.mark((model, rule))
    WARNED.warn_once(
        ("learned", base_url, model, name),
        f"Model {model!r} refused a request ({message}); it was sent again, adapted, and "
        f"from now on {done}.",
    )


def lesson(body: ResponseCreateParams, param: str | None, message: str) -> str | None:
    """What a 400 (``param``, ``message``) refusing ``body`` teaches about the model: one of
    :data:`~ovh_responses.fitting.refusal.Limit`, an optional parameter the model does not take, or
    ``None`` when it teaches nothing the library can act on."""
    limit = read_refusal(cast("Body", body), param, message)
    if limit is not None:
        return limit
    if not param or is_bad_value(message):
        return None
    return _top_param(param) if strip_param(body, param) is not None else None


_CAPABILITY_FIXES: Mapping[str, str] = {
    "tools": "cannot call tools here. Choose a model with function calling (see "
    "list_models()), or send no tools",
    "images": "does not read images here. Choose a vision model (see list_models()), or send "
    "text only",
}


def capability_error(model: str, limit: Limit, said: str) -> UnsupportedFeatureError:
    """The typed error for a capability the server refused ``model`` (``said``: the server's
    words, or when it said them)."""
    return UnsupportedFeatureError(
        f"Model {model!r} {_CAPABILITY_FIXES[limit]}. The server refused it ({said}), so such "
        "requests to this model are refused before sending from now on.",
        param="tools" if limit == "tools" else "input",
    )


class LearnedLimits:
    """What the server refused, per (base URL, model), for the life of the process.

    On a 400 that names a limit or an optional parameter of the request, call :meth:`learn`;
    if it returns ``True`` retry once with the body rebuilt (:meth:`refine` the profile, adapt,
    then :meth:`apply`); :meth:`refuse_known` refuses a capability learned missing. A model
    found not to be on ``/v1/responses`` is recorded with :meth:`learn_route` and goes to
    ``/v1/chat/completions`` from then on.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._params: dict[tuple[str, str], set[str]] = {}
        self._chat_only: set[tuple[str, str]] = set()
        self._generation = 0

    @property
    def generation(self) -> int:
        """A number that changes whenever something is learned or forgotten: whoever keeps a
        profile made from this memory compares it to know whether to make the profile
        again."""
        with self._lock:
            return self._generation

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
        in ``body``, and the message is not about a bad value (``temperature must be between 0
        and 2`` is the caller's to fix). A body planned before another thread learned the same
        refusal still carries the parameter: retrying without it helps too (no second
        warning)."""
        name = lesson(body, param, message)
        if name is None:
            return False
        with self._lock:
            known = self._params.setdefault((base_url, model), set())
            if name in known:
                return True
            known.add(name)
            self._generation += 1
        if name not in CAPABILITIES:
            _learned_warning(base_url, model, name, message)
        return True

    def refuse_known(
        self, base_url: str, model: str, body: ResponseCreateParams, profile: ModelProfile
    ) -> None:
        """Raise :class:`UnsupportedFeatureError` if ``body`` uses a capability the server
        refused for ``model`` at ``base_url`` earlier in this process (nothing is sent), unless
        ``profile`` (with the user's override) says the model has it."""
        allowed = {"tools": profile.tool_calling, "images": profile.vision}
        for limit in sorted(CAPABILITIES & self.learned(base_url, model)):
            if not allowed[limit] and uses(cast("Body", body), limit):
                raise capability_error(model, limit, "earlier in this process")

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
            self._generation += 1
        WARNED.warn_once(
            ("route", base_url, model),
            f"Model {model!r} is not served on /v1/responses: it is used through "
            "/v1/chat/completions from now on.",
        )

    def clear(self) -> None:
        with self._lock:
            self._params.clear()
            self._chat_only.clear()
            self._generation += 1


LEARNED = remembered(LearnedLimits())
"""The process-wide memory the clients share."""
