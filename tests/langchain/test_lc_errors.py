"""The core's errors re-raised as classes both ovh_responses and LangChain code can catch."""

from __future__ import annotations

import pytest
from langchain_core import exceptions as lc

from langchain_ovh_responses._errors import as_langchain_error, langchain_errors
from ovh_responses import errors as core

CASES = [
    (core.AuthenticationError("bad key", status_code=403), lc.ModelAuthenticationError),
    (core.RateLimitError("slow down", retry_after=3.0, status_code=429), lc.ModelRateLimitError),
    (core.BadRequestError("bad", status_code=400, param="x"), lc.ModelInvalidRequestError),
    (
        core.ContextOverflowError("too long", max_context=128, status_code=400),
        lc.ContextOverflowError,
    ),
    (core.ModelNotFoundError("no such model", model="m", status_code=404), lc.ModelNotFoundError),
    (core.ModelNotOnRouteError("not here", model="m", status_code=404), lc.ModelNotFoundError),
    (core.ServerError("boom", status_code=503), lc.ModelAPIError),
    (core.APIError("teapot", status_code=418), lc.ModelAPIError),
    (core.APITimeoutError("timed out"), lc.ModelTimeoutError),
    (core.APIConnectionError("unreachable"), lc.ModelConnectionError),
    (core.StreamError("failed mid-way", code="server_error", partial_text="Hel"), lc.ModelAPIError),
    (core.StreamInterruptedError("cut", partial_text="Hel"), lc.ModelConnectionError),
]


@pytest.mark.parametrize(("error", "langchain_class"), CASES, ids=lambda c: type(c).__name__)
def test_each_error_keeps_its_class_message_and_fields(
    error: core.OVHError, langchain_class: type[Exception]
) -> None:
    mirrored = as_langchain_error(error)
    assert isinstance(mirrored, type(error))
    assert isinstance(mirrored, langchain_class)
    assert str(mirrored) == str(error)
    assert mirrored.__dict__ == error.__dict__


def test_retryable_flags_follow_langchain() -> None:
    assert as_langchain_error(core.RateLimitError("x")).is_retryable is True  # type: ignore[attr-defined]
    assert as_langchain_error(core.BadRequestError("x")).is_retryable is False  # type: ignore[attr-defined]


def test_errors_raised_before_sending_are_left_as_they_are() -> None:
    error = core.UnsupportedFeatureError("no remote images", param="input")
    assert as_langchain_error(error) is error
    with pytest.raises(core.UnsupportedFeatureError) as caught, langchain_errors():
        raise error
    assert caught.value is error


def test_context_manager_chains_the_original() -> None:
    original = core.RateLimitError("slow down", retry_after=1.0)
    with pytest.raises(lc.ModelRateLimitError) as caught, langchain_errors():
        raise original
    assert caught.value.__cause__ is original
