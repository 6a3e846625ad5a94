"""Fixtures shared by every test: the local endpoint, and the session-wide ``store: false`` check.

Every endpoint a test uses comes from ``endpoint`` (one server for the whole session) or
``make_endpoint`` (extra servers, e.g. one that requires an API key). When the session ends, every
body any of them received on ``/v1/responses`` must carry ``store: false``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ovh_responses.memory import forget
from ovh_responses.testing import LocalEndpoint, ModelSpec

_ENDPOINTS: list[LocalEndpoint] = []
UNKNOWN_MODELS = (
    ModelSpec("acme-no-system", 8192, system_prompt=False),
    ModelSpec("acme-auto-only", 8192, tool_choice_auto_only=True),
    ModelSpec("acme-no-reasoning", 8192),
    ModelSpec("acme-no-stream-structured", 8192, stream_structured=False),
    ModelSpec("acme-chat-only", 8192, routes=frozenset({"chat"})),
    ModelSpec(
        "acme-rejects-parallel", 8192, parallel_tool_calls=False, rejects_parallel_tool_calls=True
    ),
)
_VIOLATIONS: list[str] = []
_CLEAN_ENV = (
    "AI_ENDPOINT_API_KEY",
    "OVH_AI_ENDPOINTS_ACCESS_TOKEN",
    "OVHCLOUD_API_KEY",
    "OVH_AI_ENDPOINTS_BASE_URL",
)


def _check_and_clear(ep: LocalEndpoint, test: str) -> None:
    """Record every /v1/responses body without ``store: false``, then forget the log."""
    for request in ep.requests_to("/v1/responses"):
        body = request.body
        if not isinstance(body, dict) or body.get("store") is not False:
            shown = body.get("store", "<missing>") if isinstance(body, dict) else body
            _VIOLATIONS.append(f"{test}: store={shown!r}")
    ep.clear()


@pytest.fixture(scope="session", autouse=True)
def _every_request_has_store_false() -> Iterator[None]:
    yield
    for ep in _ENDPOINTS:
        _check_and_clear(ep, "session")
    assert not _VIOLATIONS, f"requests sent without store: false: {_VIOLATIONS}"


@pytest.fixture(autouse=True)
def _no_ambient_ovh_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's real key or base URL from the environment."""
    for name in _CLEAN_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def forget_process_memory() -> Iterator[None]:
    """Every test starts and ends with nothing learned, listed or warned about in the process, so
    that no test depends on which ran before it."""
    forget()
    yield
    forget()


@pytest.fixture
def fast_sdk_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The openai SDK's retries wait 10 ms instead of half a second."""
    import openai._base_client as sdk

    monkeypatch.setattr(sdk, "INITIAL_RETRY_DELAY", 0.01)


@pytest.fixture
def unknown(make_endpoint: Callable[..., LocalEndpoint]) -> LocalEndpoint:
    """An endpoint serving models no built-in profile knows, each with one limit: everything is
    sent as asked, and the server's refusals teach the client."""
    return make_endpoint(models=UNKNOWN_MODELS)


@pytest.fixture(scope="session")
def _session_endpoint() -> Iterator[LocalEndpoint]:
    with LocalEndpoint() as ep:
        _ENDPOINTS.append(ep)
        yield ep


@pytest.fixture
def endpoint(
    _session_endpoint: LocalEndpoint, request: pytest.FixtureRequest
) -> Iterator[LocalEndpoint]:
    """The shared local endpoint, its log empty and no fault pending when each test starts."""
    _check_and_clear(_session_endpoint, "before " + request.node.nodeid)
    _session_endpoint.faults.clear()
    yield _session_endpoint
    _check_and_clear(_session_endpoint, request.node.nodeid)
    _session_endpoint.faults.clear()


@pytest.fixture
def make_endpoint() -> Iterator[Callable[..., LocalEndpoint]]:
    """Start extra endpoints (``make_endpoint(api_key="k")``); stopped after the test."""
    started: list[LocalEndpoint] = []

    def make(**kwargs: Any) -> LocalEndpoint:
        ep = LocalEndpoint(**kwargs).start()
        started.append(ep)
        _ENDPOINTS.append(ep)
        return ep

    yield make
    for ep in started:
        ep.stop()
        _check_and_clear(ep, "make_endpoint")
