"""OVHResponses and OVHEmbedding under faults, over real HTTP: every LlamaIndex call style either
gets the whole answer once after retries within the budget, or a typed error with the text
delivered so far. Inputs that show their own problem are refused before sending; arbitrary
histories give a body or that refusal; the rate limiter paces calls."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fault_checks import ANSWER, Call, CallStyleFaults, cut_with_the_text_delivered
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llama_index.core.base.llms.types import ChatMessage, ImageBlock, MessageRole, TextBlock
from llama_index.core.prompts import PromptTemplate
from llama_index.core.rate_limiter import BaseRateLimiter, TokenBucketRateLimiter
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from llama_index_ovh_responses import OVHEmbedding, OVHResponses
from llama_index_ovh_responses._inputs import to_input_items
from ovh_responses import errors
from ovh_responses.request import build_request
from ovh_responses.testing import CutStreamFault, LocalEndpoint

PROMPT = "Hello there"
CHAT = [ChatMessage(role="user", content=PROMPT)]


def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny in {city}."


class City(BaseModel):
    name: str
    country: str


def _llm(endpoint: LocalEndpoint, retries: int, **kwargs: Any) -> OVHResponses:
    return OVHResponses(
        "Mistral-Small-3.2-24B-Instruct-2506",
        api_base=endpoint.base_url,
        max_retries=retries,
        **kwargs,
    )


def _embedding(endpoint: LocalEndpoint, retries: int, **kwargs: Any) -> OVHEmbedding:
    return OVHEmbedding("bge-m3", api_base=endpoint.base_url, max_retries=retries, **kwargs)


async def _astream(llm: OVHResponses, delivered: list[str]) -> str:
    last = ""
    async for part in await llm.astream_chat(CHAT):
        delivered.append(part.delta or "")
        last = part.message.content or ""
    return last


def _stream(llm: OVHResponses, delivered: list[str]) -> str:
    last = ""
    for part in llm.stream_chat(CHAT):
        delivered.append(part.delta or "")
        last = part.message.content or ""
    return last


STYLES: dict[str, tuple[str, Call]] = {
    "chat": ("/v1/responses", lambda ep, r: _llm(ep, r).chat(CHAT).message.content),
    "achat": ("/v1/responses", lambda ep, r: asyncio.run(_llm(ep, r).achat(CHAT)).message.content),
    "stream_chat": ("/v1/responses", lambda ep, r: _stream(_llm(ep, r), [])),
    "astream_chat": ("/v1/responses", lambda ep, r: asyncio.run(_astream(_llm(ep, r), []))),
    "complete": ("/v1/responses", lambda ep, r: _llm(ep, r).complete(PROMPT).text),
    "tools": (
        "/v1/responses",
        lambda ep, r: str(
            _llm(ep, r).predict_and_call(
                [FunctionTool.from_defaults(get_weather)],
                "What is the weather in Paris? Use get_weather.",
            )
        ),
    ),
    "structured output": (
        "/v1/responses",
        lambda ep, r: _llm(ep, r).structured_predict(
            City, PromptTemplate("Describe Paris as JSON.")
        ),
    ),
    "embeddings": (
        "/v1/embeddings",
        lambda ep, r: _embedding(ep, r).get_text_embedding_batch(["a cat"]),
    ),
    "aembeddings": (
        "/v1/embeddings",
        lambda ep, r: asyncio.run(_embedding(ep, r).aget_text_embedding_batch(["a cat"])),
    ),
}


class TestEveryCallStyle(CallStyleFaults):
    STYLES = STYLES
    SERVER_ERROR = 502
    NOT_JSON = (errors.APIError, errors.StreamError)


@pytest.mark.parametrize("style", ["stream_chat", "astream_chat"])
def test_a_cut_stream_raises_with_the_text_delivered(endpoint: LocalEndpoint, style: str) -> None:
    endpoint.inject(CutStreamFault(after_events=7))
    delivered: list[str] = []
    llm = _llm(endpoint, 2)
    with pytest.raises(errors.StreamInterruptedError) as caught:
        _ = (
            _stream(llm, delivered)
            if style == "stream_chat"
            else asyncio.run(_astream(llm, delivered))
        )
    cut_with_the_text_delivered(caught.value, delivered)
    assert len(endpoint.requests_to("/v1/responses")) == 1


# ----- inputs that show their own problem: refused before anything is sent --------------------

BAD_INPUTS: dict[str, list[ChatMessage]] = {
    "empty conversation": [],
    "tool result for no call": [
        ChatMessage(role="user", content="Hi"),
        ChatMessage(
            role=MessageRole.TOOL, content="sunny", additional_kwargs={"tool_call_id": "call_x"}
        ),
    ],
    "image that is not an image": [
        ChatMessage(
            role="user", blocks=[ImageBlock(image=b"%PDF-1.4", image_mimetype="application/pdf")]
        )
    ],
    "lone surrogate": [ChatMessage(role="user", content="caf\udce9")],
    "too large": [
        ChatMessage(
            role="user",
            blocks=[ImageBlock(image=b"\x89PNG" + b"\x00" * 1_600_000, image_mimetype="image/png")],
        )
    ],
}


@pytest.mark.parametrize("messages", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_refused_before_sending(
    endpoint: LocalEndpoint, messages: list[ChatMessage]
) -> None:
    with pytest.raises(errors.RequestRejected):
        _llm(endpoint, 0).chat(messages)
    assert not endpoint.requests


# ----- arbitrary histories: a body that JSON carries, or a typed refusal ----------------------

texts = st.text(max_size=20)
call_ids = st.sampled_from(["call_1", "call_2"])
roles = st.sampled_from([MessageRole.USER, MessageRole.SYSTEM, MessageRole.ASSISTANT])
messages = st.one_of(
    st.builds(lambda role, text: ChatMessage(role=role, content=text), roles, texts),
    st.builds(
        lambda text, i: ChatMessage(
            role=MessageRole.TOOL, content=text, additional_kwargs={"tool_call_id": i}
        ),
        texts,
        call_ids,
    ),
    st.builds(
        lambda text: ChatMessage(
            role="user",
            blocks=[TextBlock(text=text), ImageBlock(image=b"\x89PNG", image_mimetype="image/png")],
        ),
        texts,
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=st.lists(messages, max_size=6))
def test_any_history_converts_to_a_body_that_round_trips_or_a_typed_refusal(
    history: list[ChatMessage],
) -> None:
    try:
        body = build_request(model="local-vision", input=to_input_items(history, "system"))
    except errors.RequestRejected:
        return
    assert json.loads(json.dumps(body)) == body


# ----- the rate limiter: LlamaIndex's own rate_limiter= hook, which our classes inherit -------


class _Counting(BaseRateLimiter):
    """LlamaIndex's token bucket, counted."""

    def __init__(self) -> None:
        self.inner = TokenBucketRateLimiter(requests_per_minute=600)
        self.calls = 0

    def acquire(self, num_tokens: int = 0) -> None:
        self.calls += 1
        self.inner.acquire(num_tokens)

    async def async_acquire(self, num_tokens: int = 0) -> None:
        self.calls += 1
        await self.inner.async_acquire(num_tokens)


def test_the_llm_waits_for_the_limiter_before_each_request(endpoint: LocalEndpoint) -> None:
    limiter = _Counting()
    llm = _llm(endpoint, 0, rate_limiter=limiter)
    answers = [llm.chat(CHAT).message.content, asyncio.run(llm.achat(CHAT)).message.content]
    answers += [_stream(llm, []), asyncio.run(_astream(llm, [])), llm.complete(PROMPT).text]
    assert answers == [ANSWER] * 5
    assert limiter.calls == 5 == len(endpoint.requests_to("/v1/responses"))


def test_embeddings_wait_for_the_limiter_before_each_batch(endpoint: LocalEndpoint) -> None:
    limiter = _Counting()
    embedding = _embedding(endpoint, 0, embed_batch_size=2, rate_limiter=limiter)
    assert len(embedding.get_text_embedding_batch(["a", "b", "c", "d", "e"])) == 5
    assert limiter.calls == 3 == len(endpoint.requests_to("/v1/embeddings"))
