"""What the process remembers (learned limits, listed models, warnings given) and its one reset."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable

import pytest

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import OVHCompatibilityWarning
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.fitting.profiles import CATALOG, DEFAULT_PROFILE
from ovh_responses.memory import WARNED, Warned, forget
from ovh_responses.testing import LocalEndpoint, ModelSpec

pytestmark = pytest.mark.usefixtures("forget_process_memory")


def test_forget_clears_learned_limits_listed_models_and_warnings_given(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[ModelSpec("acme-huge", 1_000_000)])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    client.list_models()
    with pytest.warns(OVHCompatibilityWarning, match="not served on /v1/responses"):
        LEARNED.learn_route(server.base_url, "acme-huge")
    assert LEARNED.refine(server.base_url, "acme-huge", DEFAULT_PROFILE).route == "chat_completions"
    assert CATALOG.cached_profile(server.base_url, "acme-huge").context_window == 1_000_000
    assert not WARNED.first(("route", server.base_url, "acme-huge"))

    forget()

    assert CATALOG.cached_profile(server.base_url, "acme-huge").context_window != 1_000_000
    assert LEARNED.refine(server.base_url, "acme-huge", DEFAULT_PROFILE).route == "responses"
    assert WARNED.first(("route", server.base_url, "acme-huge"))
    client.close()


def test_a_warning_is_given_once_until_forgotten() -> None:
    warned = Warned()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warned.warn_once(("m", "rule"), "first")
        warned.warn_once(("m", "rule"), "again")
        warned.clear()
        warned.warn_once(("m", "rule"), "after clear")
    assert [str(w.message) for w in caught] == ["first", "after clear"]
    assert all(w.category is OVHCompatibilityWarning for w in caught)


def test_one_key_is_first_for_exactly_one_of_many_threads() -> None:
    warned = Warned()
    firsts: list[bool] = []
    start = threading.Barrier(16)

    def race() -> None:
        start.wait()
        firsts.append(warned.first("key"))

    threads = [threading.Thread(target=race) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(firsts) == [False] * 15 + [True]
