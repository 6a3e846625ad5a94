"""What each model can do: a typed capability profile per model family, chosen from the model id.

Behaviour on AI Endpoints varies by model (system prompts, ``tool_choice`` modes, parallel calls,
structured output, streaming of structured output, vision, reasoning, the route itself). Each
behaviour is one documented flag of :class:`ModelProfile`; :func:`profile_for` picks the profile
of a model id. An id no family matches gets :data:`DEFAULT_PROFILE`, which assumes everything is
possible and leaves the answer to the server (``fitting.learned.LearnedLimits`` remembers
what the server refuses).

Live data from ``GET /v1/models`` (context lengths) is merged in by :class:`ModelCatalog`, which
asks each base URL once per process and survives the listing failing.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from ovh_responses.errors import OVHCompatibilityWarning, OVHError
from ovh_responses.memory import remembered

if TYPE_CHECKING:
    from openai.types import Model

__all__ = [
    "DEFAULT_CONTEXT_WINDOW",
    "DEFAULT_PROFILE",
    "FAMILIES",
    "ModelCatalog",
    "ModelInfo",
    "ModelProfile",
    "add_model_profile",
    "forget_registered_profiles",
    "model_info",
    "profile_for",
    "register_profile",
]

DEFAULT_CONTEXT_WINDOW = 32768
"""Context window assumed for a model whose size neither its family nor ``/v1/models`` gives."""

ReasoningKind = Literal["effort", "toggle"]
Route = Literal["responses", "chat_completions"]


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """What one model family accepts. Flags that are ``True`` mean "send it as asked"."""

    family: str
    """Name of the family (``"default"`` for ids no family matches)."""
    kind: Literal["chat", "embedding"] = "chat"
    """Chat model (``/v1/responses``, ``/v1/chat/completions``) or embedding model."""
    accepts_system_prompt: bool = True
    """``instructions`` and system/developer messages are accepted; if not, they are folded
    into the first user turn."""
    tool_calling: bool = True
    """Function tools can be sent at all."""
    tool_choice_modes: Literal["all", "auto_only"] = "all"
    """``"all"``: auto, none, required and a named function; ``"auto_only"``: only ``auto``."""
    parallel_tool_calls: bool = True
    """Several function calls may come back in one answer."""
    json_schema: bool = True
    """``text.format`` of type ``json_schema`` is enforced by the server."""
    structured_streaming: bool = True
    """Structured output (``json_schema``) can be streamed."""
    vision: bool = True
    """``input_image`` parts are understood."""
    reasoning: ReasoningKind | None = None
    """``"effort"``: ``reasoning.effort`` works; ``"toggle"``: thinking is on unless the prompt
    says ``/no_think``; ``None``: no reasoning controls."""
    route: Route = "responses"
    """The route that serves the model: ``/v1/responses`` or only ``/v1/chat/completions``."""
    context_window: int = DEFAULT_CONTEXT_WINDOW
    """Tokens of prompt plus output the model can hold."""
    max_output_tokens: int | None = None
    """Most tokens one answer may have, when the platform says."""


DEFAULT_PROFILE = ModelProfile(family="default", reasoning="effort")
"""For ids no family matches: everything is sent as asked and the server decides."""


@dataclass(frozen=True, slots=True)
class _Family:
    pattern: re.Pattern[str]
    profile: ModelProfile


def _family(pattern: str, name: str, **flags: Any) -> _Family:
    return _Family(re.compile(pattern, re.IGNORECASE), ModelProfile(family=name, **flags))


FAMILIES: tuple[_Family, ...] = (
    # OVHcloud's catalog. First match wins, so narrower patterns come first.
    _family(r"gpt-oss-", "gpt-oss", vision=False, reasoning="effort", context_window=131072),
    _family(r"qwen3-coder", "qwen3-coder", vision=False, context_window=262144),
    _family(r"qwen3\.[5-9]", "qwen3.5", reasoning="effort", context_window=262144),
    _family(r"qwen3-", "qwen3", vision=False, reasoning="toggle", context_window=32768),
    _family(r"qwen2\.5-vl", "qwen2.5-vl", tool_calling=False, context_window=32768),
    _family(r"mistral-small-3", "mistral-small-3", context_window=131072),
    _family(r"mistral-nemo", "mistral-nemo", vision=False, context_window=65536),
    _family(r"mistral-7b", "mistral-7b", vision=False, context_window=65536),
    _family(r"(meta-)?llama-3", "llama-3", vision=False, context_window=131072),
    _family(
        r"bge-base-en",
        "bge-base-en",
        kind="embedding",
        tool_calling=False,
        vision=False,
        context_window=512,
    ),
    _family(
        r"bge-", "bge", kind="embedding", tool_calling=False, vision=False, context_window=8192
    ),
)


_REGISTERED: tuple[_Family, ...] = ()
"""Replaced whole under the lock, read without it (a reference read is atomic)."""
_REGISTERED_LOCK = threading.Lock()


def register_profile(pattern: str, profile: ModelProfile | Mapping[str, Any]) -> None:
    """Describe the models whose id matches ``pattern`` (a regular expression matched at the
    start of the id, case-insensitive), for models the table does not know or describes
    wrongly. ``profile`` is a whole :class:`ModelProfile` or some of its flags (the others
    from :data:`DEFAULT_PROFILE`). Registered patterns win over the table; the latest
    registration wins over earlier ones."""
    whole = profile if isinstance(profile, ModelProfile) else _partial(pattern, profile)
    global _REGISTERED
    with _REGISTERED_LOCK:
        _REGISTERED = (_Family(re.compile(pattern, re.IGNORECASE), whole), *_REGISTERED)


def _partial(pattern: str, flags: Mapping[str, Any]) -> ModelProfile:
    try:
        return replace(DEFAULT_PROFILE, family=pattern, **dict(flags))
    except TypeError as e:
        names = ", ".join(f for f in ModelProfile.__dataclass_fields__ if f != "family")
        raise ValueError(f"{e}; the flags of a model profile are {names}.") from e


def forget_registered_profiles() -> None:
    """Drop every profile given with :func:`register_profile`."""
    global _REGISTERED
    with _REGISTERED_LOCK:
        _REGISTERED = ()


_EXACT: dict[str, ModelProfile] = {}


def add_model_profile(model: str, profile: ModelProfile) -> None:
    """Use ``profile`` for exactly the id ``model`` from now on in this process, before any
    pattern or family: for models no built-in family describes, such as the local endpoint's
    test models (``ovh_responses.testing`` adds those)."""
    _EXACT[model] = profile


def profile_for(model: str) -> ModelProfile:
    """The profile of ``model``: an exact one (:func:`add_model_profile`), a registered one
    (:func:`register_profile`), else its family's (virtual ids such as ``mistral@latest`` and
    unknown ids get :data:`DEFAULT_PROFILE`)."""
    exact = _EXACT.get(model)
    if exact is not None:
        return exact
    for family in (*_REGISTERED, *FAMILIES):
        if family.pattern.match(model):
            return family.profile
    return DEFAULT_PROFILE


# ----- live data: GET /v1/models ----------------------------------------------------------------


_CONTEXT_KEYS = ("context_length", "max_model_len", "context_window", "max_context_length")
_OUTPUT_KEYS = ("max_output_length", "max_completion_tokens", "max_output_tokens")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One model the endpoint lists, with its profile completed by what the listing says."""

    id: str
    owned_by: str
    profile: ModelProfile
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def context_window(self) -> int:
        return self.profile.context_window

    @property
    def max_output_tokens(self) -> int | None:
        return self.profile.max_output_tokens


def _first_int(data: Mapping[str, object], keys: Iterable[str]) -> int | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def model_info(model: Model) -> ModelInfo:
    """A listed model as :class:`ModelInfo`: its family profile, with the context length and
    output limit the listing gives (vLLM's ``max_model_len``, the catalog's ``context_length``,
    ``max_output_length``) taking precedence."""
    extra: dict[str, object] = dict(model.model_extra or {})
    profile = profile_for(model.id)
    context = _first_int(extra, _CONTEXT_KEYS)
    output = _first_int(extra, _OUTPUT_KEYS)
    if context is not None:
        profile = replace(profile, context_window=context)
    if output is not None:
        profile = replace(profile, max_output_tokens=output)
    return ModelInfo(id=model.id, owned_by=model.owned_by, profile=profile, extra=extra)


Fetch = Callable[[], Iterable["Model"]]
AsyncFetch = Callable[[], Awaitable[Iterable["Model"]]]


class ModelCatalog:
    """``GET /v1/models`` once per base URL per process, merged into the family profiles.

    :meth:`list_models` is the explicit listing (errors raise); :meth:`profile` is what request
    building uses: it never raises because of the listing, which, when it fails, is reported with
    one :class:`OVHCompatibilityWarning` per base URL and not asked again in this process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listed: dict[str, dict[str, ModelInfo]] = {}
        self._failed: set[str] = set()

    # -- explicit listing ---------------------------------------------------------------------

    def list_models(self, base_url: str, fetch: Fetch) -> list[ModelInfo]:
        """Every model the endpoint lists, fetched now; the result refreshes the cache."""
        return self._store(base_url, [model_info(m) for m in fetch()])

    async def alist_models(self, base_url: str, fetch: AsyncFetch) -> list[ModelInfo]:
        return self._store(base_url, [model_info(m) for m in await fetch()])

    # -- profiles for requests ----------------------------------------------------------------

    def profile(self, base_url: str, model: str, fetch: Fetch) -> ModelProfile:
        """``model``'s profile with the listing's context window, listing once per base URL."""
        if not self._known(base_url):
            try:
                self.list_models(base_url, fetch)
            except OVHError as e:
                self._listing_failed(base_url, e)
        return self.cached_profile(base_url, model)

    async def aprofile(self, base_url: str, model: str, fetch: AsyncFetch) -> ModelProfile:
        if not self._known(base_url):
            try:
                await self.alist_models(base_url, fetch)
            except OVHError as e:
                self._listing_failed(base_url, e)
        return self.cached_profile(base_url, model)

    def cached_profile(self, base_url: str, model: str) -> ModelProfile:
        """The profile from what is already known, without asking the endpoint."""
        with self._lock:
            info = self._listed.get(base_url, {}).get(model)
        return info.profile if info is not None else profile_for(model)

    def clear(self) -> None:
        """Forget every listing and failure (the next request lists again)."""
        with self._lock:
            self._listed.clear()
            self._failed.clear()

    # -- internals ----------------------------------------------------------------------------

    def _known(self, base_url: str) -> bool:
        with self._lock:
            return base_url in self._listed or base_url in self._failed

    def _store(self, base_url: str, infos: list[ModelInfo]) -> list[ModelInfo]:
        with self._lock:
            self._listed[base_url] = {info.id: info for info in infos}
            self._failed.discard(base_url)
        return infos

    def _listing_failed(self, base_url: str, error: OVHError) -> None:
        with self._lock:
            first = base_url not in self._failed
            self._failed.add(base_url)
        if first:
            warnings.warn(
                f"Could not list the models of {base_url} ({type(error).__name__}: {error}); "
                "context windows come from the built-in model profiles instead.",
                OVHCompatibilityWarning,
                stacklevel=4,
            )


CATALOG = remembered(ModelCatalog())
"""The process-wide catalog the clients share."""
