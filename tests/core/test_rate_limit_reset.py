"""A 429 or 503 whose wait is given only as ``RateLimit-Reset`` is retried after that wait, as
a ``Retry-After`` is, over real HTTP with the local endpoint, in every core call style on both
routes. The SDK's own backoff is shortened (its constant, not our code), so a retry that waits
the server's time can only come from reading the header.

Waits are measured loosely: at least the wait asked for, less a small margin.
"""

from __future__ import annotations

import time

import httpx2
import pytest
from core_calls import ROUTES, STYLES, assert_whole_answer_once, call, sent

from ovh_responses import errors
from ovh_responses.client import ResponsesClient
from ovh_responses.testing import LocalEndpoint, RateLimitFault, ServerErrorFault

RESET = 0.5  # seconds the server asks to wait
MARGIN = 0.05


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    import openai._base_client as sdk

    monkeypatch.setattr(sdk, "INITIAL_RETRY_DELAY", 0.01)
    monkeypatch.setattr(sdk, "MAX_RETRY_DELAY", 0.02)


def _client(endpoint: LocalEndpoint, retries: int, **kwargs: object) -> ResponsesClient:
    return ResponsesClient(base_url=endpoint.base_url, max_retries=retries, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STYLES)
def test_a_429_with_only_ratelimit_reset_is_retried_after_that_wait(
    endpoint: LocalEndpoint, style: str, route: str
) -> None:
    endpoint.inject(RateLimitFault(retry_after=RESET, header="RateLimit-Reset"))
    out = call(_client(endpoint, retries=2), style, route)
    assert_whole_answer_once(out, style)
    assert out.seconds >= RESET - MARGIN, "the retry waited as long as the server asked"
    assert sent(endpoint, route) == 2


@pytest.mark.parametrize("style", ["create", "acreate"])
def test_a_503_with_only_ratelimit_reset_is_retried_after_that_wait(
    endpoint: LocalEndpoint, style: str
) -> None:
    endpoint.inject(ServerErrorFault(status=503, retry_after=RESET, header="RateLimit-Reset"))
    out = call(_client(endpoint, retries=2), style, "responses")
    assert_whole_answer_once(out, style)
    assert out.seconds >= RESET - MARGIN
    assert sent(endpoint, "responses") == 2


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", ["create", "astream"])
def test_after_the_budget_the_error_says_the_wait_the_header_gave(
    endpoint: LocalEndpoint, style: str, route: str
) -> None:
    endpoint.inject(RateLimitFault(retry_after=0.2, header="RateLimit-Reset", times=9))
    out = call(_client(endpoint, retries=2), style, route)
    assert isinstance(out.error, errors.RateLimitError)
    assert out.error.retry_after == pytest.approx(0.2)
    assert "Wait 0.2 s before retrying" in str(out.error)
    assert out.seconds >= 2 * 0.2 - MARGIN, "both retries waited"
    assert sent(endpoint, route) == 3, "one request and two retries, never more"
    endpoint.clear_faults()


@pytest.mark.parametrize("header", ["Retry-After", "RateLimit-Reset"])
def test_a_wait_over_the_sdk_cap_is_not_waited_for_whichever_header_says_it(
    endpoint: LocalEndpoint, header: str
) -> None:
    endpoint.inject(RateLimitFault(retry_after=600, header=header, times=9))
    out = call(_client(endpoint, retries=2), "create", "responses")
    assert isinstance(out.error, errors.RateLimitError)
    assert out.error.retry_after == 600
    assert "Wait 600 s" in str(out.error)
    assert out.seconds < 5, "ten minutes are not waited for in a call"
    assert sent(endpoint, "responses") == 1
    endpoint.clear_faults()


@pytest.mark.parametrize("style", ["create", "astream"])
def test_a_ratelimit_reset_sent_as_a_unix_time_is_the_wait_until_then(
    endpoint: LocalEndpoint, style: str
) -> None:
    endpoint.inject(RateLimitFault(retry_after=time.time() + RESET + 0.2, header="RateLimit-Reset"))
    out = call(_client(endpoint, retries=2), style, "responses")
    assert_whole_answer_once(out, style)
    assert out.seconds >= RESET - MARGIN
    assert sent(endpoint, "responses") == 2


def test_a_caller_supplied_http_client_is_left_as_given(endpoint: LocalEndpoint) -> None:
    endpoint.inject(RateLimitFault(retry_after=RESET, header="RateLimit-Reset"))
    with httpx2.Client() as http:
        out = call(_client(endpoint, retries=1, http_client=http), "create", "responses")
        assert http.event_hooks == {"request": [], "response": []}
    assert_whole_answer_once(out, "create")
    assert out.seconds < RESET, "the SDK's own backoff, not the server's wait"
    assert sent(endpoint, "responses") == 2
