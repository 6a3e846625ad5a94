"""OVHResponses over real HTTP against the local endpoint: every chat and completion method, sync,
async and streaming; callbacks and token counting; configuration, secrets and errors."""

from __future__ import annotations

import base64
import itertools
import json
import logging
import pickle

import openai
import pytest
from llama_index.core.base.llms.types import ChatMessage, ImageBlock, TextBlock, ThinkingBlock
from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events.llm import (
    LLMChatEndEvent,
    LLMChatInProgressEvent,
    LLMChatStartEvent,
)
from pydantic import Field, SecretStr

from llama_index_ovh_responses import OVHResponses
from ovh_responses.errors import (
    AuthenticationError,
    ModelNotFoundError,
    RateLimitError,
    StreamError,
    UnsupportedFeatureError,
)
from ovh_responses.settings import DEFAULT_MODEL
from ovh_responses.testing import CutStreamFault, ErrorEventFault, ModelSpec, RateLimitFault

QUESTION = [
    ChatMessage(role="system", content="You are concise."),
    ChatMessage(role="user", content="Tell me about the Eiffel tower."),
]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


# ----- chat and completion, four ways each ------------------------------------------------------


def test_chat(llm, endpoint):
    response = llm.chat(QUESTION)
    assert response.message.role == "assistant"
    assert "eiffel" in (response.message.content or "").lower()
    body = endpoint.bodies()[-1]
    assert body["store"] is False
    assert body["model"] == llm.model
    assert body["input"][0] == {"type": "message", "role": "system", "content": "You are concise."}


async def test_achat_behaves_like_chat(llm):
    sync = llm.chat(QUESTION)
    async_ = await llm.achat(QUESTION)
    assert async_.message.content == sync.message.content


def test_stream_chat_is_cumulative_with_deltas(llm):
    chunks = list(llm.stream_chat(QUESTION))
    final = chunks[-1].message.content or ""
    assert len(chunks) > 2
    assert "".join(c.delta or "" for c in chunks) == final
    contents = [c.message.content or "" for c in chunks]
    for before, after in itertools.pairwise(contents):
        assert after.startswith(before)  # each chunk holds everything so far
    assert final == llm.chat(QUESTION).message.content


async def test_astream_chat_behaves_like_stream_chat(llm):
    sync = [c.delta for c in llm.stream_chat(QUESTION)]
    async_ = [c.delta async for c in await llm.astream_chat(QUESTION)]
    assert async_ == sync


def test_complete(llm, endpoint):
    response = llm.complete("Tell me about the Louvre museum.")
    assert "louvre" in response.text.lower()
    assert endpoint.bodies()[-1]["input"][0]["role"] == "user"


async def test_acomplete(llm):
    response = await llm.acomplete("Tell me about the Louvre museum.")
    assert response.text == llm.complete("Tell me about the Louvre museum.").text


def test_stream_complete(llm):
    chunks = list(llm.stream_complete("Tell me about the Louvre museum."))
    assert "".join(c.delta or "" for c in chunks) == chunks[-1].text
    assert "louvre" in chunks[-1].text.lower()


async def test_astream_complete(llm):
    chunks = [c async for c in await llm.astream_complete("Tell me about the Louvre museum.")]
    assert "".join(c.delta or "" for c in chunks) == chunks[-1].text
    assert chunks[-1].text == llm.complete("Tell me about the Louvre museum.").text


# ----- reasoning -------------------------------------------------------------------------------


def test_reasoning_becomes_a_thinking_block(reasoning_llm, endpoint):
    response = reasoning_llm.chat(QUESTION, reasoning_effort="high")
    thinking = [b for b in response.message.blocks if isinstance(b, ThinkingBlock)]
    assert len(thinking) == 1
    assert thinking[0].content
    assert thinking[0].num_tokens == response.additional_kwargs["usage"]["reasoning_tokens"]
    assert endpoint.bodies()[-1]["reasoning"] == {"effort": "high"}


def test_streamed_thinking_deltas_are_emitted(reasoning_llm):
    chunks = list(reasoning_llm.stream_chat(QUESTION))
    thinking = [
        c.additional_kwargs["thinking_delta"]
        for c in chunks
        if "thinking_delta" in c.additional_kwargs
    ]
    assert len(thinking) > 1
    final_block = next(b for b in chunks[-1].message.blocks if isinstance(b, ThinkingBlock))
    assert "".join(thinking) == final_block.content
    assert all(c.delta == "" for c in chunks if "thinking_delta" in c.additional_kwargs)


def test_thinking_is_replayed_on_the_next_turn(reasoning_llm, endpoint):
    first = reasoning_llm.chat(QUESTION)
    reasoning_llm.chat(
        [*QUESTION, first.message, ChatMessage(role="user", content="And its height?")]
    )
    kinds = [item.get("type") for item in endpoint.bodies()[-1]["input"]]
    assert kinds == ["message", "message", "reasoning", "message", "message"]


# ----- usage, callbacks, instrumentation ------------------------------------------------------


def _counter(llm: OVHResponses) -> TokenCountingHandler:
    # A tokenizer that counts nothing: any count seen must come from the server's usage.
    counter = TokenCountingHandler(tokenizer=lambda text: [])
    llm.callback_manager = CallbackManager([counter])
    return counter


def _server_usage(endpoint) -> tuple[int, int]:
    """(input, output) tokens the endpoint reports for the last body it received, asked again
    with the plain openai SDK."""
    body = {**endpoint.bodies()[-1], "stream": False}
    sdk = openai.OpenAI(base_url=endpoint.base_url, api_key="unused", max_retries=0)
    usage = sdk.responses.create(**body).usage
    assert usage is not None
    assert usage.input_tokens > 0
    assert usage.output_tokens > 0
    return usage.input_tokens, usage.output_tokens


def _counted(counter: TokenCountingHandler) -> tuple[int, int]:
    return counter.prompt_llm_token_count, counter.completion_llm_token_count


def test_usage_reaches_token_counters(llm, endpoint):
    counter = _counter(llm)
    response = llm.chat(QUESTION)
    expected = _server_usage(endpoint)
    usage = response.additional_kwargs["usage"]
    assert (usage["input_tokens"], usage["output_tokens"]) == expected
    assert _counted(counter) == expected
    counter.reset_counts()
    llm.complete("Tell me about the Louvre museum.")
    assert len(counter.llm_token_counts) == 1  # reported once, not as a chat and a completion
    assert _counted(counter) == _server_usage(endpoint)


def test_usage_of_streamed_calls_reaches_token_counters(llm, endpoint):
    counter = _counter(llm)
    chunks = list(llm.stream_chat(QUESTION))
    expected = _server_usage(endpoint)
    usage = chunks[-1].additional_kwargs["usage"]
    assert (usage["input_tokens"], usage["output_tokens"]) == expected
    assert _counted(counter) == expected


async def test_usage_of_async_calls_reaches_token_counters(llm, endpoint):
    counter = _counter(llm)
    usage = (await llm.achat(QUESTION)).additional_kwargs["usage"]
    expected = _server_usage(endpoint)
    assert (usage["input_tokens"], usage["output_tokens"]) == expected
    counter.reset_counts()
    _ = [c async for c in await llm.astream_chat(QUESTION)]
    assert _counted(counter) == _server_usage(endpoint)


def test_usage_of_streamed_completions_reaches_token_counters(llm, endpoint):
    counter = _counter(llm)
    chunks = list(llm.stream_complete(QUESTION[1].content or ""))
    expected = _server_usage(endpoint)
    usage = chunks[-1].additional_kwargs["usage"]
    assert (usage["input_tokens"], usage["output_tokens"]) == expected
    assert _counted(counter) == expected


class _Events(BaseEventHandler):
    seen: list[str] = Field(default_factory=list)

    @classmethod
    def class_name(cls) -> str:
        return "_Events"

    def handle(self, event, **kwargs) -> None:
        self.seen.append(type(event).__name__)


def test_chat_events_are_dispatched(llm):
    handler = _Events()
    root = get_dispatcher()
    root.add_event_handler(handler)
    try:
        list(llm.stream_chat(QUESTION))
    finally:
        root.event_handlers.remove(handler)
    names = handler.seen
    assert names[0] == LLMChatStartEvent.__name__
    assert LLMChatInProgressEvent.__name__ in names
    assert names[-1] == LLMChatEndEvent.__name__


# ----- configuration ---------------------------------------------------------------------------


def test_fields_reach_the_request_body(make_llm, endpoint):
    llm = make_llm(temperature=0.3, top_p=0.9, max_output_tokens=50, system_role="developer")
    llm.chat(QUESTION)
    body = endpoint.bodies()[-1]
    assert (body["temperature"], body["top_p"], body["max_output_tokens"]) == (0.3, 0.9, 50)
    assert body["input"][0]["role"] == "developer"
    llm.chat(QUESTION, temperature=0.7)
    assert endpoint.bodies()[-1]["temperature"] == 0.7  # per call over the field


def test_additional_kwargs_go_into_the_body(make_llm, endpoint):
    make_llm(additional_kwargs={"metadata": {"team": "docs"}}).chat(QUESTION)
    assert endpoint.bodies()[-1]["metadata"] == {"team": "docs"}


def test_default_model_and_metadata():
    llm = OVHResponses(api_base="http://127.0.0.1:9/v1")
    assert llm.model == DEFAULT_MODEL
    meta = llm.metadata
    assert meta.model_name == DEFAULT_MODEL
    assert meta.context_window == 131072  # gpt-oss-120b in the public catalog
    assert meta.is_chat_model
    assert meta.is_function_calling_model


def test_metadata_knows_models_without_tools_and_overrides():
    assert not OVHResponses("Qwen2.5-VL-72B-Instruct").metadata.is_function_calling_model
    llm = OVHResponses("gpt-oss-20b", context_window=4096, max_output_tokens=300)
    assert (llm.metadata.context_window, llm.metadata.num_output) == (4096, 300)


def test_unknown_model_gets_a_default_and_one_warning_not_an_exception(caplog):
    llm = OVHResponses("brand-new-model-2031", api_base="http://127.0.0.1:9/v1")
    with caplog.at_level(logging.WARNING):
        first = llm.metadata
        second = llm.metadata
    assert first.context_window == second.context_window > 0
    assert first.is_function_calling_model
    warnings = [r for r in caplog.records if "brand-new-model-2031" in r.getMessage()]
    assert len(warnings) == 1


def test_context_window_comes_from_the_server_listing(make_endpoint):
    server = make_endpoint(models=[ModelSpec("acme-long-context-model", 50_000)])
    llm = OVHResponses("acme-long-context-model", api_base=server.base_url)
    listed = {m.id: m.context_window for m in llm.list_models()}
    assert listed == {"acme-long-context-model": 50_000}
    assert llm.metadata.context_window == 50_000  # what the listing said, kept for the process


def test_api_key_never_shows(endpoint, monkeypatch):
    monkeypatch.delenv("AI_ENDPOINT_API_KEY", raising=False)
    llm = OVHResponses(api_key="sk-very-secret", api_base=endpoint.base_url)
    assert isinstance(llm.api_key, SecretStr)
    assert llm.api_key.get_secret_value() == "sk-very-secret"
    for text in (
        repr(llm),
        str(llm),
        llm.to_json(),
        json.dumps(llm.to_dict()),
        str(llm.to_payload()),
    ):
        assert "sk-very-secret" not in text
    assert b"sk-very-secret" not in pickle.dumps(llm.to_dict())


def test_api_key_from_the_environment_is_sent(make_endpoint, monkeypatch):
    secured = make_endpoint(api_key="env-key")
    monkeypatch.setenv("AI_ENDPOINT_API_KEY", "env-key")
    llm = OVHResponses(CHAT_MODEL_FOR_AUTH, api_base=secured.base_url)
    assert llm.complete("hello").text  # the endpoint answers 401/403 without the right key


CHAT_MODEL_FOR_AUTH = "Meta-Llama-3_3-70B-Instruct"


def test_wrong_key_is_a_typed_error_without_the_key(make_endpoint):
    secured = make_endpoint(api_key="right-key")
    llm = OVHResponses(CHAT_MODEL_FOR_AUTH, api_key="wrong-key-123", api_base=secured.base_url)
    with pytest.raises(AuthenticationError) as info:
        llm.chat(QUESTION)
    assert "wrong-key-123" not in str(info.value)


def test_unknown_model_on_the_server_is_a_typed_error(make_llm):
    with pytest.raises(ModelNotFoundError):
        make_llm("no-such-model").chat(QUESTION)


def test_rate_limit_is_a_typed_error(make_llm, endpoint):
    endpoint.inject(RateLimitFault(times=3, retry_after=0.01))
    with pytest.raises(RateLimitError):
        make_llm(max_retries=0).chat(QUESTION)
    endpoint.clear_faults()


def test_a_cut_stream_raises_instead_of_ending_quietly(llm, endpoint):
    endpoint.inject(CutStreamFault(after_events=6))
    with pytest.raises(StreamError):
        list(llm.stream_chat(QUESTION))


async def test_an_error_event_raises_in_async_streams(llm, endpoint):
    endpoint.inject(ErrorEventFault(after_events=5))
    with pytest.raises(StreamError):
        _ = [c async for c in await llm.astream_chat(QUESTION)]


# ----- images and stop sequences ------------------------------------------------------------------


def test_image_bytes_are_sent_inline(make_llm, endpoint):
    llm = make_llm("local-vision")
    message = ChatMessage(
        role="user", blocks=[TextBlock(text="Describe this image."), ImageBlock(image=PNG)]
    )
    assert llm.chat([message]).message.content
    image = endpoint.bodies()[-1]["input"][0]["content"][1]
    assert image["image_url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()


def test_remote_image_url_is_refused_before_sending(llm, endpoint):
    before = len(endpoint.bodies())
    message = ChatMessage(role="user", blocks=[ImageBlock(url="https://example.com/cat.png")])
    with pytest.raises(UnsupportedFeatureError):
        llm.chat([message])
    assert len(endpoint.bodies()) == before


def _stopped_the_same_way(response, expected, model):
    """Cut at the stop with the connection closed then: the id and model announced when the
    stream began, and no usage (reported by the server only at the end, which is not read)."""
    assert response.message.content == expected
    info = response.additional_kwargs
    assert info["response_id"].startswith("resp_")
    assert (info["model"], info["status"], info["usage"]) == (model, "completed", {})


def test_stop_sequences_end_every_kind_of_call_the_same_way(llm, endpoint):
    full = llm.chat(QUESTION).message.content or ""
    word = full.split()[2]
    expected = full[: full.index(word)]
    _stopped_the_same_way(llm.chat(QUESTION, stop=[word]), expected, llm.model)
    _stopped_the_same_way(list(llm.stream_chat(QUESTION, stop=[word]))[-1], expected, llm.model)
    assert all(body["stream"] is True for body in endpoint.bodies()[-2:])
    assert all("stop" not in body for body in endpoint.bodies())


async def test_stop_sequences_end_async_calls_the_same_way(llm):
    full = (await llm.achat(QUESTION)).message.content or ""
    word = full.split()[2]
    expected = full[: full.index(word)]
    _stopped_the_same_way(await llm.achat(QUESTION, stop=[word]), expected, llm.model)
    chunks = [c async for c in await llm.astream_chat(QUESTION, stop=[word])]
    assert "".join(c.delta or "" for c in chunks) == expected
    _stopped_the_same_way(chunks[-1], expected, llm.model)


def test_stop_sequences_cut_plain_and_streamed_answers_alike(llm):
    full = llm.chat(QUESTION).message.content or ""
    word = full.split()[2]
    expected = full[: full.index(word)]
    assert llm.chat(QUESTION, stop=[word]).message.content == expected
    chunks = list(llm.stream_chat(QUESTION, stop=word))
    assert "".join(c.delta or "" for c in chunks) == expected
    assert chunks[-1].message.content == expected


# ----- connections --------------------------------------------------------------------------------


async def test_leaving_an_async_stream_early_closes_its_connection(endpoint):
    import httpx2

    responses = []

    async def record(response):
        responses.append(response)

    async with httpx2.AsyncClient(event_hooks={"response": [record]}) as http:
        llm = OVHResponses(api_base=endpoint.base_url, async_http_client=http)
        # The generator this class makes; LlamaIndex's callback wrapper around it (the public
        # astream_chat) does not pass aclose() on.
        chunks = llm._astream_chat(QUESTION)
        async for _ in chunks:
            break
        assert not responses[-1].is_closed
        await chunks.aclose()
        assert responses[-1].is_closed


async def test_close_and_aclose_release_the_connection_pools(make_llm, embed_model):
    llm = make_llm()
    llm.chat(QUESTION)
    await llm.achat(QUESTION)
    embed_model.get_text_embedding("Hello")
    await embed_model.aget_text_embedding("Hello")
    pools = [
        llm._client.openai_client(),
        llm._client.async_openai_client(),
        embed_model._client.openai_client(),
        embed_model._client.async_openai_client(),
    ]
    await llm.aclose()
    await embed_model.aclose()
    llm.close()
    embed_model.close()
    assert [pool.is_closed() for pool in pools] == [True] * 4
