"""The connection pools of a ResponsesClient: one async pool per event loop, closed with its
loop and forgotten once the loop is closed; close() / aclose(); caller-owned clients left open."""

from __future__ import annotations

import asyncio
import gc
import weakref

import httpx2
from openai import AsyncOpenAI

from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint


def _client(endpoint: LocalEndpoint, **kwargs: object) -> ResponsesClient:
    return ResponsesClient(base_url=endpoint.base_url, max_retries=0, **kwargs)  # type: ignore[arg-type]


def test_successive_event_loops_leave_at_most_one_live_async_client(
    endpoint: LocalEndpoint,
) -> None:
    client = _client(endpoint)
    made: list[AsyncOpenAI] = []

    async def one_call() -> None:
        await client.acreate(build_request(model="local-chat", input="hi"))
        made.append(client.async_openai_client())

    for _ in range(5):
        asyncio.run(one_call())
    assert len({id(c) for c in made}) == 5  # each loop had its own pool
    assert all(c.is_closed() for c in made)  # ... closed when its loop shut down
    kept = [weakref.ref(c) for c in made]
    made.clear()
    gc.collect()
    assert sum(ref() is not None for ref in kept) <= 1


async def test_close_releases_the_running_loops_async_client(endpoint: LocalEndpoint) -> None:
    client = _client(endpoint)
    await client.acreate(build_request(model="local-chat", input="hi"))
    pool = client.async_openai_client()
    client.close()
    for _ in range(20):  # the pool is closed by a task of this loop
        if pool.is_closed():
            break
        await asyncio.sleep(0)
    assert pool.is_closed()
    assert client.async_openai_client() is not pool
    await client.aclose()


def test_aclose_closes_the_async_client_made_outside_a_loop(endpoint: LocalEndpoint) -> None:
    client = _client(endpoint)
    pool = client.async_openai_client()  # no running loop
    asyncio.run(client.aclose())
    assert pool.is_closed()


def test_caller_supplied_async_http_client_is_left_open(endpoint: LocalEndpoint) -> None:
    async def use_and_close() -> bool:
        async with httpx2.AsyncClient() as http:
            client = _client(endpoint, http_async_client=http)
            await client.acreate(build_request(model="local-chat", input="hi"))
            client.close()
            await client.aclose()
            return http.is_closed

    assert asyncio.run(use_and_close()) is False


def test_garbage_collection_closes_the_sync_pool_made_here(endpoint: LocalEndpoint) -> None:
    client = _client(endpoint)
    client.create(build_request(model="local-chat", input="hi"))
    pool = client.openai_client()
    del client
    gc.collect()
    assert pool.is_closed()


def test_garbage_collection_leaves_a_caller_supplied_http_client_open(
    endpoint: LocalEndpoint,
) -> None:
    with httpx2.Client() as http:
        client = _client(endpoint, http_client=http)
        client.create(build_request(model="local-chat", input="hi"))
        client.close()
        del client
        gc.collect()
        assert not http.is_closed
        assert http.get(endpoint.base_url + "/models").status_code == 200


def test_close_then_use_again_opens_a_new_pool(endpoint: LocalEndpoint) -> None:
    client = _client(endpoint)
    first = client.openai_client()
    client.close()
    assert first.is_closed()
    assert client.create(build_request(model="local-chat", input="hi")).text
    assert client.openai_client() is not first
    client.close()
