"""Typed errors. Every failure the library raises is an :class:`OVHError`.

Two families: :class:`RequestRejected` is raised *before* anything is sent (bad input, a
feature the platform does not have); :class:`APIError` and its kin come from the server or the
network and are made from openai/httpx failures in one place (``ovh_responses.errors.translate``).
Each message names the problem and the fix. No message ever contains the API key.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    import httpx2
    import openai
    from pydantic import SecretStr

    from ovh_responses.types import Result


class OVHError(Exception):
    """Base class of every error raised by ovh-responses."""


# ----- refused before sending ------------------------------------------------------------------


class RequestRejected(OVHError, ValueError):  # noqa: N818
    """The request cannot be sent as asked; nothing was sent. The message says what to change."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class UnsupportedFeatureError(RequestRejected):
    """A feature OVH AI Endpoints does not offer (store=True, previous_response_id, built-in
    tools, remote image URLs, ...), or one the chosen model lacks while ``strict=True``."""


class UnsupportedContentError(RequestRejected):
    """A message part or block the adapter cannot turn into a Responses input item."""


class RequestTooLargeError(RequestRejected):
    """The request body is over the platform's limit; ``size`` and ``limit`` are in bytes."""

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message, param="input")
        self.size = size
        self.limit = limit


# ----- from the server or the network ----------------------------------------------------------


class APIError(OVHError):
    """The server answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        param: str | None = None,
        code: str | int | None = None,
        body: object | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.param = param
        self.code = code
        self.body = body


class AuthenticationError(APIError):
    """401 or 403: the key is missing, wrong or expired."""


class RateLimitError(APIError):
    """429. ``retry_after`` is the wait in seconds the server asked for, when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class BadRequestError(APIError):
    """400 (or 422) for a reason other than those below; ``param`` names the field if known."""


class ContextOverflowError(BadRequestError):
    """The prompt (plus the requested output) does not fit the model's context window."""

    def __init__(self, message: str, *, max_context: int | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.max_context = max_context


class ModelNotFoundError(APIError):
    """The model id is unknown (ids are case-sensitive), or the model is not on this route."""

    def __init__(self, message: str, *, model: str | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.model = model


class ModelNotOnRouteError(ModelNotFoundError):
    """The model exists but is not served on ``/v1/responses``."""


class EmbeddingModelError(ModelNotFoundError):
    """An embedding model was sent a chat request: it is served on ``/v1/embeddings`` only."""


class ServerError(APIError):
    """5xx from the platform (after the client's retries)."""


class APITimeoutError(OVHError, TimeoutError):
    """The request timed out (after the client's retries)."""


class APIConnectionError(OVHError, ConnectionError):
    """The endpoint could not be reached."""


class StreamError(OVHError):
    """The stream failed after it started: an ``error`` event, ``response.failed``, or a cut
    connection. Output already delivered is in ``partial_text``; it is never returned silently."""

    def __init__(self, message: str, *, code: str | None = None, partial_text: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.partial_text = partial_text


class StreamInterruptedError(StreamError, APIConnectionError):
    """The connection closed before the stream's terminal event."""


class NotEventStreamError(StreamError):
    """A streamed request was answered with something that is not an event stream (a proxy's
    page, plain JSON); ``content_type`` is what the answer said it was."""

    def __init__(self, message: str, *, content_type: str = "", partial_text: str = "") -> None:
        super().__init__(message, partial_text=partial_text)
        self.content_type = content_type


class StructuredOutputError(OVHError, ValueError):
    """The model refused, or its structured output is not valid JSON. ``text`` is what it
    wrote."""

    def __init__(self, message: str, *, text: str = "", refusal: str | None = None) -> None:
        super().__init__(message)
        self.text = text
        self.refusal = refusal


class RequiredToolNotCalledError(OVHError, ValueError):
    """``tool_choice`` asked for a tool call, the model only accepts ``auto``, and it answered
    without calling the tool. ``result`` is the answer it gave."""

    def __init__(self, message: str, *, result: Result) -> None:
        super().__init__(message)
        self.result = result


class OVHCompatibilityWarning(UserWarning):
    """A parameter was dropped because OVH AI Endpoints may ignore or reject it."""


# ----- translation of openai / httpx2 failures ------------------------------------------------

_CONTEXT_PATTERNS = (
    re.compile(r"maximum context length is (\d+) tokens", re.IGNORECASE),
    re.compile(r"maximum model length (?:of|is) (\d+)", re.IGNORECASE),
    re.compile(r"context (?:window|length) of (\d+) tokens", re.IGNORECASE),
)
_CONTEXT_WORDS = re.compile(
    r"prompt is too long|input is too long|exceeds? (?:the |this )?(?:model's )?"
    r"(?:maximum )?context|context length exceeded|too many (?:input )?tokens",
    re.IGNORECASE,
)
_CONTEXT_CODES = frozenset({"context_length_exceeded", "string_above_max_length"})
_EMBEDDING_ONLY = re.compile(
    r"served on /v1/embeddings|\bis an? embedding model|embedding models? (?:cannot|can't|do "
    r"not)|does not support (?:the )?(?:chat|responses|generat)",
    re.IGNORECASE,
)
_NEGATIVE_MAX_TOKENS = re.compile(
    r"max_(?:output_|completion_)?tokens must be at least 1, got -\d+"
)
_NOT_ON_ROUTE = re.compile(
    r"not (?:available|supported|served|enabled|allowed)\b[^.]*\b(?:route|endpoint|responses)",
    re.IGNORECASE,
)
_MODEL_UNKNOWN = re.compile(
    r"\bmodel\b.*\bdoes not exist|unknown model|model not found|no such model", re.I
)
_KEY_FIX = (
    "Set AI_ENDPOINT_API_KEY (or pass api_key=) to a valid key from the OVHcloud control panel, "
    "or unset it to use the anonymous tier."
)


@contextmanager
def translate(
    *, streaming: bool = False, model: str | None = None, secret: SecretStr | None = None
) -> Iterator[None]:
    """Turn openai and httpx2 failures raised inside the block into typed errors, ``from`` the
    original. With ``streaming=True`` a lost connection becomes :class:`StreamInterruptedError`.
    ``secret`` (the key in use) is masked out of every message."""
    import httpx2
    import openai

    try:
        yield
    except openai.APIStatusError as e:
        raise from_status_error(e, model=model, secret=secret) from _redacted(e, secret)
    except openai.APIConnectionError as e:  # includes APITimeoutError
        raise _from_connection_error(e, streaming=streaming) from _redacted(e, secret)
    except openai.APIError as e:  # an error payload inside a stream, or an unreadable answer
        error = _from_other_error(e, streaming=streaming, secret=secret)
        raise error from _redacted(e, secret)
    except httpx2.TransportError as e:
        raise _from_connection_error(e, streaming=streaming) from _redacted(e, secret)
    except json.JSONDecodeError as e:  # a body or an event that is not the JSON it claims
        raise unreadable_answer(f"not valid JSON ({e.msg})", streaming=streaming) from e
    except _SHAPE_ERRORS as e:
        if not streaming:
            raise
        raise _misshapen(e, streaming=True) from e


# What reading a value of the wrong shape raises (a field missing, null or of another type).
_SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError)


@contextmanager
def reading_answer(*, streaming: bool) -> Iterator[None]:
    """Reading what the server sent: a value of the wrong shape is an unreadable answer."""
    try:
        yield
    except _SHAPE_ERRORS as e:
        raise _misshapen(e, streaming=streaming) from e


def _misshapen(e: Exception, *, streaming: bool) -> OVHError:
    return unreadable_answer(
        f"not in the protocol's shape ({type(e).__name__})", streaming=streaming
    )


def unreadable_answer(what: str, *, streaming: bool) -> OVHError:
    """The error for an answer (or stream event) the client cannot read."""
    if streaming:
        return StreamError(
            f"The stream failed: an event was {what}, so the answer is incomplete (text "
            "received before it is in `partial_text`). Retry the request.",
            code="unreadable_event",
        )
    return APIError(
        f"OVH AI Endpoints answered 200 with a body that is {what}; a proxy or gateway between "
        "the client and the platform may have answered instead. Check the base URL "
        "(OVH_AI_ENDPOINTS_BASE_URL) and retry."
    )


def _redacted(error: BaseException, secret: SecretStr | None) -> BaseException:
    """``error``, and the exceptions it was raised from, with ``secret`` masked out of their
    arguments, message and body, so that a printed traceback never shows the key."""
    import openai

    if secret is None or not secret.get_secret_value():
        return error
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(_redact_body(arg, secret) for arg in current.args)
        if isinstance(current, openai.APIError):
            current.message = _redact(current.message, secret)
            current.body = _redact_body(current.body, secret)
        current = current.__cause__ or current.__context__
    return error


def _from_connection_error(
    e: openai.APIConnectionError | httpx2.TransportError, *, streaming: bool
) -> OVHError:
    import httpx2
    import openai

    timed_out = isinstance(e, openai.APITimeoutError | httpx2.TimeoutException)
    url = _request_url(e)
    if streaming:
        what = "timed out" if timed_out else "was cut"
        return StreamInterruptedError(
            f"The connection to {url} {what} before the stream ended, so the answer is "
            f"incomplete ({type(e).__name__}). Retry the request."
        )
    if timed_out:
        return APITimeoutError(
            f"The request to OVH AI Endpoints ({url}) timed out after the client's retries; "
            "raise `timeout` or retry later."
        )
    return APIConnectionError(
        f"Could not reach OVH AI Endpoints at {url} ({type(e).__name__}); check the network "
        "and the base URL (OVH_AI_ENDPOINTS_BASE_URL)."
    )


def _request_url(e: openai.APIConnectionError | httpx2.TransportError) -> str:
    """The URL the failed request went to (the key travels in a header, never in it)."""
    try:
        return str(e.request.url)
    except RuntimeError:  # an httpx2 error raised outside any request
        return "the base URL"


def _from_other_error(e: openai.APIError, *, streaming: bool, secret: SecretStr | None) -> OVHError:
    message = _redact(e.message, secret)
    if streaming:
        return StreamError(f"The stream failed: {message}", code=e.code)
    return APIError(
        f"OVH AI Endpoints gave an answer the client cannot use: {message}", body=e.body
    )


def from_status_error(
    e: openai.APIStatusError, *, model: str | None = None, secret: SecretStr | None = None
) -> APIError:
    """The typed error for one HTTP error answer (status, server message, ``param``)."""
    info = _ErrorInfo.of(e, secret)
    status = info.status_code
    if status in (401, 403):
        return AuthenticationError(info.text(_KEY_FIX), **info.fields())
    if status == 429:
        return _rate_limit_error(info, e.response.headers, anonymous=secret is None)
    if status in (400, 404, 422):
        return _client_error(info, model)
    if status >= 500:
        fix = "The platform failed after the client's retries; retry later."
        return ServerError(info.text(fix), **info.fields())
    return APIError(info.text(""), **info.fields())


def _client_error(info: _ErrorInfo, model: str | None) -> APIError:
    said = info.said  # classified on what the server said, before the key is masked
    if _EMBEDDING_ONLY.search(said):
        return _model_error(EmbeddingModelError, info, model, _EMBEDDING_FIX)
    if _NOT_ON_ROUTE.search(said):
        return _model_error(ModelNotOnRouteError, info, model, _ROUTE_FIX)
    if info.status_code == 404 or info.param == "model" or _MODEL_UNKNOWN.search(said):
        if info.param == "model" or _MODEL_UNKNOWN.search(said):
            fix = "Model ids are case-sensitive; list the available ones with list_models()."
            return ModelNotFoundError(info.text(fix), model=model, **info.fields())
        fix = "Check the base URL (OVH_AI_ENDPOINTS_BASE_URL); it should end in /v1."
        return APIError(info.text(fix), **info.fields())
    if _is_context_overflow(info):
        fix = "Shorten the input (or lower max_output_tokens) to fit the model's context window."
        return ContextOverflowError(
            info.text(fix), max_context=_context_limit(said), **info.fields()
        )
    fix = f"Fix the parameter {info.param!r}." if info.param else ""
    return BadRequestError(info.text(fix), **info.fields())


_ROUTE_FIX = (
    "{who} is not served on this route; send it with route='auto' (the default) or "
    "'chat_completions' to reach it through /v1/chat/completions, or pick another model "
    "(see list_models())."
)
_EMBEDDING_FIX = (
    "{who} is an embedding model: it makes vectors on /v1/embeddings and cannot answer chat "
    "requests on any route. Use it through OVHEmbeddings / OVHEmbedding (or "
    "ResponsesClient.embed), and pick a chat model here (see list_models())."
)


def _model_error(
    kind: type[ModelNotFoundError], info: _ErrorInfo, model: str | None, fix: str
) -> ModelNotFoundError:
    who = f"Model {model!r}" if model else "This model"
    return kind(info.text(fix.format(who=who)), model=model, **info.fields())


def _is_context_overflow(info: _ErrorInfo) -> bool:
    """Every signal the server gives: OpenAI's ``code``, vLLM's and OpenAI's wordings."""
    said = info.said
    return bool(
        info.code in _CONTEXT_CODES
        or _context_limit(said) is not None
        or _NEGATIVE_MAX_TOKENS.search(said)
        or _CONTEXT_WORDS.search(said)
    )


def _context_limit(message: str) -> int | None:
    for pattern in _CONTEXT_PATTERNS:
        found = pattern.search(message)
        if found:
            return int(found.group(1))
    return None


def _rate_limit_error(
    info: _ErrorInfo, headers: Mapping[str, str], *, anonymous: bool
) -> RateLimitError:
    wait = retry_after_seconds(headers)
    when = f"Wait {wait:g} s before retrying" if wait is not None else "Wait before retrying"
    limits = (
        "The anonymous tier allows 2 requests/min per IP and model; an API key "
        "(AI_ENDPOINT_API_KEY) raises the limit to 400 requests/min per model."
        if anonymous
        else "With an API key the limit is 400 requests/min per project and model."
    )
    return RateLimitError(info.text(f"{when}. {limits}"), retry_after=wait, **info.fields())


def retry_after_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """The wait the server asked for: ``Retry-After`` (seconds or an HTTP date), else
    ``retry-after-ms``, else ``RateLimit-Reset`` (seconds)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get("retry-after")
    if value is not None:
        seconds = _seconds(value)
        return seconds if seconds is not None else _seconds_until(value, now)
    millis = _seconds(lowered.get("retry-after-ms", ""))
    if millis is not None:
        return millis / 1000
    return reset_seconds(lowered.get("ratelimit-reset", ""), now=now)


_UNIX_TIME_FROM = 1_000_000_000.0
"""A ``RateLimit-Reset`` this large (September 2001 as a Unix time) is a moment, not a wait:
some rate limiters send the time the window resets instead of the seconds until then."""


def reset_seconds(value: str, *, now: datetime | None = None) -> float | None:
    """The wait a ``RateLimit-Reset`` value gives: seconds, or the seconds until a Unix time."""
    seconds = _seconds(value)
    if seconds is None or seconds < _UNIX_TIME_FROM:
        return seconds
    return max(0.0, seconds - (now or datetime.now(UTC)).timestamp())


def _seconds(value: str) -> float | None:
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 and seconds == seconds else None  # NaN is not a wait


def _seconds_until(http_date: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class _ErrorInfo:
    """What an HTTP error answer said, with the key masked."""

    status_code: int
    said: str
    """The server's message as it came, for classifying: never shown."""
    message: str
    """The server's message with the key masked: what errors show."""
    param: str | None
    code: str | int | None
    body: object

    @classmethod
    def of(cls, e: openai.APIStatusError, secret: SecretStr | None) -> _ErrorInfo:
        body = e.body
        said = _server_message(body) or e.response.reason_phrase or e.message
        code = body.get("code") if isinstance(body, dict) else None
        return cls(
            status_code=e.status_code,
            said=said,
            message=_redact(said, secret),
            param=e.param,
            code=code if isinstance(code, str | int) else None,
            body=_redact_body(body, secret),
        )

    def text(self, fix: str) -> str:
        where = f", param {self.param!r}" if self.param else ""
        said = f"OVH AI Endpoints answered {self.status_code}{where}: {self.message}"
        return f"{said.rstrip()} {fix}".rstrip() if fix else said

    def fields(self) -> dict[str, Any]:
        return {
            "status_code": self.status_code,
            "param": self.param,
            "code": self.code,
            "body": self.body,
        }


def _server_message(body: object) -> str | None:
    if isinstance(body, dict):
        message = body.get("message") or body.get("detail")
        return message if isinstance(message, str) and message else None
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return None


_MASK = "**********"
_WHOLE_KEY_BELOW = 8
"""A key shorter than this is masked only where it stands as a whole token: masking every
occurrence of one or two characters would garble the message and say what the key is."""


def _redact(text: str, secret: SecretStr | None) -> str:
    """``text`` with the key masked where it appears (as a whole token, for a short key)."""
    value = secret.get_secret_value() if secret is not None else ""
    if not value:
        return text
    if len(value) >= _WHOLE_KEY_BELOW:
        return text.replace(value, _MASK)
    return re.sub(rf"(?<![\w.~+/=-]){re.escape(value)}(?![\w.~+/=-])", _MASK, text)


def _redact_body(body: object, secret: SecretStr | None) -> object:
    if isinstance(body, str):
        return _redact(body, secret)
    if isinstance(body, dict):
        return {key: _redact_body(value, secret) for key, value in body.items()}
    if isinstance(body, list):
        return [_redact_body(value, secret) for value in body]
    return body
