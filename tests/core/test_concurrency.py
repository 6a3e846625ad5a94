"""Cancellation and concurrency, over real HTTP.

Leaving a stream (a cancelled task, a ``break``, a ``KeyboardInterrupt``) closes its connection
at once and the next call works. One model shared by 16 threads, or by 200 async tasks, gives
every caller its own correct answer with one connection pool per event loop and no growth of
threads or file descriptors between rounds; the process-wide memory of learned limits stays
consistent under threads.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from langchain_ovh_responses import ChatOVHResponses
from llama_index_ovh_responses import OVHResponses
from ovh_responses.client import ResponsesClient
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint, ModelSpec
from ovh_responses.testing.brain.answers import default_reply


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _wait_for(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def slow(make_endpoint: Callable[..., LocalEndpoint]) -> LocalEndpoint:
    """An endpoint that pauses between stream events, so that a stream is still going when the
    caller leaves it."""
    return make_endpoint(stream_delay=0.05)


PROMPT = "Tell me a long story about lighthouses"


# ----- cancellation -----------------------------------------------------------------------------


def test_breaking_out_of_a_stream_closes_the_connection_at_once(slow: LocalEndpoint) -> None:
    model = ChatOVHResponses(model="local-chat", base_url=slow.base_url)
    for _ in model.stream(PROMPT):
        break
    assert _wait_for(lambda: slow.client_disconnects == 1), "the server saw the client leave"
    assert model.invoke("Hello").text == default_reply("Hello")


def test_a_keyboard_interrupt_mid_stream_closes_the_connection(slow: LocalEndpoint) -> None:
    model = ChatOVHResponses(model="local-chat", base_url=slow.base_url)
    stream = model.stream(PROMPT)

    def consume() -> None:
        for _ in stream:
            raise KeyboardInterrupt  # what Ctrl+C raises in the consuming loop

    with pytest.raises(KeyboardInterrupt):
        consume()
    stream.close()  # what the interpreter does to an abandoned generator
    assert _wait_for(lambda: slow.client_disconnects == 1)
    assert model.invoke("Hello").text == default_reply("Hello")


@pytest.mark.parametrize("adapter", ["core", "langchain", "llama_index"])
def test_cancelling_an_async_task_mid_stream_closes_the_connection(
    slow: LocalEndpoint, adapter: str
) -> None:
    started = asyncio.Event()

    async def consume(stream: Any) -> None:
        async for _ in stream:
            started.set()

    async def scenario() -> str:
        stream, answer = _astream_and_answer(slow, adapter)
        task = asyncio.create_task(consume(await stream if asyncio.iscoroutine(stream) else stream))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await answer()

    assert asyncio.run(scenario()) == default_reply("Hello")
    assert _wait_for(lambda: slow.client_disconnects == 1)


def _astream_and_answer(ep: LocalEndpoint, adapter: str) -> tuple[Any, Callable[[], Any]]:
    if adapter == "langchain":
        chat = ChatOVHResponses(model="local-chat", base_url=ep.base_url)

        async def lc_answer() -> str:
            return (await chat.ainvoke("Hello")).text

        return chat.astream(PROMPT), lc_answer
    if adapter == "llama_index":
        llm = OVHResponses("local-chat", api_base=ep.base_url)

        async def li_answer() -> str:
            return (await llm.acomplete("Hello")).text

        return llm.astream_complete(PROMPT), li_answer
    client = ResponsesClient(base_url=ep.base_url)

    async def core_answer() -> str:
        return (await client.acreate(build_request(model="local-chat", input="Hello"))).text

    return client.astream(build_request(model="local-chat", input=PROMPT, stream=True)), core_answer


# ----- concurrency ------------------------------------------------------------------------------

QUESTIONS = [f"Tell me about {animal}" for animal in ("cats", "dogs", "owls", "bees")] * 4


def _client_threads() -> int:
    """The threads of this process but the local endpoint's (it serves each connection on a
    thread of its own, which the server, not the client, keeps or ends)."""
    return sum("process_request_thread" not in t.name for t in threading.enumerate())


def test_one_model_shared_by_16_threads(endpoint: LocalEndpoint) -> None:
    model = ChatOVHResponses(model="local-chat", base_url=endpoint.base_url)
    expected = [default_reply(q) for q in QUESTIONS]
    model.invoke("Hello")  # the pool exists before the first count
    counts: list[tuple[int, int]] = []
    with ThreadPoolExecutor(max_workers=16) as pool:
        for _ in range(4):
            answers = list(pool.map(lambda q: model.invoke(q).text, QUESTIONS))
            assert answers == expected
            streamed = list(pool.map(lambda q: "".join(c.text for c in model.stream(q)), QUESTIONS))
            assert streamed == expected
            counts.append((_client_threads(), _open_fds()))
    # The first round may still open connections: growth is measured from the second round on.
    assert counts[-1][0] <= counts[1][0], f"no thread growth: {counts}"
    assert counts[-1][1] <= counts[1][1] + 2, f"no descriptor growth: {counts}"


def test_one_model_shared_by_200_async_tasks(endpoint: LocalEndpoint) -> None:
    model = ChatOVHResponses(model="local-chat", base_url=endpoint.base_url)
    questions = [f"Tell me about item{i}" for i in range(200)]
    expected = [default_reply(q) for q in questions]

    async def one_round() -> set[int]:
        pools: set[int] = set()

        async def ask(question: str) -> str:
            pools.add(id(model._client.async_openai_client()))
            return (await model.ainvoke(question)).text

        assert await asyncio.gather(*(ask(q) for q in questions)) == expected
        return pools

    fds: list[int] = []
    for _ in range(3):
        assert len(asyncio.run(one_round())) == 1, "one connection pool for the event loop"
        fds.append(_open_fds())
    assert fds[-1] <= fds[0] + 2, f"no descriptor growth between rounds: {fds}"


# ----- the process-wide memory of learned limits -------------------------------------------------


WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@pytest.mark.usefixtures("forget_process_memory")
def test_learning_a_refused_parameter_from_16_threads_at_once(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    """16 threads send a parameter the model refuses: each gets its answer, the parameter is
    learned once, no thread sends it more than once, and later requests go without it."""
    ep = make_endpoint(models=[ModelSpec("acme-picky", 8192, rejects_parallel_tool_calls=True)])
    client = ResponsesClient(base_url=ep.base_url, max_retries=0)
    body = build_request(
        model="acme-picky",
        input="What is the weather in Paris? Use get_weather.",
        tools=[WEATHER],  # type: ignore[list-item]
        parallel_tool_calls=True,
    )
    with pytest.warns(UserWarning, match="parallel"), ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: client.create(body), range(16)))
    assert all(r.function_calls[0].name == "get_weather" for r in results)
    assert LEARNED.learned(ep.base_url, "acme-picky") == {"parallel_tool_calls"}
    sent = ep.requests_to("/v1/responses")
    refused = [r for r in sent if r.body.get("parallel_tool_calls") is True]
    assert len(refused) <= 16
    assert len(sent) == 16 + len(refused)
    ep.clear()
    client.create(body)
    assert "parallel_tool_calls" not in ep.requests_to("/v1/responses")[0].body
