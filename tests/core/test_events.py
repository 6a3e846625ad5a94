"""The events a tracing listener receives: one per request sent, one per call ended."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ovh_responses import events
from ovh_responses.client import ResponsesClient
from ovh_responses.errors import AuthenticationError
from ovh_responses.events import AnswerEvent, RequestEvent
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint
from ovh_responses.types import Done

Seen = list[RequestEvent | AnswerEvent]


@pytest.fixture
def seen() -> Iterator[Seen]:
    received: Seen = []
    events.add_listener(received.append)
    yield received
    events.remove_listener(received.append)


@pytest.fixture
def client(endpoint: LocalEndpoint) -> Iterator[ResponsesClient]:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    yield client
    client.close()


def test_a_call_is_one_request_then_one_answer(
    endpoint: LocalEndpoint, client: ResponsesClient, seen: Seen
) -> None:
    result = client.create(build_request(model="local-chat", input="hi"))
    request, answer = seen
    assert isinstance(request, RequestEvent)
    assert request.path == "/responses"
    assert request.body == endpoint.last_body  # what went out, as the server received it
    assert isinstance(answer, AnswerEvent)
    assert (answer.model, answer.stream, answer.error) == ("local-chat", False, None)
    assert answer.result is result
    assert answer.seconds > 0


def test_a_stream_is_reported_when_it_ends(client: ResponsesClient, seen: Seen) -> None:
    deltas = list(client.stream(build_request(model="local-chat", input="hi", stream=True)))
    last = deltas[-1]
    assert isinstance(last, Done)
    assert [type(e) for e in seen] == [RequestEvent, AnswerEvent]
    answer = seen[-1]
    assert isinstance(answer, AnswerEvent)
    assert answer.stream
    assert answer.result is last.result


def test_a_stream_left_early_ends_without_a_result(client: ResponsesClient, seen: Seen) -> None:
    stream = client.stream(
        build_request(model="local-chat", input="Tell me about cats and whiskers", stream=True)
    )
    next(stream)
    assert [type(e) for e in seen] == [RequestEvent]
    stream.close()
    answer = seen[-1]
    assert isinstance(answer, AnswerEvent)
    assert (answer.result, answer.error) == (None, None)


def test_a_failure_is_reported_with_its_error_and_no_key(
    make_endpoint: Callable[..., LocalEndpoint], seen: Seen
) -> None:
    ep = make_endpoint(api_key="sk-right")
    client = ResponsesClient(api_key="sk-wrong-key", base_url=ep.base_url, max_retries=0)
    with pytest.raises(AuthenticationError) as raised:
        client.create(build_request(model="local-chat", input="hi"))
    answer = seen[-1]
    assert isinstance(answer, AnswerEvent)
    assert answer.error is raised.value
    assert "sk-wrong-key" not in repr(seen)


async def test_async_calls_are_reported_alike(endpoint: LocalEndpoint, seen: Seen) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    result = await client.acreate(build_request(model="local-chat", input="hi"))
    streamed = [d async for d in client.astream(build_request(model="local-chat", input="hi"))]
    await client.aclose()
    answers = [e for e in seen if isinstance(e, AnswerEvent)]
    assert [a.result for a in answers] == [result, streamed[-1].result]  # type: ignore[union-attr]
    assert [a.stream for a in answers] == [False, True]


def test_each_embedding_batch_is_a_request(client: ResponsesClient, seen: Seen) -> None:
    client.embed("local-embedding", ["a", "b", "c"], batch_size=2)
    requests = [e for e in seen if isinstance(e, RequestEvent)]
    assert [r.body["input"] for r in requests] == [["a", "b"], ["c"]]
    assert [type(e) for e in seen][-1] is AnswerEvent


def test_a_removed_listener_hears_nothing(client: ResponsesClient) -> None:
    heard: Seen = []
    events.add_listener(heard.append)
    events.remove_listener(heard.append)
    client.create(build_request(model="local-chat", input="hi"))
    assert heard == []
