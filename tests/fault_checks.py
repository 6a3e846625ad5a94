"""What the adapters' fault tests share, over real HTTP: the suite every call style of an adapter
passes under faults, and the check of a stream cut with text delivered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import pytest

from ovh_responses import errors
from ovh_responses.testing import (
    Fault,
    LocalEndpoint,
    NotJsonFault,
    RateLimitFault,
    ResetConnectionFault,
    ServerErrorFault,
)

ANSWER = "Hello! How can I help you today?"  # what the local model says to a greeting

Call = Callable[[LocalEndpoint, int], Any]  # (endpoint, max_retries) -> a summary of the answer


@pytest.mark.usefixtures("fast_sdk_retries")
class CallStyleFaults:
    """Every call style of an adapter under faults: the whole answer once after retries within
    the budget, or a typed error. A ``Test...`` subclass in the adapter's tests says what it has:
    ``STYLES`` (name -> the path the call goes to, and the call), ``SERVER_ERROR`` (the 5xx status
    retried) and ``NOT_JSON`` (the errors a 200 that is not JSON may raise)."""

    STYLES: ClassVar[Mapping[str, tuple[str, Call]]]
    SERVER_ERROR: ClassVar[int]
    NOT_JSON: ClassVar[tuple[type[BaseException], ...]]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        metafunc.parametrize("style", list(self.STYLES))
        if "fault" in metafunc.fixturenames:
            faults = {
                str(self.SERVER_ERROR): ServerErrorFault(
                    status=self.SERVER_ERROR, retry_after=0.01
                ),
                "connection reset": ResetConnectionFault(),
                "429": RateLimitFault(retry_after=0.01),
            }
            metafunc.parametrize("fault", faults.values(), ids=faults.keys())

    def test_each_call_style_is_retried_and_gets_the_whole_answer_once(
        self, endpoint: LocalEndpoint, style: str, fault: Fault
    ) -> None:
        """With one retry allowed, the fault costs one more request and the answer is the one a
        clean call gives, delivered once."""
        path, call = self.STYLES[style]
        clean = call(endpoint, 1)
        assert clean, "the call gives an answer"
        endpoint.clear()
        endpoint.inject(fault)
        assert call(endpoint, 1) == clean
        assert len(endpoint.requests_to(path)) == 2

    def test_each_call_style_raises_a_typed_rate_limit_error_when_the_budget_is_spent(
        self, endpoint: LocalEndpoint, style: str
    ) -> None:
        """A 429 that never ends: two retries, then the typed error saying how to lift the
        limit."""
        path, call = self.STYLES[style]
        endpoint.inject(RateLimitFault(retry_after=0.01, times=9))
        with pytest.raises(errors.RateLimitError) as caught:
            call(endpoint, 2)
        assert "anonymous tier allows 2 requests/min" in str(caught.value)
        assert "AI_ENDPOINT_API_KEY" in str(caught.value)
        assert len(endpoint.requests_to(path)) == 3
        endpoint.clear_faults()

    def test_each_call_style_reports_a_200_that_is_not_json(
        self, endpoint: LocalEndpoint, style: str
    ) -> None:
        _, call = self.STYLES[style]
        endpoint.inject(NotJsonFault())
        with pytest.raises(self.NOT_JSON):
            call(endpoint, 2)


def cut_with_the_text_delivered(error: errors.StreamError, delivered: list[str]) -> None:
    """Some text arrived, not all of it, and the error carries exactly that text."""
    text = "".join(delivered)
    assert text
    assert ANSWER.startswith(text)
    assert text != ANSWER
    assert error.partial_text == text
