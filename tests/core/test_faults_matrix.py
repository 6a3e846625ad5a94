"""The fault matrix of the core client, over real HTTP: every fault the local endpoint can inject,
crossed with every call style (create, acreate, stream, astream) on both routes.

Each cell ends one of two ways: a bounded number of retries, honouring the server's wait, then
the whole answer exactly once; or a typed error that says what happened, carrying the text
delivered so far. Never a short answer returned as success, never more requests than the budget.
The SDK's own backoff between retries is shortened (its constant, not our code) to keep this fast.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from core_calls import (
    ANSWER,
    PROMPT,
    ROUTES,
    STREAMING,
    STYLES,
    Outcome,
    assert_whole_answer_once,
    call,
    sent,
)

from ovh_responses import errors
from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.testing import (
    CutStreamFault,
    DelayFault,
    DropConnectionFault,
    ErrorEventFault,
    FailedResponseFault,
    Fault,
    LocalEndpoint,
    MalformedEventFault,
    NotJsonFault,
    RateLimitFault,
    ResetConnectionFault,
    ServerErrorFault,
    UnfinishedStreamFault,
)

# Where a stream fault strikes: after a few text deltas on either route.
AFTER = {"responses": 7, "chat_completions": 4}
TIMEOUT = 0.2  # the client's timeout in the timeout cells; the injected delays are longer


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    import openai._base_client as sdk

    monkeypatch.setattr(sdk, "INITIAL_RETRY_DELAY", 0.01)


def _client(endpoint: LocalEndpoint, retries: int, fault: Fault | None = None) -> ResponsesClient:
    """A client with a short timeout for the cells that test timeouts, a long one elsewhere."""
    timeout = TIMEOUT if isinstance(fault, DelayFault) else 5.0
    return ResponsesClient(base_url=endpoint.base_url, max_retries=retries, timeout=timeout)


# ----- faults before the answer starts: retried within the budget, then success ----------------

RETRIED: dict[str, Fault] = {
    "429 Retry-After": RateLimitFault(retry_after=0.05),
    "429 RateLimit-Reset": RateLimitFault(retry_after=0.05, header="RateLimit-Reset"),
    "500": ServerErrorFault(status=500),
    "502": ServerErrorFault(status=502, retry_after=0.01),
    "503": ServerErrorFault(status=503, retry_after=0.01),
    "connection reset": ResetConnectionFault(),
    "connection dropped": DropConnectionFault(),
    "timeout before the first byte": DelayFault(seconds=TIMEOUT * 3),
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("fault", RETRIED.values(), ids=RETRIED.keys())
def test_a_fault_before_any_output_is_retried_then_the_whole_answer_arrives_once(
    endpoint: LocalEndpoint, fault: Fault, style: str, route: str
) -> None:
    endpoint.inject(fault)
    out = call(_client(endpoint, retries=1, fault=fault), style, route)
    assert_whole_answer_once(out, style)
    assert sent(endpoint, route) == 2


@pytest.mark.parametrize("style", STYLES)
def test_retry_after_is_honoured(endpoint: LocalEndpoint, style: str) -> None:
    endpoint.inject(RateLimitFault(retry_after=0.15, times=2))
    out = call(_client(endpoint, retries=2), style, "responses")
    assert_whole_answer_once(out, style)
    assert out.seconds >= 0.3, "two waits of 0.15 s, as the server asked"
    assert sent(endpoint, "responses") == 3


# ----- the retry budget spent: a typed error, and no request beyond the budget -----------------

EXHAUSTED: dict[str, tuple[Fault, type[errors.OVHError], str]] = {
    "429": (RateLimitFault(retry_after=0.01, times=9), errors.RateLimitError, "Wait 0.01 s"),
    "429 RateLimit-Reset": (
        RateLimitFault(retry_after=0.01, header="RateLimit-Reset", times=9),
        errors.RateLimitError,
        "Wait 0.01 s",
    ),
    "500": (ServerErrorFault(times=9), errors.ServerError, "retry later"),
    "503": (ServerErrorFault(status=503, times=9), errors.ServerError, "retry later"),
    "reset": (ResetConnectionFault(times=9), errors.APIConnectionError, "127.0.0.1"),
    "timeout": (
        DelayFault(seconds=TIMEOUT * 3, times=9),
        errors.APITimeoutError,
        "raise `timeout`",
    ),
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("fault", "kind", "says"), EXHAUSTED.values(), ids=EXHAUSTED.keys())
def test_when_the_retries_are_spent_a_typed_error_says_what_to_do(
    endpoint: LocalEndpoint,
    fault: Fault,
    kind: type[errors.OVHError],
    says: str,
    style: str,
    route: str,
) -> None:
    endpoint.inject(fault)
    out = call(_client(endpoint, retries=2, fault=fault), style, route)
    assert isinstance(out.error, kind)
    assert says in str(out.error)
    assert out.text is None
    assert not out.streamed
    assert sent(endpoint, route) == 3, "one request and two retries, never more"
    endpoint.clear_faults()


def test_the_rate_limit_wait_is_reported_from_either_header(endpoint: LocalEndpoint) -> None:
    for header in ("Retry-After", "RateLimit-Reset"):
        endpoint.inject(RateLimitFault(retry_after=42, header=header))
        out = call(_client(endpoint, retries=0), "create", "responses")
        assert isinstance(out.error, errors.RateLimitError)
        assert out.error.retry_after == 42


# ----- faults after the answer started: never retried, the partial text travels with the error --

MID_STREAM: dict[str, tuple[type[Fault], type[errors.OVHError]]] = {
    "connection cut": (CutStreamFault, errors.StreamInterruptedError),
    "error event": (ErrorEventFault, errors.StreamError),
    "response.failed": (FailedResponseFault, errors.StreamError),
    "malformed event JSON": (MalformedEventFault, errors.StreamError),
    "no terminal event": (UnfinishedStreamFault, errors.StreamInterruptedError),
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STREAMING)
@pytest.mark.parametrize(("fault", "kind"), MID_STREAM.values(), ids=MID_STREAM.keys())
def test_a_stream_failing_midway_raises_with_the_text_delivered_and_is_not_retried(
    endpoint: LocalEndpoint,
    fault: type[Fault],
    kind: type[errors.StreamError],
    style: str,
    route: str,
) -> None:
    endpoint.inject(fault(after_events=AFTER[route]))  # type: ignore[call-arg]
    out = call(_client(endpoint, retries=2), style, route)
    _assert_partial(out, kind)
    assert sent(endpoint, route) == 1


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STREAMING)
def test_a_timeout_between_deltas_raises_with_the_text_delivered(
    endpoint: LocalEndpoint, style: str, route: str
) -> None:
    delay = DelayFault(seconds=TIMEOUT * 3, after_events=AFTER[route])
    endpoint.inject(delay)
    out = call(_client(endpoint, retries=2, fault=delay), style, route)
    _assert_partial(out, errors.StreamInterruptedError)
    assert "timed out" in str(out.error)
    assert sent(endpoint, route) == 1


def _assert_partial(out: Outcome, kind: type[errors.OVHError]) -> None:
    assert isinstance(out.error, kind), f"expected {kind.__name__}, got {out.error!r}"
    delivered = "".join(out.streamed)
    assert delivered, "the fault struck after some text"
    assert ANSWER.startswith(delivered)
    assert delivered != ANSWER
    assert out.error.partial_text == delivered  # type: ignore[union-attr]
    assert out.text is None, "no Done: a short answer is never returned as complete"


# ----- answers that cannot be read ------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", ["create", "acreate"])
@pytest.mark.parametrize(
    "fault",
    [
        NotJsonFault(),
        NotJsonFault(body='{"id": "resp_1", "output": [', content_type="application/json"),
    ],
    ids=["html page", "JSON cut short"],
)
def test_a_200_whose_body_is_not_json_is_a_typed_error(
    endpoint: LocalEndpoint, fault: Fault, style: str, route: str
) -> None:
    endpoint.inject(fault)
    out = call(_client(endpoint, retries=2), style, route)
    assert type(out.error) is errors.APIError
    assert "not JSON" in str(out.error) or "not valid JSON" in str(out.error)
    assert sent(endpoint, route) == 1


NOT_SSE = {
    "html page": ("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
    "plain JSON": ('{"id": "resp_1", "object": "response", "output": []}', "application/json"),
    "no content type": ("<html><body>Sign in to continue</body></html>", ""),
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STREAMING)
@pytest.mark.parametrize(("body", "content_type"), NOT_SSE.values(), ids=NOT_SSE.keys())
def test_a_200_stream_whose_body_is_not_sse_says_so_and_what_to_check(
    endpoint: LocalEndpoint, body: str, content_type: str, style: str, route: str
) -> None:
    endpoint.inject(NotJsonFault(body=body, content_type=content_type))
    out = call(_client(endpoint, retries=2), style, route)
    assert isinstance(out.error, errors.NotEventStreamError), repr(out.error)
    assert "not an event stream" in str(out.error)
    assert (content_type or "no Content-Type") in str(out.error)
    assert out.error.content_type == content_type
    assert "base_url" in str(out.error)
    assert f"{endpoint.base_url}{ROUTES[route].removeprefix('/v1')}" in str(out.error)
    assert out.error.partial_text == ""
    assert out.text is None
    assert not out.streamed
    assert sent(endpoint, route) == 1, "not retried"


def _recorded_stream(endpoint: LocalEndpoint, route: str) -> str:
    """The raw event stream the endpoint sends for the prompt on ``route``."""
    import httpx2

    body = build_request(model="local-chat", input=PROMPT, stream=True)
    if route == "chat_completions":
        body = {"model": "local-chat", "messages": [{"role": "user", "content": PROMPT}]}
        body |= {"stream": True, "store": False}
    url = f"{endpoint.base_url}{ROUTES[route].removeprefix('/v1')}"
    answer = httpx2.post(url, json=body, timeout=5.0)
    assert answer.headers["content-type"].startswith("text/event-stream")
    endpoint.clear()
    return answer.text


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STREAMING)
def test_an_event_stream_under_another_content_type_is_read_as_usual(
    endpoint: LocalEndpoint, style: str, route: str
) -> None:
    raw = _recorded_stream(endpoint, route)
    endpoint.inject(NotJsonFault(body=raw, content_type="application/octet-stream"))
    out = call(_client(endpoint, retries=0), style, route)
    assert_whole_answer_once(out, style)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", STREAMING)
def test_an_event_stream_cut_before_its_first_event_is_still_an_interruption(
    endpoint: LocalEndpoint, style: str, route: str
) -> None:
    endpoint.inject(CutStreamFault(after_events=0))
    out = call(_client(endpoint, retries=0), style, route)
    assert type(out.error) is errors.StreamInterruptedError, repr(out.error)


@pytest.mark.parametrize("style", ["create", "acreate"])
def test_a_failed_response_without_streaming_is_a_typed_error(
    endpoint: LocalEndpoint, style: str
) -> None:
    endpoint.inject(FailedResponseFault(message="The GPU fell over."))
    out = call(_client(endpoint, retries=0), style, "responses")
    assert isinstance(out.error, errors.APIError)
    assert "The GPU fell over." in str(out.error)


# ----- nobody there ---------------------------------------------------------------------------


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]  # bound, never listening: connections are refused


@pytest.mark.parametrize("style", STYLES)
def test_a_refused_connection_names_the_url_it_tried(closed_port: int, style: str) -> None:
    url = f"http://127.0.0.1:{closed_port}/v1"
    client = ResponsesClient(base_url=url, api_key="sk-" + "x" * 40, max_retries=1)
    out = call(client, style, "responses")
    assert isinstance(out.error, errors.APIConnectionError)
    assert f"{url}/responses" in str(out.error)
    assert "x" * 40 not in str(out.error)
