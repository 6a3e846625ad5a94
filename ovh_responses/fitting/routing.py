"""From the caller's body to what is sent, and the one retry a refusal may earn.

:func:`plan_request` fits a ``/v1/responses`` body to its model (:func:`model_profile`: the
table, refined by what the server refused before, :mod:`ovh_responses.fitting.learned`, and
the calling instance's override over both, :mod:`ovh_responses.fitting.overrides`) and picks
the route.
:func:`attempt` / :func:`aattempt` send a plan and, when the server's refusal teaches something
(a model that is not on ``/v1/responses``, a limit of the model, an optional parameter it
rejects), plan again from the caller's original body and send once more. The retry happens
before anything of the answer has reached the caller, so no output is ever delivered twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ovh_responses.chat.request import responses_param
from ovh_responses.errors import (
    BadRequestError,
    ContextOverflowError,
    ModelNotOnRouteError,
)
from ovh_responses.fitting.learned import LEARNED, capability_error, lesson
from ovh_responses.fitting.overrides import override_profile
from ovh_responses.fitting.profiles import CATALOG
from ovh_responses.fitting.refusal import CAPABILITIES
from ovh_responses.fitting.request import adapt_request, choose_route

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from openai.types.responses.response_create_params import ResponseCreateParams

    from ovh_responses.errors import APIError
    from ovh_responses.fitting.overrides import ProfileOverride
    from ovh_responses.fitting.profiles import ModelProfile, Route
    from ovh_responses.fitting.request import Adaptation, RouteChoice

__all__ = ["Fitting", "Plan", "aattempt", "attempt", "model_profile", "plan_request", "replan"]

T = TypeVar("T")

MAX_RETRIES = 3
"""Resends of one request at most. Each follows a refusal that taught something not known
before (the route, or one more refused parameter), so a request is never sent twice the same
way; the bound only keeps a misbehaving server from causing a long series."""


@dataclass(frozen=True, slots=True)
class Fitting:
    """What the caller asks of the fitting: the ``route`` (``"auto"``: the model's own),
    ``strict`` (refuse instead of adapting), and its own word on the model (``override``),
    which holds for this call only."""

    route: RouteChoice = "auto"
    strict: bool = False
    override: ProfileOverride | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """One request ready to send: the body fitted to its model, the route it takes, what to
    do with the answer (``notes``), and whether adapting was refused (``strict``)."""

    body: ResponseCreateParams
    notes: Adaptation
    route: Route
    strict: bool = False

    @property
    def model(self) -> str:
        return str(self.body["model"])


def model_profile(
    base_url: str, model: str, override: ProfileOverride | None = None
) -> ModelProfile:
    """What is believed of ``model`` at ``base_url`` now: its family's profile (or a registered
    one) with what the listing said, refined by what the server refused, and ``override`` (the
    user's word) over all of it."""
    learned = LEARNED.refine(base_url, model, CATALOG.cached_profile(base_url, model))
    return override_profile(learned, override)


def plan_request(base_url: str, body: ResponseCreateParams, fitting: Fitting) -> Plan:
    """``body`` fitted to its model at ``base_url`` (no network call: the profile comes from
    the model's family, what a listing said, what the server refused before and the caller's
    override)."""
    model = str(body["model"])
    profile = model_profile(base_url, model, fitting.override)
    LEARNED.refuse_known(base_url, model, body, profile)
    strict = fitting.strict
    fitted, notes = adapt_request(body, profile, strict=strict)
    # Strict mode sends what was asked: a learned refusal comes back as the server says it.
    sent = fitted if strict else LEARNED.apply(base_url, model, fitted)
    return Plan(sent, notes, choose_route(fitting.route, profile), strict)


def replan(
    base_url: str,
    error: APIError,
    failed: Plan,
    body: ResponseCreateParams,
    fitting: Fitting,
) -> Plan | None:
    """The plan to send after ``failed`` was refused with ``error``, or ``None`` when sending
    again cannot help. What the refusal teaches is remembered for the model (one warning); a
    capability the model lacks (tools, images) raises :class:`UnsupportedFeatureError`."""
    if isinstance(error, ModelNotOnRouteError):
        if fitting.route != "auto" or failed.route != "responses":
            return None
        LEARNED.learn_route(base_url, failed.model)
        return plan_request(base_url, body, fitting)
    if not _readable(error):
        return None
    param = responses_param(error.param) if failed.route == "chat_completions" else error.param
    said = _said(error)
    taught = lesson(failed.body, param, said)
    if taught in CAPABILITIES:
        LEARNED.learn(base_url, failed.model, param, failed.body, said)
        raise capability_error(failed.model, taught, said) from error
    # Strict mode never adapts: the refusal is the caller's to see.
    if fitting.strict or not LEARNED.learn(base_url, failed.model, param, failed.body, said):
        return None
    again = plan_request(base_url, body, fitting)
    # The user's override can keep what the server refused: the same request again would only
    # be refused again.
    if again.route == failed.route and again.body == failed.body:
        return None
    return again


def _said(error: APIError) -> str:
    """What the server said, without the library's advice around it."""
    said = error.body.get("message") if isinstance(error.body, dict) else None
    return said if isinstance(said, str) and said else error.message


def _readable(error: APIError) -> bool:
    """A 400 that may name a limit of the model. A context overflow is the input's fault."""
    return isinstance(error, BadRequestError) and not isinstance(error, ContextOverflowError)


def attempt(
    base_url: str,
    body: ResponseCreateParams,
    fitting: Fitting,
    send: Callable[[Plan], T],
) -> T:
    """``send`` the planned request; again, re-planned, after each refusal that teaches
    something new."""
    plan = plan_request(base_url, body, fitting)
    for _ in range(MAX_RETRIES):
        try:
            return send(plan)
        except (BadRequestError, ModelNotOnRouteError) as e:
            again = replan(base_url, e, plan, body, fitting)
            if again is None:
                raise
            plan = again
    return send(plan)


async def aattempt(
    base_url: str,
    body: ResponseCreateParams,
    fitting: Fitting,
    send: Callable[[Plan], Awaitable[T]],
) -> T:
    """The async twin of :func:`attempt`: only the call differs."""
    plan = plan_request(base_url, body, fitting)
    for _ in range(MAX_RETRIES):
        try:
            return await send(plan)
        except (BadRequestError, ModelNotOnRouteError) as e:
            again = replan(base_url, e, plan, body, fitting)
            if again is None:
                raise
            plan = again
    return await send(plan)
