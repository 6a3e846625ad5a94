"""LocalEndpoint's /v1/responses protocol, driven by the raw openai SDK and read off the wire."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx2
from openai import AsyncOpenAI, OpenAI
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseIncompleteEvent,
    ResponseStreamEvent,
)
from pydantic import BaseModel, TypeAdapter

from ovh_responses.testing import DelayFault, LocalEndpoint

if TYPE_CHECKING:
    from collections.abc import Callable

EVENT = TypeAdapter(ResponseStreamEvent)
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather in a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    "strict": True,
}


def raw_events(ep: LocalEndpoint, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """POST a streaming body and return the (event name, data) pairs as sent on the wire."""
    pairs: list[tuple[str, dict[str, Any]]] = []
    with (
        httpx2.Client(timeout=10) as http,
        http.stream("POST", f"{ep.base_url}/responses", json={**body, "stream": True}) as resp,
    ):
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        assert resp.headers["transfer-encoding"] == "chunked"
        text = "".join(resp.iter_text())
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        pairs.append((lines["event"], json.loads(lines["data"])))
    return pairs


def test_plain_create_validates_and_follows_vllm_conventions(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-chat", input="What is the capital of France?", store=False
    )
    body = response.model_dump(mode="json", exclude_unset=True)
    Response.model_validate(body)
    assert response.id.startswith("resp_")
    assert len(response.id) == len("resp_") + 16
    assert response.status == "completed"
    assert response.model == "local-chat"
    [message] = response.output
    assert message.type == "message"
    assert message.id.startswith("msg_")
    assert "capital" in response.output_text
    assert "france" in response.output_text.lower()
    usage = response.usage
    assert usage is not None
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert usage.output_tokens == len(response.output_text.split())
    assert usage.input_tokens_details.cached_tokens == 0
    assert usage.output_tokens_details.reasoning_tokens == 0


def test_json_body_on_the_wire_validates(endpoint: LocalEndpoint) -> None:
    body = {"model": "local-reasoning", "input": "hello", "store": False}
    reply = httpx2.post(f"{endpoint.base_url}/responses", json=body, timeout=10)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert int(reply.headers["content-length"]) == len(reply.content)
    response = Response.model_validate(reply.json())
    assert [item.type for item in response.output] == ["reasoning", "message"]


def test_temperature_and_top_p_are_echoed(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-chat", input="hello", temperature=0.3, top_p=0.9, store=False
    )
    assert response.temperature == 0.3
    assert response.top_p == 0.9


def test_every_streamed_event_validates_in_openai_order(endpoint: LocalEndpoint) -> None:
    pairs = raw_events(endpoint, {"model": "local-chat", "input": "hello", "store": False})
    events = [EVENT.validate_python(data) for _, data in pairs]
    assert [name for name, _ in pairs] == [e.type for e in events]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    kinds = [e.type for e in events]
    assert kinds[:6] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    final = events[-1]
    assert isinstance(final, ResponseCompletedEvent)
    assert final.response.output_text == deltas
    assert final.response.usage is not None


def test_streamed_function_call_events(endpoint: LocalEndpoint) -> None:
    body = {
        "model": "local-chat",
        "input": "What is the weather in Lyon?",
        "tools": [WEATHER_TOOL],
        "store": False,
    }
    events = [EVENT.validate_python(d) for _, d in raw_events(endpoint, body)]
    kinds = [e.type for e in events]
    assert "response.function_call_arguments.delta" in kinds
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    args = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    assert done.arguments == args
    assert json.loads(args) == {"city": "Lyon"}
    added = next(e for e in events if e.type == "response.output_item.added")
    assert added.item.type == "function_call"
    assert added.item.status == "in_progress"
    assert added.item.call_id.startswith("chatcmpl-tool-")


def test_sdk_stream_and_stream_helper_give_the_same_text(sdk: OpenAI) -> None:
    stream = sdk.responses.create(
        model="local-chat", input="Reply with exactly: all good", stream=True, store=False
    )
    streamed = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
    with sdk.responses.stream(
        model="local-chat", input="Reply with exactly: all good", store=False
    ) as helper:
        for _ in helper:
            pass
        final = helper.get_final_response()
    assert streamed == final.output_text == "all good"


class City(BaseModel):
    name: str
    population: int
    country: str


def test_parse_with_text_format_returns_a_model_filled_from_the_prompt(sdk: OpenAI) -> None:
    parsed = sdk.responses.parse(
        model="local-chat",
        input="The city 'Lyon' in France has a population of 522000.",
        text_format=City,
        store=False,
    )
    city = parsed.output_parsed
    assert isinstance(city, City)
    assert city.name == "Lyon"
    assert city.population == 522000
    assert city.country == "France"


def test_reasoning_model_emits_reasoning_before_the_answer(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-reasoning",
        input="Why is the sky blue?",
        reasoning={"effort": "high"},
        store=False,
    )
    reasoning, message = response.output
    assert reasoning.type == "reasoning"
    assert reasoning.content
    text = reasoning.content[0].text
    assert "sky blue" in text
    assert message.type == "message"
    assert response.usage is not None
    assert response.usage.output_tokens_details.reasoning_tokens == len(text.split())


def test_reasoning_effort_changes_the_amount_of_reasoning(sdk: OpenAI) -> None:
    def reasoning_tokens(effort: Any) -> int:
        response = sdk.responses.create(
            model="local-reasoning", input="hello", reasoning={"effort": effort}, store=False
        )
        assert response.usage is not None
        return response.usage.output_tokens_details.reasoning_tokens

    assert reasoning_tokens("low") < reasoning_tokens("medium") < reasoning_tokens("high")


def test_streamed_reasoning_events(endpoint: LocalEndpoint) -> None:
    body = {"model": "gpt-oss-120b", "input": "hello", "store": False}
    events = [EVENT.validate_python(d) for _, d in raw_events(endpoint, body)]
    kinds = [e.type for e in events]
    first_reasoning = kinds.index("response.reasoning_text.delta")
    assert kinds.index("response.reasoning_text.done") < kinds.index("response.output_text.delta")
    assert first_reasoning < kinds.index("response.output_text.delta")


def test_max_output_tokens_ends_incomplete_in_json(sdk: OpenAI) -> None:
    response = sdk.responses.create(
        model="local-chat",
        input="Tell me about the history of the Roman empire and its emperors",
        max_output_tokens=3,
        store=False,
    )
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    assert len(response.output_text.split()) == 3
    assert response.usage is not None
    assert response.usage.output_tokens == 3


def _last_event_of_two_tokens(sdk: OpenAI, prompt: str) -> object:
    """The last event of a stream allowed two output tokens."""
    stream = sdk.responses.create(
        model="local-chat", input=prompt, max_output_tokens=2, stream=True, store=False
    )
    return list(stream)[-1]


def test_max_output_tokens_ends_stream_with_completed_incomplete_vllm_way(sdk: OpenAI) -> None:
    last = _last_event_of_two_tokens(sdk, "Tell me about the history of the Roman empire")
    assert isinstance(last, ResponseCompletedEvent)
    assert last.response.status == "incomplete"
    assert last.response.incomplete_details is not None
    assert last.response.incomplete_details.reason == "max_output_tokens"


def test_openai_truncation_style_ends_with_response_incomplete(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    ep = make_endpoint(truncation_style="openai")
    sdk = OpenAI(base_url=ep.base_url, api_key="k", max_retries=0)
    last = _last_event_of_two_tokens(sdk, "Tell me a story")
    assert isinstance(last, ResponseIncompleteEvent)
    item = last.response.output[0]
    assert item.type == "message"
    assert item.status == "incomplete"


async def test_async_create_and_stream(endpoint: LocalEndpoint) -> None:
    sdk = AsyncOpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0)
    response = await sdk.responses.create(model="local-chat", input="Say 'bonjour'", store=False)
    assert response.output_text == "bonjour"
    stream = await sdk.responses.create(
        model="local-chat", input="Say 'bonjour'", stream=True, store=False
    )
    events = [event async for event in stream]
    assert isinstance(events[-1], ResponseCompletedEvent)
    assert events[-1].response.output_text == "bonjour"
    async with sdk.responses.stream(model="local-chat", input="Say 'salut'", store=False) as helper:
        final = await helper.get_final_response()
    assert final.output_text == "salut"
    await sdk.close()


def test_sse_is_read_incrementally(endpoint: LocalEndpoint) -> None:
    """Events sent before a long pause reach the SDK at once: the client's read timeout is shorter
    than the pause, so a client that waited for the whole body would fail."""
    endpoint.inject(DelayFault(seconds=5, after_events=4))
    sdk = OpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0, timeout=2)
    stream = sdk.responses.create(
        model="local-chat", input="Tell me about whales", stream=True, store=False
    )
    events = iter(stream)
    kinds = [next(events).type for _ in range(4)]
    stream.close()
    assert kinds == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
