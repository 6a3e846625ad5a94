"""ChatOVHResponses and OVHEmbeddings under faults, over real HTTP: every LangChain call style
either gets the whole answer once after retries within the budget, or a typed error LangChain
code can catch, with the text delivered so far. Inputs that show their own problem are refused
before sending; arbitrary histories give a body or that refusal; the rate limiter paces calls."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from fault_checks import ANSWER, Call, CallStyleFaults, cut_with_the_text_delivered
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core import exceptions as lc_errors
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_ovh_responses import (
    ChatOVHResponses,
    OVHAPIError,
    OVHEmbeddings,
    OVHStreamInterruptedError,
)
from langchain_ovh_responses._inputs import messages_to_input
from ovh_responses.errors import RequestRejected
from ovh_responses.request import build_request
from ovh_responses.testing import CutStreamFault, LocalEndpoint

PROMPT = "Hello there"


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny in {city}."


class City(BaseModel):
    name: str
    country: str


def _model(endpoint: LocalEndpoint, **kwargs: Any) -> ChatOVHResponses:
    return ChatOVHResponses(base_url=endpoint.base_url, **{"model": "local-chat", **kwargs})


def _embeddings(endpoint: LocalEndpoint, **kwargs: Any) -> OVHEmbeddings:
    return OVHEmbeddings(model="bge-m3", base_url=endpoint.base_url, **kwargs)


def _streamed(chunks: list[Any]) -> str:
    return "".join(chunk.text for chunk in chunks)


async def _astreamed(model: ChatOVHResponses) -> str:
    return _streamed([chunk async for chunk in model.astream(PROMPT)])


# Each call style, and how its answer is summed up to be compared.
STYLES: dict[str, tuple[str, Call]] = {
    "invoke": ("/v1/responses", lambda ep, r: _model(ep, max_retries=r).invoke(PROMPT).text),
    "ainvoke": (
        "/v1/responses",
        lambda ep, r: asyncio.run(_model(ep, max_retries=r).ainvoke(PROMPT)).text,
    ),
    "stream": (
        "/v1/responses",
        lambda ep, r: _streamed(list(_model(ep, max_retries=r).stream(PROMPT))),
    ),
    "astream": ("/v1/responses", lambda ep, r: asyncio.run(_astreamed(_model(ep, max_retries=r)))),
    "batch": (
        "/v1/responses",
        lambda ep, r: [
            m.text for m in _model(ep, max_retries=r).batch([PROMPT], config={"max_concurrency": 1})
        ],
    ),
    "tools": (
        "/v1/responses",
        lambda ep, r: [
            c["name"]
            for c in _model(ep, max_retries=r)
            .bind_tools([get_weather])
            .invoke("What is the weather in Paris? Use get_weather.")
            .tool_calls
        ],
    ),
    "structured output": (
        "/v1/responses",
        lambda ep, r: (
            _model(ep, max_retries=r).with_structured_output(City).invoke("Describe Paris as JSON.")
        ),
    ),
    "embeddings": (
        "/v1/embeddings",
        lambda ep, r: _embeddings(ep, max_retries=r).embed_documents(["a cat"]),
    ),
    "aembeddings": (
        "/v1/embeddings",
        lambda ep, r: asyncio.run(_embeddings(ep, max_retries=r).aembed_documents(["a cat"])),
    ),
}


class TestEveryCallStyle(CallStyleFaults):
    STYLES = STYLES
    SERVER_ERROR = 503
    NOT_JSON = (OVHAPIError, OVHStreamInterruptedError, lc_errors.ModelAPIError)


def _consume(model: ChatOVHResponses, style: str, delivered: list[str]) -> None:
    async def consume() -> None:
        async for chunk in model.astream(PROMPT):
            delivered.append(chunk.text)

    if style == "astream":
        asyncio.run(consume())
        return
    for chunk in model.stream(PROMPT):
        delivered.append(chunk.text)


@pytest.mark.parametrize("style", ["stream", "astream"])
def test_a_cut_stream_raises_with_the_text_delivered_in_every_stream_style(
    endpoint: LocalEndpoint, style: str
) -> None:
    endpoint.inject(CutStreamFault(after_events=7))
    delivered: list[str] = []
    with pytest.raises(OVHStreamInterruptedError) as caught:
        _consume(_model(endpoint), style, delivered)
    cut_with_the_text_delivered(caught.value, delivered)
    assert len(endpoint.requests_to("/v1/responses")) == 1


# ----- inputs that show their own problem: refused before anything is sent --------------------

PDF = "data:application/pdf;base64,JVBERi0xLjQK"
BAD_INPUTS: dict[str, list[BaseMessage]] = {
    "empty conversation": [],
    "tool result for no call": [HumanMessage("Hi"), ToolMessage("sunny", tool_call_id="call_x")],
    "image that is not an image": [
        HumanMessage(content=[{"type": "image_url", "image_url": {"url": PDF}}])
    ],
    "lone surrogate": [HumanMessage("caf\udce9")],
    "too large": [
        HumanMessage(
            content=[
                {
                    "type": "image_url",
                    "image_url": {"url": "data:image/png;base64," + "A" * 2_100_000},
                }
            ]
        )
    ],
}


@pytest.mark.parametrize("messages", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_refused_before_sending(
    endpoint: LocalEndpoint, messages: list[BaseMessage]
) -> None:
    with pytest.raises(RequestRejected):
        _model(endpoint).invoke(messages)
    assert not endpoint.requests


def test_a_nan_setting_is_refused_before_sending(endpoint: LocalEndpoint) -> None:
    with pytest.raises(RequestRejected, match="NaN"):
        _model(endpoint, model_kwargs={"top_k": float("nan")}).invoke(PROMPT)
    assert not endpoint.requests


# ----- arbitrary histories: a body that JSON carries, or a typed refusal ----------------------

texts = st.text(max_size=20)
call_ids = st.sampled_from(["call_1", "call_2", "call_3"])
messages = st.one_of(
    st.builds(HumanMessage, content=texts),
    st.builds(SystemMessage, content=texts),
    st.builds(
        lambda text, ids: AIMessage(
            content=text,
            tool_calls=[{"name": "get_weather", "args": {"city": text}, "id": i} for i in ids],
        ),
        texts,
        st.lists(call_ids, max_size=2, unique=True),
    ),
    st.builds(lambda text, i: ToolMessage(text, tool_call_id=i), texts, call_ids),
    st.builds(
        lambda text: HumanMessage(
            content=[
                {"type": "text", "text": text},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
            ]
        ),
        texts,
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=st.lists(messages, max_size=6))
def test_any_history_converts_to_a_body_that_round_trips_or_a_typed_refusal(
    history: list[BaseMessage],
) -> None:
    try:
        body = build_request(model="local-vision", input=messages_to_input(history))
    except RequestRejected:
        return
    assert json.loads(json.dumps(body)) == body
    calls = [
        i.get("call_id")
        for i in body["input"]
        if isinstance(i, dict) and i.get("type") == "function_call"
    ]
    outputs = [
        i.get("call_id")
        for i in body["input"]
        if isinstance(i, dict) and i.get("type") == "function_call_output"
    ]
    assert set(outputs) <= set(calls)


# ----- the rate limiter ----------------------------------------------------------------------


class _Counting:
    """A real limiter, counted."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, 0

    def acquire(self, *, blocking: bool = True) -> bool:
        self.calls += 1
        return bool(self.inner.acquire(blocking=blocking))

    async def aacquire(self, *, blocking: bool = True) -> bool:
        self.calls += 1
        return bool(await self.inner.aacquire(blocking=blocking))


def test_embeddings_wait_for_the_limiter_before_each_batch(endpoint: LocalEndpoint) -> None:
    counted = _Counting(InMemoryRateLimiter(requests_per_second=20, check_every_n_seconds=0.01))
    embeddings = _embeddings(endpoint, batch_size=2, rate_limiter=counted)
    started = time.monotonic()
    vectors = embeddings.embed_documents(["a", "b", "c", "d", "e"])
    assert len(vectors) == 5
    assert counted.calls == 3 == len(endpoint.requests_to("/v1/embeddings"))
    assert time.monotonic() - started >= 2 / 20 * 0.9, (
        "at least two intervals between three requests"
    )
    assert asyncio.run(embeddings.aembed_documents(["a", "b", "c"])) == vectors[:3]
    assert counted.calls == 5


def test_a_keyless_app_with_a_limiter_runs_slowly_instead_of_failing(
    endpoint: LocalEndpoint,
) -> None:
    limiter = InMemoryRateLimiter(requests_per_second=10, check_every_n_seconds=0.01)
    model = _model(endpoint, rate_limiter=limiter)
    started = time.monotonic()
    answers = [model.invoke(PROMPT).text for _ in range(3)]
    assert answers == [ANSWER] * 3
    assert time.monotonic() - started >= 0.27, "LangChain's limiter: every request waits 0.1 s"


BLOCK_TYPES = ["text", "image_url", "image", "input_image", "file", "audio", "reasoning", "x"]
blocks = st.fixed_dictionaries(
    {"type": st.sampled_from(BLOCK_TYPES)},
    optional={
        "text": st.text(max_size=8) | st.integers(),
        "image_url": st.sampled_from(["data:image/png;base64,iVBO", "https://x/y.png", ""])
        | st.fixed_dictionaries(
            {"url": st.sampled_from(["data:image/png;base64,iVBO", "ftp://z"])}
        ),
        "url": st.sampled_from(["data:image/png;base64,iVBO", "https://x/y.png"]),
        "base64": st.sampled_from(["iVBO", ""]),
        "data": st.sampled_from(["iVBO", ""]),
        "mime_type": st.sampled_from(["image/png", "application/pdf", ""]),
        "source_type": st.sampled_from(["base64", "url", "id"]),
        "id": st.text(max_size=4),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.lists(blocks | st.text(max_size=6), max_size=4))
def test_any_content_blocks_convert_to_a_body_or_a_typed_refusal(content: list[Any]) -> None:
    try:
        body = build_request(
            model="local-vision", input=messages_to_input([HumanMessage(content=content)])
        )
    except RequestRejected:
        return
    assert json.loads(json.dumps(body)) == body
