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
def endpoint(make_endpoint: Callable[..., LocalEndpoint]) -> LocalEndpoint:
    """A fresh endpoint, the one ``sdk`` talks to: its prompt cache holds nothing from other
    tests."""
    return make_endpoint()


def cached(sdk: OpenAI, **body: Any) -> int:
    body.setdefault("model", "local-chat")
    response = sdk.responses.create(store=False, **body)
    Response.model_validate(response.model_dump(mode="json", exclude_unset=True))
    assert response.usage is not None
    assert response.usage.input_tokens_details.cached_tokens <= response.usage.input_tokens
    return int(response.usage.input_tokens_details.cached_tokens)


def test_a_shared_prefix_is_reported_as_cached_tokens(sdk: OpenAI) -> None:
    assert cached(sdk, instructions=INSTRUCTIONS, input="What is the first rule?") == 0
    assert cached(sdk, instructions=INSTRUCTIONS, input="And the last one?") == 32


def test_a_repeated_prompt_keeps_its_last_token_uncached(sdk: OpenAI) -> None:
    prompt = " ".join(f"word{i}" for i in range(48))
    assert cached(sdk, input=prompt) == 0
    # 48 tokens: the last one is always computed, so two whole blocks of 16 are cached.
    assert cached(sdk, input=prompt) == 32
    assert cached(sdk, input=prompt + " more") == 48


def test_a_short_shared_prefix_reports_nothing(sdk: OpenAI) -> None:
    short = " ".join(f"rule{i}" for i in range(20))
    assert cached(sdk, instructions=short, input="one") == 0
    assert cached(sdk, instructions=short, input="two") == 0


def test_the_cache_is_per_model(sdk: OpenAI) -> None:
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0
    assert cached(sdk, model="local-vision", instructions=INSTRUCTIONS, input="hi") == 0
    assert cached(sdk, model="local-vision", instructions=INSTRUCTIONS, input="yo") == 32


def test_a_different_first_item_breaks_the_prefix(sdk: OpenAI) -> None:
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0
    changed = "changed " + INSTRUCTIONS
    assert cached(sdk, instructions=changed, input="hi") == 0
    as_user: Any = [{"role": "user", "content": INSTRUCTIONS}, {"role": "user", "content": "hi"}]
    assert cached(sdk, input=as_user) == 0  # same words, another role


def test_the_cache_belongs_to_one_endpoint(
    sdk: OpenAI, make_endpoint: Callable[..., LocalEndpoint]
) -> None:
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0
    other = make_endpoint()
    other_client = OpenAI(base_url=other.base_url, api_key="k", max_retries=0)
    assert cached(other_client, instructions=INSTRUCTIONS, input="hi") == 0
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 32


def test_clear_prompt_cache_forgets_the_prompts(sdk: OpenAI, endpoint: LocalEndpoint) -> None:
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0
    endpoint.clear_prompt_cache()
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0


def test_streamed_usage_reports_cached_tokens(sdk: OpenAI) -> None:
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0
    stream = sdk.responses.create(
        model="local-chat", instructions=INSTRUCTIONS, input="hi", stream=True, store=False
    )
    last = list(stream)[-1]
    assert last.type == "response.completed"
    assert last.response.usage is not None
    assert last.response.usage.input_tokens_details.cached_tokens == 32


def test_chat_completions_share_the_model_cache(sdk: OpenAI) -> None:
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0
    messages: Any = [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": "hello"},
    ]
    completion = sdk.chat.completions.create(model="local-chat", messages=messages)
    assert completion.usage is not None
    details = completion.usage.prompt_tokens_details
    assert details is not None
    assert details.cached_tokens == 32


def test_rejected_requests_do_not_fill_the_cache(sdk: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="temperature"):
        sdk.responses.create(
            model="local-chat", instructions=INSTRUCTIONS, input="hi", temperature=5, store=False
        )
    assert cached(sdk, instructions=INSTRUCTIONS, input="hi") == 0
