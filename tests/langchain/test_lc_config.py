"""ChatOVHResponses configuration: aliases, environment, unknown arguments, secrets."""

from __future__ import annotations

import pytest
from langchain_core.load import dumpd, dumps, load
from pydantic import SecretStr

from langchain_ovh_responses import ChatOVHResponses, OVHEmbeddings
from ovh_responses.settings import DEFAULT_BASE_URL, DEFAULT_MODEL
from ovh_responses.testing import LocalEndpoint

SECRET = "sk-very-secret-value"


def test_defaults_are_the_public_endpoint_a_catalog_model_and_the_anonymous_tier() -> None:
    model = ChatOVHResponses()
    assert model.model == DEFAULT_MODEL
    assert model.base_url == DEFAULT_BASE_URL
    assert model.api_key is None


def test_aliases_are_accepted() -> None:
    model = ChatOVHResponses(
        model_name="Qwen3-32B",
        max_output_tokens=64,
        stop_sequences=["END"],
        request_timeout=5,
        openai_api_base="http://127.0.0.1:9/v1",
    )
    assert (model.model, model.max_tokens, model.stop, model.timeout) == (
        "Qwen3-32B",
        64,
        ["END"],
        5,
    )
    assert model.base_url == "http://127.0.0.1:9/v1"


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVHCLOUD_API_KEY", "third")
    monkeypatch.setenv("AI_ENDPOINT_API_KEY", "first")
    monkeypatch.setenv("OVH_AI_ENDPOINTS_BASE_URL", "http://127.0.0.1:9/v1/")
    model = ChatOVHResponses()
    assert model.api_key == SecretStr("first")
    assert model.base_url == "http://127.0.0.1:9/v1"
    assert ChatOVHResponses(api_key="explicit").api_key == SecretStr("explicit")


def test_unknown_argument_raises_and_names_it() -> None:
    with pytest.raises(TypeError, match="temprature") as caught:
        ChatOVHResponses(temprature=0.2)  # type: ignore[call-arg]
    assert "model_kwargs" in str(caught.value)
    with pytest.raises(TypeError, match="dimensions"):
        OVHEmbeddings(dimensions=3)  # type: ignore[call-arg]


def test_key_is_never_shown_or_serialised() -> None:
    model = ChatOVHResponses(api_key=SECRET, base_url="http://127.0.0.1:9/v1")
    assert SECRET not in repr(model)
    assert SECRET not in str(model.model_dump())
    assert SECRET not in dumps(model)
    assert dumpd(model)["kwargs"]["api_key"] == {
        "lc": 1,
        "type": "secret",
        "id": ["AI_ENDPOINT_API_KEY"],
    }
    assert SECRET not in repr(OVHEmbeddings(api_key=SECRET))


@pytest.mark.filterwarnings("ignore:The function `load` is in beta")
def test_serialised_model_loads_back_with_the_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = ChatOVHResponses(
        api_key=SECRET, model="Qwen3-32B", temperature=0.3, base_url="http://127.0.0.1:9/v1"
    )
    monkeypatch.setenv("AI_ENDPOINT_API_KEY", SECRET)
    again = load(
        dumpd(model),
        allowed_objects=[ChatOVHResponses],
        valid_namespaces=["langchain_ovh_responses"],
        secrets_from_env=True,
    )
    assert isinstance(again, ChatOVHResponses)
    assert again.model_dump() == model.model_dump()


def test_langsmith_params_name_the_provider_and_honour_overrides() -> None:
    model = ChatOVHResponses(model="Qwen3-32B", temperature=0.5, max_tokens=10, stop=["x"])
    assert model._get_ls_params() == {
        "ls_provider": "ovhcloud",
        "ls_model_name": "Qwen3-32B",
        "ls_model_type": "chat",
        "ls_temperature": 0.5,
        "ls_max_tokens": 10,
        "ls_stop": ["x"],
    }
    override = model._get_ls_params(stop=["y"], model="gpt-oss-20b", temperature=0.1)
    assert (override["ls_model_name"], override["ls_stop"]) == ("gpt-oss-20b", ["y"])
    assert override["ls_temperature"] == 0.1
    assert model._llm_type == "ovhcloud-responses-chat"


def test_default_headers_are_never_shown_or_serialised(endpoint: LocalEndpoint) -> None:
    header_secret = "header-token-31337"
    headers = {"X-Gateway-Token": header_secret}
    model = ChatOVHResponses(
        base_url=endpoint.base_url, model="local-chat", default_headers=headers
    )
    embeddings = OVHEmbeddings(base_url=endpoint.base_url, default_headers=headers)
    for shown in (
        repr(model),
        str(model.model_dump()),
        dumps(model),
        str(dumpd(model)),
        repr(embeddings),
        str(embeddings.model_dump()),
    ):
        assert header_secret not in shown
    model.invoke("Hello")  # still sent
    assert endpoint.last_request.headers["x-gateway-token"] == header_secret


async def test_close_and_aclose_release_the_connection_pools(endpoint: LocalEndpoint) -> None:
    model = ChatOVHResponses(base_url=endpoint.base_url, model="local-chat")
    embeddings = OVHEmbeddings(base_url=endpoint.base_url, model="local-embedding")
    model.invoke("Hello")
    await model.ainvoke("Hello")
    embeddings.embed_query("Hello")
    await embeddings.aembed_query("Hello")
    pools = [
        model._client.openai_client(),
        model._client.async_openai_client(),
        embeddings._client.openai_client(),
        embeddings._client.async_openai_client(),
    ]
    await model.aclose()
    await embeddings.aclose()
    model.close()
    embeddings.close()
    assert [pool.is_closed() for pool in pools] == [True] * 4
