"""Checks the adapters' fault tests share: one call style under one fault, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ovh_responses import errors
from ovh_responses.testing import Fault, LocalEndpoint, RateLimitFault

ANSWER = "Hello! How can I help you today?"  # what the local model says to a greeting

Call = Callable[[LocalEndpoint, int], Any]  # (endpoint, max_retries) -> a summary of the answer


def retried_then_whole(endpoint: LocalEndpoint, path: str, call: Call, fault: Fault) -> None:
    """With one retry allowed, the fault costs one more request and the answer is the one a
    clean call gives, delivered once."""
    clean = call(endpoint, 1)
    assert clean, "the call gives an answer"
    endpoint.clear()
    endpoint.inject(fault)
    assert call(endpoint, 1) == clean
    assert len(endpoint.requests_to(path)) == 2


def rate_limited_after_the_budget(endpoint: LocalEndpoint, path: str, call: Call) -> None:
    """A 429 that never ends: two retries, then the typed error saying how to lift the limit."""
    endpoint.inject(RateLimitFault(retry_after=0.01, times=9))
    with pytest.raises(errors.RateLimitError) as caught:
        call(endpoint, 2)
    assert "anonymous tier allows 2 requests/min" in str(caught.value)
    assert "AI_ENDPOINT_API_KEY" in str(caught.value)
    assert len(endpoint.requests_to(path)) == 3
    endpoint.clear_faults()


def cut_with_the_text_delivered(error: errors.StreamError, delivered: list[str]) -> None:
    """Some text arrived, not all of it, and the error carries exactly that text."""
    text = "".join(delivered)
    assert text
    assert ANSWER.startswith(text)
    assert text != ANSWER
    assert error.partial_text == text
