"""Runnable features people use with a chat model, over HTTP: astream_events, fallbacks and
retries on our typed errors, batch with max_concurrency, a rate limiter, usage totals per model,
and offline token counting for trim_messages."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
from langchain_core import exceptions as lc_errors
from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, trim_messages
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_core.tools import tool

from langchain_ovh_responses import ChatOVHResponses
from langchain_ovh_responses.chat_models import CHARS_PER_TOKEN
from ovh_responses import errors as core_errors
from ovh_responses.testing import LocalEndpoint, RateLimitFault, ServerErrorFault


def _model(endpoint: LocalEndpoint, model: str = "local-chat", **kw: Any) -> ChatOVHResponses:
    return ChatOVHResponses(model=model, base_url=endpoint.base_url, **kw)


async def test_astream_events_v2_streams_the_model(endpoint: LocalEndpoint) -> None:
    events = [e async for e in _model(endpoint).astream_events("Reply with exactly: a b c")]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "on_chat_model_start"
    assert kinds[-1] == "on_chat_model_end"
    streamed = "".join(e["data"]["chunk"].text for e in events if e["event"] == kinds[1])
    assert kinds[1] == "on_chat_model_stream"
    assert streamed == "a b c"
    assert events[-1]["data"]["output"].text == "a b c"
    assert endpoint.last_body["stream"] is True


def test_with_fallbacks_on_a_typed_error(endpoint: LocalEndpoint) -> None:
    endpoint.inject(ServerErrorFault(status=503))
    primary = _model(endpoint, max_retries=0)
    backup = _model(endpoint, "Mistral-Small-3.2-24B-Instruct-2506")
    chain = primary.with_fallbacks([backup], exceptions_to_handle=(core_errors.ServerError,))
    answer = chain.invoke("Reply with exactly: rescued")
    assert answer.text == "rescued"
    assert [b["model"] for b in endpoint.bodies()] == [
        "local-chat",
        "Mistral-Small-3.2-24B-Instruct-2506",
    ]


def test_with_fallbacks_does_not_catch_what_it_was_not_told_to(endpoint: LocalEndpoint) -> None:
    endpoint.inject(RateLimitFault(retry_after=0))
    chain = _model(endpoint, max_retries=0).with_fallbacks(
        [_model(endpoint)], exceptions_to_handle=(core_errors.ServerError,)
    )
    with pytest.raises(lc_errors.ModelRateLimitError):
        chain.invoke("hi")
    assert len(endpoint.bodies()) == 1


def test_with_retry_on_a_typed_error(endpoint: LocalEndpoint) -> None:
    endpoint.inject(RateLimitFault(retry_after=0, times=2))
    chain = _model(endpoint, max_retries=0).with_retry(
        retry_if_exception_type=(core_errors.RateLimitError,),
        wait_exponential_jitter=False,
        stop_after_attempt=3,
    )
    assert chain.invoke("Reply with exactly: third time").text == "third time"
    assert len(endpoint.bodies()) == 3


def test_batch_with_max_concurrency_keeps_the_order(endpoint: LocalEndpoint) -> None:
    words = ["one", "two", "three", "four", "five"]
    answers = _model(endpoint).batch(
        [f"Reply with exactly: {w}" for w in words], config={"max_concurrency": 2}
    )
    assert [a.text for a in answers] == words
    assert len(endpoint.bodies()) == 5


def test_rate_limiter_spaces_the_requests(endpoint: LocalEndpoint) -> None:
    limiter = InMemoryRateLimiter(
        requests_per_second=10, check_every_n_seconds=0.01, max_bucket_size=1
    )
    llm = _model(endpoint, rate_limiter=limiter)
    start = time.monotonic()
    for _ in range(3):
        llm.invoke("hi")
    assert time.monotonic() - start >= 0.2  # three requests at 10 a second, bucket of one
    assert len(endpoint.bodies()) == 3


def test_usage_callback_totals_per_model_streamed_equal_to_not(endpoint: LocalEndpoint) -> None:
    plain, streamed = UsageMetadataCallbackHandler(), UsageMetadataCallbackHandler()
    llm = _model(endpoint)
    llm.invoke("Reply with exactly: four words right here", config={"callbacks": [plain]})
    llm.invoke("Reply with exactly: four words right here", config={"callbacks": [plain]})
    for _ in range(2):
        for _chunk in llm.stream(
            "Reply with exactly: four words right here", config={"callbacks": [streamed]}
        ):
            pass
    assert set(plain.usage_metadata) == {"local-chat"}
    assert plain.usage_metadata == streamed.usage_metadata
    totals = plain.usage_metadata["local-chat"]
    assert totals["output_tokens"] == 2 * 4  # the local model counts words
    assert totals["total_tokens"] == totals["input_tokens"] + totals["output_tokens"]


# ----- token counting, offline --------------------------------------------------------------


def test_get_num_tokens_is_an_offline_estimate(endpoint: LocalEndpoint) -> None:
    llm = _model(endpoint)
    assert llm.get_num_tokens("") == 0
    assert llm.get_num_tokens("abcd") == 1
    assert llm.get_num_tokens("abcde") == 2
    assert llm.get_num_tokens("x" * 400) == 400 / CHARS_PER_TOKEN
    assert endpoint.bodies() == []


def test_message_count_includes_tools_and_a_per_message_overhead(endpoint: LocalEndpoint) -> None:
    @tool
    def lookup(query: str) -> str:
        """Look something up."""
        return query

    llm = _model(endpoint)
    one = [HumanMessage("x" * 40)]
    assert llm.get_num_tokens_from_messages(one) > 40 / CHARS_PER_TOKEN
    assert llm.get_num_tokens_from_messages(one, tools=[lookup]) > (
        llm.get_num_tokens_from_messages(one)
    )
    two = [*one, AIMessage("y" * 40)]
    assert llm.get_num_tokens_from_messages(two) > llm.get_num_tokens_from_messages(one) + 10


def test_count_is_raised_when_the_server_counted_more(endpoint: LocalEndpoint) -> None:
    """Short words: the local model counts one token each, twice the 4-characters estimate;
    the usage it reports raises the estimate, by at most a quarter."""
    llm = _model(endpoint)
    question = HumanMessage("Reply with exactly: " + "a " * 100)
    answer = llm.invoke([question])
    assert answer.usage_metadata is not None
    without_usage = answer.model_copy(update={"usage_metadata": None})
    plain = llm.get_num_tokens_from_messages([question, without_usage])
    assert answer.usage_metadata["total_tokens"] > plain * 1.25
    assert llm.get_num_tokens_from_messages([question, answer]) == math.ceil(plain * 1.25)


def test_trim_messages_with_the_model_as_token_counter(endpoint: LocalEndpoint) -> None:
    llm = _model(endpoint)
    history = [SystemMessage("You are brief.")]
    for i in range(10):
        history += [HumanMessage(f"question {i} " + "x" * 80), AIMessage(f"answer {i} " + "y" * 80)]
    history.append(HumanMessage("last question"))
    trimmed = trim_messages(
        history,
        max_tokens=200,
        token_counter=llm,
        strategy="last",
        include_system=True,
        start_on="human",
    )
    assert trimmed[0] == history[0]
    assert trimmed[-1] == history[-1]
    assert 3 <= len(trimmed) < len(history)
    assert llm.get_num_tokens_from_messages(trimmed) <= 200
    llm.invoke(trimmed)
    assert len(endpoint.bodies()) == 1  # counting sent nothing
