"""Constructor arguments of the four public classes: misspellings are refused naming the closest
valid argument, and the spellings of each framework's OpenAI classes reach the wire."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_ovh_responses import ChatOVHResponses, OVHEmbeddings
from llama_index_ovh_responses import OVHEmbedding, OVHResponses
from ovh_responses._arguments import UnknownArgumentError

CHAT = "Mistral-Small-3.2-24B-Instruct-2506"


def _lc_chat(**kwargs: Any) -> Any:
    return ChatOVHResponses(**kwargs).invoke("Say hello.")


def _li_chat(**kwargs: Any) -> Any:
    return OVHResponses(**kwargs).complete("Say hello.")


def _lc_embed(**kwargs: Any) -> Any:
    return OVHEmbeddings(**kwargs).embed_query("hello")


def _li_embed(**kwargs: Any) -> Any:
    return OVHEmbedding(**kwargs).get_query_embedding("hello")


@pytest.mark.parametrize(
    ("make", "typo", "meant"),
    [
        (ChatOVHResponses, "temprature", "temperature"),
        (OVHResponses, "temprature", "temperature"),
        (OVHResponses, "max_output_token", "max_output_tokens"),
        (OVHEmbeddings, "batch_sise", "batch_size"),
        (OVHEmbedding, "embed_batch_sise", "embed_batch_size"),
    ],
)
def test_a_misspelled_argument_is_refused_naming_the_closest(
    make: Any, typo: str, meant: str, endpoint: Any
) -> None:
    with pytest.raises(UnknownArgumentError, match=f"'{typo}'; did you mean '{meant}'"):
        make(base_url=endpoint.base_url, **{typo: 1})
    assert endpoint.log.all() == []


def test_the_silent_misconfiguration_from_the_report_raises() -> None:
    # Before, all three were ignored and requests went to the production URL.
    with pytest.raises(UnknownArgumentError, match="temprature") as caught:
        OVHResponses(base_url="http://127.0.0.1:9/v1", temprature=0.5, max_tokens=5)
    assert "additional_kwargs" in str(caught.value)
    assert isinstance(caught.value, TypeError)


@pytest.mark.parametrize("make", [ChatOVHResponses, OVHResponses, OVHEmbeddings, OVHEmbedding])
def test_one_setting_under_two_spellings_is_refused(make: Any) -> None:
    with pytest.raises(UnknownArgumentError, match="two spellings"):
        make(base_url="http://127.0.0.1:9/v1", api_base="http://127.0.0.1:8/v1")


@pytest.mark.parametrize(
    ("call", "path", "model_alias", "url_alias"),
    [
        (_lc_chat, "/responses", "model_name", "api_base"),
        (_lc_chat, "/responses", "model", "openai_api_base"),
        (_li_chat, "/responses", "model_name", "base_url"),
        (_li_chat, "/responses", "model", "api_base"),
        (_lc_embed, "/embeddings", "model_name", "api_base"),
        (_lc_embed, "/embeddings", "model", "base_url"),
        (_li_embed, "/embeddings", "model", "base_url"),
        (_li_embed, "/embeddings", "model_name", "api_base"),
    ],
)
def test_model_and_base_url_aliases_reach_the_wire(
    call: Any, path: str, model_alias: str, url_alias: str, endpoint: Any
) -> None:
    model = CHAT if path == "/responses" else "bge-multilingual-gemma2"
    call(**{model_alias: model, url_alias: endpoint.base_url})
    (sent,) = endpoint.requests_to(path)
    assert sent.body["model"] == model


@pytest.mark.parametrize(
    ("call", "alias"), [(_lc_chat, "max_output_tokens"), (_li_chat, "max_tokens")]
)
def test_the_token_limit_alias_reaches_the_wire(call: Any, alias: str, endpoint: Any) -> None:
    call(model=CHAT, base_url=endpoint.base_url, **{alias: 7})
    (sent,) = endpoint.requests_to("/responses")
    assert sent.body["max_output_tokens"] == 7


def test_chat_model_has_model_name_like_chat_openai() -> None:
    assert ChatOVHResponses(model="Qwen3-32B").model_name == "Qwen3-32B"
