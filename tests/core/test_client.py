"""ResponsesClient over real HTTP against the local endpoint."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import httpx2
import pytest

from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.testing import CutStreamFault, LocalEndpoint, ServerErrorFault
from ovh_responses.types import Delta, Done, TextDelta

PROMPT = "Tell me about cats and their whiskers"


def text_of(deltas: list[Delta]) -> str:
    return "".join(d.text for d in deltas if isinstance(d, TextDelta))


# ----- authentication and headers ----------------------------------------------------------------


def test_anonymous_tier_sends_no_authorization_header(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    assert client.anonymous
    client.create(build_request(model="local-chat", input="hi"))
    list(client.stream(build_request(model="local-chat", input="hi", stream=True)))
    client.embed("local-embedding", ["hi"])
    client.list_models()
    sent = endpoint.requests[-4:]
    assert [r.path for r in sent] == [
        "/v1/responses",
        "/v1/responses",
        "/v1/embeddings",
        "/v1/models",
    ]
    assert not any("authorization" in r.headers for r in sent)


async def test_anonymous_tier_async(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    await client.acreate(build_request(model="local-chat", input="hi"))
    assert "authorization" not in endpoint.last_request.headers


def test_key_is_sent_as_bearer(make_endpoint: Callable[..., LocalEndpoint]) -> None:
    ep = make_endpoint(api_key="sk-right")
    client = ResponsesClient(api_key="sk-right", base_url=ep.base_url, max_retries=0)
    result = client.create(build_request(model="local-chat", input="hi"))
    assert result.text
    assert ep.last_request.headers["authorization"].startswith("Bearer ")


def test_key_from_environment(
    make_endpoint: Callable[..., LocalEndpoint], monkeypatch: pytest.MonkeyPatch
) -> None:
    ep = make_endpoint(api_key="sk-env")
    monkeypatch.setenv("OVH_AI_ENDPOINTS_ACCESS_TOKEN", "sk-env")
    monkeypatch.setenv("OVH_AI_ENDPOINTS_BASE_URL", ep.base_url)
    client = ResponsesClient(max_retries=0)
    assert client.base_url == ep.base_url
    assert client.embed("local-embedding", ["a"])
    assert ep.last_request.had_api_key


def test_user_agent_and_default_headers(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(
        base_url=endpoint.base_url, default_headers={"X-Team": "search"}, max_retries=0
    )
    client.create(build_request(model="local-chat", input="hi"))
    headers = endpoint.last_request.headers
    assert headers["user-agent"].startswith("ovh-responses/")
    assert headers["x-team"] == "search"


def test_openai_account_variables_do_not_leak(
    endpoint: LocalEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-private")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-private")
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    client.create(build_request(model="local-chat", input="hi"))
    headers = endpoint.last_request.headers
    assert "openai-organization" not in headers
    assert "openai-project" not in headers


def test_repr_hides_the_key() -> None:
    client = ResponsesClient(api_key="sk-do-not-print", base_url="http://127.0.0.1:9/v1")
    assert "sk-do-not-print" not in repr(client)
    assert "sk-do-not-print" not in str(client)
    assert client.api_key is not None
    assert client.api_key.get_secret_value() == "sk-do-not-print"


# ----- client reuse ----------------------------------------------------------------------------


def test_openai_clients_are_made_once(client: ResponsesClient) -> None:
    assert client.openai_client() is client.openai_client()


async def test_async_client_is_made_once_per_event_loop(client: ResponsesClient) -> None:
    first = client.async_openai_client()
    await client.acreate(build_request(model="local-chat", input="hi"))
    assert client.async_openai_client() is first


def test_one_client_serves_successive_event_loops(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    async def one_call() -> str:
        result = await client.acreate(build_request(model="local-chat", input="hi"))
        deltas = [d async for d in client.astream(build_request(model="local-chat", input="hi"))]
        await client.aclose()
        return result.text + text_of(deltas)

    assert asyncio.run(one_call()) == asyncio.run(one_call())
    assert len(endpoint.requests) == 4


def test_sync_client_is_made_once_across_threads(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=endpoint.base_url)
    made: list[object] = []
    barrier = threading.Barrier(8)

    def grab() -> None:
        barrier.wait()
        made.append(client.openai_client())

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in made}) == 1


def test_caller_supplied_http_clients_are_used(endpoint: LocalEndpoint) -> None:
    seen: list[httpx2.Request] = []
    http = httpx2.Client(event_hooks={"request": [seen.append]})
    client = ResponsesClient(base_url=endpoint.base_url, http_client=http, max_retries=0)
    client.create(build_request(model="local-chat", input="hi"))
    assert [str(r.url) for r in seen] == [f"{endpoint.base_url}/responses"]
    client.close()
    assert not http.is_closed  # the caller owns it
    http.close()


async def test_caller_supplied_async_http_client_is_used(endpoint: LocalEndpoint) -> None:
    seen: list[httpx2.Request] = []

    async def record(request: httpx2.Request) -> None:
        seen.append(request)

    async with httpx2.AsyncClient(event_hooks={"request": [record]}) as http:
        client = ResponsesClient(base_url=endpoint.base_url, http_async_client=http)
        await client.acreate(build_request(model="local-chat", input="hi"))
        assert len(seen) == 1


# ----- /v1/responses -----------------------------------------------------------------------------


def test_create_and_stream_agree(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    result = client.create(build_request(model="local-chat", input=PROMPT))
    deltas = list(client.stream(build_request(model="local-chat", input=PROMPT, stream=True)))
    assert result.text
    assert result.status == "completed"
    assert isinstance(deltas[-1], Done)
    assert sum(isinstance(d, Done) for d in deltas) == 1
    assert text_of(deltas) == result.text == deltas[-1].result.text
    bodies = endpoint.bodies()[-2:]
    assert [b.get("stream") for b in bodies] == [False, True]
    assert all(b["store"] is False for b in bodies)


async def test_acreate_and_astream_agree(client: ResponsesClient) -> None:
    result = await client.acreate(build_request(model="local-chat", input=PROMPT))
    deltas = [d async for d in client.astream(build_request(model="local-chat", input=PROMPT))]
    assert isinstance(deltas[-1], Done)
    assert text_of(deltas) == result.text == deltas[-1].result.text


def test_unknown_parameters_reach_the_wire(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    client.create(build_request(model="local-chat", input="hi", extra={"top_k": 4}))
    assert endpoint.last_body["top_k"] == 4


def test_the_built_body_is_what_goes_out(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    """The body is sent as built, not reshaped by the SDK: every key and value arrives."""
    body = build_request(
        model="local-chat",
        input=[
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
        ],
        instructions="Be brief.",
        extra={"top_k": 4},
    )
    client.create(body)
    assert endpoint.last_body == {**body, "stream": False}
    list(client.stream({**body, "stream": True}))  # type: ignore[typeddict-item]
    assert endpoint.last_body == {**body, "stream": True}


def test_an_answer_that_is_not_a_json_object_is_a_typed_error() -> None:
    """A base URL pointing at something else than the API answers 200 with other JSON."""
    from ovh_responses.errors import APIError

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=["not", "a", "response"])

    http = httpx2.Client(transport=httpx2.MockTransport(answer))
    client = ResponsesClient(base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=0)
    with pytest.raises(APIError, match="base URL"):
        client.create(build_request(model="local-chat", input="hi"))


def test_leaving_a_stream_early_closes_the_response(endpoint: LocalEndpoint) -> None:
    responses: list[httpx2.Response] = []
    http = httpx2.Client(event_hooks={"response": [responses.append]})
    client = ResponsesClient(base_url=endpoint.base_url, http_client=http, max_retries=0)
    stream = client.stream(build_request(model="local-chat", input=PROMPT, stream=True))
    first = next(stream)
    assert not isinstance(first, Done)
    assert not responses[-1].is_closed
    stream.close()
    assert responses[-1].is_closed
    assert client.create(build_request(model="local-chat", input="hi")).text
    http.close()


async def test_leaving_an_async_stream_early_closes_the_response(endpoint: LocalEndpoint) -> None:
    responses: list[httpx2.Response] = []

    async def record(response: httpx2.Response) -> None:
        responses.append(response)

    async with httpx2.AsyncClient(event_hooks={"response": [record]}) as http:
        client = ResponsesClient(base_url=endpoint.base_url, http_async_client=http)
        stream = client.astream(build_request(model="local-chat", input=PROMPT, stream=True))
        async for _ in stream:
            break
        await stream.aclose()
        assert responses[-1].is_closed


def test_request_is_retried_before_any_output(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=1)
    before = len(endpoint.requests)
    endpoint.inject(ServerErrorFault(status=503, times=1, path="/v1/responses"))
    deltas = list(client.stream(build_request(model="local-chat", input=PROMPT, stream=True)))
    assert isinstance(deltas[-1], Done)
    assert len(endpoint.requests) - before == 2


def test_stream_is_never_retried_once_output_started(endpoint: LocalEndpoint) -> None:
    from ovh_responses.errors import StreamInterruptedError

    client = ResponsesClient(base_url=endpoint.base_url, max_retries=2)
    before = len(endpoint.requests)
    endpoint.inject(CutStreamFault(after_events=6))
    with pytest.raises(StreamInterruptedError):
        list(client.stream(build_request(model="local-chat", input=PROMPT, stream=True)))
    assert len(endpoint.requests) - before == 1


# ----- /v1/embeddings and /v1/models -------------------------------------------------------------


def test_embed_keeps_order_across_batches(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    texts = ["cats purr", "dogs bark", "fish swim", "birds sing", "cats and dogs"]
    one_by_one = [client.embed("local-embedding", [t])[0] for t in texts]
    before = len(endpoint.requests)
    batched = client.embed("local-embedding", texts, batch_size=2)
    sent = endpoint.requests[before:]
    assert [len(r.body["input"]) for r in sent] == [2, 2, 1]
    assert all(r.body["encoding_format"] == "float" for r in sent)
    assert batched == one_by_one
    assert all(isinstance(x, float) for x in batched[0])
    assert batched[0] != batched[1]


async def test_aembed_matches_embed(client: ResponsesClient) -> None:
    texts = ["cats purr", "dogs bark", "fish swim"]
    assert await client.aembed("local-embedding", texts, batch_size=2) == client.embed(
        "local-embedding", texts
    )


def test_embed_nothing_sends_nothing(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    before = len(endpoint.requests)
    assert client.embed("local-embedding", []) == []
    assert len(endpoint.requests) == before


def test_list_models_gives_ids_and_context_length(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    listed = {m.id: m.context_window for m in client.list_models()}
    assert listed == {spec.id: spec.context for spec in endpoint.models}
    assert listed["local-small-context"] == 128


async def test_alist_models(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    models = await client.alist_models()
    assert [m.id for m in models] == [m.id for m in client.list_models()]
