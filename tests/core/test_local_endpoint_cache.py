"""LocalEndpoint reports prompt caching as vLLM does: a prefix shared with an earlier prompt to the
same model counts as cached tokens, in whole blocks of 16 tokens, from 32 tokens on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import openai
import pytest
from openai import OpenAI
from openai.types.responses import Response

if TYPE_CHECKING:
    from collections.abc import Callable

    from ovh_responses.testing import LocalEndpoint

# 40 words: a shared prefix of 40 tokens, cached as two blocks of 16 (32 tokens).
INSTRUCTIONS = " ".join(f"rule{i}" for i in range(40))


@pytest.fixture
def ep(make_endpoint: Callable[..., LocalEndpoint]) -> LocalEndpoint:
    """A fresh endpoint: its prompt cache holds nothing from other tests."""
    return make_endpoint()


@pytest.fixture
def client(ep: LocalEndpoint) -> OpenAI:
    return OpenAI(base_url=ep.base_url, api_key="k", max_retries=0)


def cached(client: OpenAI, **body: Any) -> int:
    body.setdefault("model", "local-chat")
    response = client.responses.create(store=False, **body)
    Response.model_validate(response.model_dump(mode="json", exclude_unset=True))
    assert response.usage is not None
    assert response.usage.input_tokens_details.cached_tokens <= response.usage.input_tokens
    return int(response.usage.input_tokens_details.cached_tokens)


def test_a_shared_prefix_is_reported_as_cached_tokens(client: OpenAI) -> None:
    assert cached(client, instructions=INSTRUCTIONS, input="What is the first rule?") == 0
    assert cached(client, instructions=INSTRUCTIONS, input="And the last one?") == 32


def test_a_repeated_prompt_keeps_its_last_token_uncached(client: OpenAI) -> None:
    prompt = " ".join(f"word{i}" for i in range(48))
    assert cached(client, input=prompt) == 0
    # 48 tokens: the last one is always computed, so two whole blocks of 16 are cached.
    assert cached(client, input=prompt) == 32
    assert cached(client, input=prompt + " more") == 48


def test_a_short_shared_prefix_reports_nothing(client: OpenAI) -> None:
    short = " ".join(f"rule{i}" for i in range(20))
    assert cached(client, instructions=short, input="one") == 0
    assert cached(client, instructions=short, input="two") == 0


def test_the_cache_is_per_model(client: OpenAI) -> None:
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0
    assert cached(client, model="local-vision", instructions=INSTRUCTIONS, input="hi") == 0
    assert cached(client, model="local-vision", instructions=INSTRUCTIONS, input="yo") == 32


def test_a_different_first_item_breaks_the_prefix(client: OpenAI) -> None:
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0
    changed = "changed " + INSTRUCTIONS
    assert cached(client, instructions=changed, input="hi") == 0
    as_user: Any = [{"role": "user", "content": INSTRUCTIONS}, {"role": "user", "content": "hi"}]
    assert cached(client, input=as_user) == 0  # same words, another role


def test_the_cache_belongs_to_one_endpoint(
    client: OpenAI, make_endpoint: Callable[..., LocalEndpoint]
) -> None:
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0
    other = make_endpoint()
    other_client = OpenAI(base_url=other.base_url, api_key="k", max_retries=0)
    assert cached(other_client, instructions=INSTRUCTIONS, input="hi") == 0
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 32


def test_clear_prompt_cache_forgets_the_prompts(client: OpenAI, ep: LocalEndpoint) -> None:
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0
    ep.clear_prompt_cache()
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0


def test_streamed_usage_reports_cached_tokens(client: OpenAI) -> None:
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0
    stream = client.responses.create(
        model="local-chat", instructions=INSTRUCTIONS, input="hi", stream=True, store=False
    )
    last = list(stream)[-1]
    assert last.type == "response.completed"
    assert last.response.usage is not None
    assert last.response.usage.input_tokens_details.cached_tokens == 32


def test_chat_completions_share_the_model_cache(client: OpenAI) -> None:
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0
    messages: Any = [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": "hello"},
    ]
    completion = client.chat.completions.create(model="local-chat", messages=messages)
    assert completion.usage is not None
    details = completion.usage.prompt_tokens_details
    assert details is not None
    assert details.cached_tokens == 32


def test_rejected_requests_do_not_fill_the_cache(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="temperature"):
        client.responses.create(
            model="local-chat", instructions=INSTRUCTIONS, input="hi", temperature=5, store=False
        )
    assert cached(client, instructions=INSTRUCTIONS, input="hi") == 0
