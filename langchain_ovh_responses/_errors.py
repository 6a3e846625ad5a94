"""The core's typed errors, re-raised as classes LangChain code can also catch.

Each class here subclasses both the ``ovh_responses.errors`` class it mirrors and the matching
``langchain_core.exceptions`` class, so ``except ovh_responses.errors.RateLimitError`` and
``except langchain_core.exceptions.ModelRateLimitError`` both catch a 429 (and retry helpers that
look at ``is_retryable`` see the right value). Errors raised before sending (bad input) keep the
core's classes: they are ``ValueError`` subclasses and carry the fix in their message.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from langchain_core import exceptions as lc

from ovh_responses import errors as core

if TYPE_CHECKING:
    from collections.abc import Iterator

    from langchain_core.messages import BaseMessage

__all__ = [
    "OVHAPIError",
    "OVHAuthenticationError",
    "OVHBadRequestError",
    "OVHConnectionError",
    "OVHContextOverflowError",
    "OVHEmbeddingModelError",
    "OVHModelNotFoundError",
    "OVHModelNotOnRouteError",
    "OVHNotEventStreamError",
    "OVHOutputParserError",
    "OVHRateLimitError",
    "OVHRefusalError",
    "OVHServerError",
    "OVHStreamError",
    "OVHStreamInterruptedError",
    "OVHTimeoutError",
    "as_langchain_error",
    "langchain_errors",
]


class OVHAPIError(core.APIError, lc.ModelAPIError):
    """An error status without a more specific class."""


class OVHAuthenticationError(core.AuthenticationError, lc.ModelAuthenticationError):
    """401 or 403: the key is missing, wrong or expired."""


class OVHRateLimitError(core.RateLimitError, lc.ModelRateLimitError):
    """429; ``retry_after`` is the wait the server asked for, when it said."""


class OVHBadRequestError(core.BadRequestError, lc.ModelInvalidRequestError):
    """The server rejected the request as invalid."""


class OVHContextOverflowError(core.ContextOverflowError, lc.ContextOverflowError):
    """The prompt does not fit the model's context window."""


class OVHModelNotFoundError(core.ModelNotFoundError, lc.ModelNotFoundError):
    """The model id is unknown (ids are case-sensitive)."""


class OVHEmbeddingModelError(core.EmbeddingModelError, lc.ModelNotFoundError):
    """An embedding model was sent a chat request."""


class OVHModelNotOnRouteError(core.ModelNotOnRouteError, lc.ModelNotFoundError):
    """The model exists but is not served on ``/v1/responses``."""


class OVHServerError(core.ServerError, lc.ModelAPIError):
    """5xx from the platform, after the client's retries."""


class OVHTimeoutError(core.APITimeoutError, lc.ModelTimeoutError):
    """The request timed out, after the client's retries."""


class OVHConnectionError(core.APIConnectionError, lc.ModelConnectionError):
    """The endpoint could not be reached."""


class OVHStreamError(core.StreamError, lc.ModelAPIError):
    """The stream failed after it started; nothing partial is returned as if complete."""


class OVHStreamInterruptedError(core.StreamInterruptedError, lc.ModelConnectionError):
    """The connection closed before the stream's terminal event."""


class OVHNotEventStreamError(core.NotEventStreamError, lc.ModelAPIError):
    """A streamed request was answered with something that is not an event stream."""


class OVHRefusalError(core.StructuredOutputError, lc.ModelRefusalError):
    """The model refused to produce the requested structured output."""

    def __init__(
        self, message: str, *, refusal: str, raw_message: BaseMessage | None = None
    ) -> None:
        core.StructuredOutputError.__init__(self, message, refusal=refusal)
        self.raw_message = raw_message


class OVHOutputParserError(core.StructuredOutputError, lc.OutputParserException):
    """The model's structured output is not valid JSON, or does not match the schema."""

    def __init__(self, message: str, *, text: str) -> None:
        core.StructuredOutputError.__init__(self, message, text=text)
        self.observation = None
        self.llm_output = text
        self.send_to_llm = False


# Most specific first: the first entry the error is an instance of wins.
_MIRRORS: tuple[tuple[type[core.OVHError], type[core.OVHError]], ...] = (
    (core.StreamInterruptedError, OVHStreamInterruptedError),
    (core.NotEventStreamError, OVHNotEventStreamError),
    (core.StreamError, OVHStreamError),
    (core.ContextOverflowError, OVHContextOverflowError),
    (core.BadRequestError, OVHBadRequestError),
    (core.ModelNotOnRouteError, OVHModelNotOnRouteError),
    (core.EmbeddingModelError, OVHEmbeddingModelError),
    (core.ModelNotFoundError, OVHModelNotFoundError),
    (core.AuthenticationError, OVHAuthenticationError),
    (core.RateLimitError, OVHRateLimitError),
    (core.ServerError, OVHServerError),
    (core.APIError, OVHAPIError),
    (core.APITimeoutError, OVHTimeoutError),
    (core.APIConnectionError, OVHConnectionError),
)


def as_langchain_error(error: core.OVHError) -> core.OVHError:
    """The same error (message and attributes) as the class that LangChain can also catch;
    the error itself when it has no LangChain counterpart or already is one."""
    if isinstance(error, lc.LangChainException):
        return error
    for core_class, mirror in _MIRRORS:
        if isinstance(error, core_class):
            copy = mirror.__new__(mirror)
            copy.args = error.args
            copy.__dict__.update(error.__dict__)
            return copy
    return error


@contextmanager
def langchain_errors() -> Iterator[None]:
    """Re-raise the core's server and network errors as their LangChain-catchable mirrors,
    chained ``from`` the original."""
    try:
        yield
    except core.OVHError as e:
        mirrored = as_langchain_error(e)
        if mirrored is e:
            raise
        raise mirrored from e
