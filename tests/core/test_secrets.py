"""The API key never shows: not in ``repr`` or ``str``, logs at any level, serialized dumps,
callback and tracing parameters, warnings, nor error messages and the exceptions they were raised
from, even when the server echoes the key back. Checked with a key of realistic length and with
a short one, for the core and both adapters, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import pickle
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.load import dumps

from langchain_ovh_responses import ChatOVHResponses, OVHEmbeddings
from llama_index_ovh_responses import OVHEmbedding, OVHResponses
from ovh_responses import errors
from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint, ServerErrorFault

KEYS = {
    "realistic": "eyJhbGciOiJFUzI1NiIsImtpZCI6IjgzMkE5In0."
    + "Qx7fT2mZ9kLp4Vw8Rb1Nc6Hs3Jd5Ge0Ya" * 5,
    "short": "k3y9Zq",
}


@pytest.fixture(params=KEYS.values(), ids=KEYS.keys())
def key(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def protected(make_endpoint: Callable[..., LocalEndpoint], key: str) -> LocalEndpoint:
    return make_endpoint(api_key=key)


def _models(endpoint: LocalEndpoint, key: str) -> Iterator[Any]:
    yield ResponsesClient(api_key=key, base_url=endpoint.base_url)
    yield ChatOVHResponses(model="local-chat", api_key=key, base_url=endpoint.base_url)
    yield OVHEmbeddings(model="bge-m3", api_key=key, base_url=endpoint.base_url)
    yield OVHResponses("local-chat", api_key=key, api_base=endpoint.base_url)
    yield OVHEmbedding("bge-m3", api_key=key, api_base=endpoint.base_url)


def _dumps(model: Any) -> list[str]:
    """Every serialized form each framework offers for the object."""
    if isinstance(model, ResponsesClient):
        return [repr(model), str(model)]
    shown = [repr(model), str(model), model.model_dump_json(), repr(model.model_dump())]
    if isinstance(model, ChatOVHResponses | OVHEmbeddings):
        shown.append(dumps(model))
    if isinstance(model, OVHResponses | OVHEmbedding):
        shown += [model.to_json(), repr(model.to_dict())]
    return shown


def test_the_key_is_in_no_repr_str_or_serialized_form(protected: LocalEndpoint, key: str) -> None:
    for model in _models(protected, key):
        for text in _dumps(model):
            assert key not in text, type(model).__name__


def test_the_model_fields_hold_the_key_only_masked(protected: LocalEndpoint, key: str) -> None:
    model = ChatOVHResponses(model="local-chat", api_key=key, base_url=protected.base_url)
    assert key not in repr(model.__dict__)


def test_the_key_is_in_no_log_at_any_level(
    protected: LocalEndpoint, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, openai's, httpx2's, httpcore's
    chat = ChatOVHResponses(model="local-chat", api_key=key, base_url=protected.base_url)
    assert chat.invoke("Hello").text
    assert "".join(c.text for c in chat.stream("Hello"))
    llm = OVHResponses("local-chat", api_key=key, api_base=protected.base_url)
    assert asyncio.run(llm.acomplete("Hello")).text
    assert OVHEmbeddings(model="bge-m3", api_key=key, base_url=protected.base_url).embed_query("a")
    assert caplog.records, "the libraries did log at DEBUG"
    for record in caplog.records:
        assert key not in record.getMessage(), record.name
        assert key not in repr(record.__dict__), record.name


class _Everything(BaseCallbackHandler):
    """Records every argument of every callback."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen.append(repr((serialized, messages, kwargs)))

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(repr((response, kwargs)))

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.seen.append(repr((token, kwargs)))


def test_the_key_is_in_no_callback_or_tracing_parameter(protected: LocalEndpoint, key: str) -> None:
    handler = _Everything()
    chat = ChatOVHResponses(model="local-chat", api_key=key, base_url=protected.base_url)
    chat.invoke("Hello", config={"callbacks": [handler]})
    list(chat.stream("Hello", config={"callbacks": [handler]}))
    assert len(handler.seen) > 3
    for seen in handler.seen:
        assert key not in seen
    assert key not in repr(chat._get_ls_params())
    llm = OVHResponses("local-chat", api_key=key, api_base=protected.base_url)
    assert key not in repr(llm.to_payload())  # what LlamaIndex's instrumentation emits


def test_the_key_is_in_no_warning(protected: LocalEndpoint, key: str) -> None:
    chat = ChatOVHResponses(
        model="local-chat", api_key=key, base_url=protected.base_url, model_kwargs={"user": key}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chat.invoke("Hello")
    assert caught, "dropping `user` warns"
    for warning in caught:
        assert key not in str(warning.message)


def _whole_story(error: BaseException) -> str:
    """The error's printed traceback with every cause and context, and each one's fields."""
    parts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [repr(current), repr(current.args), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def test_the_key_is_in_no_error_nor_its_causes_even_when_the_server_echoes_it(
    protected: LocalEndpoint, key: str
) -> None:
    protected.inject(ServerErrorFault(status=500, message=f"Bad token {key} for this model."))
    client = ResponsesClient(api_key=key, base_url=protected.base_url, max_retries=0)
    with pytest.raises(errors.ServerError) as caught:
        client.create(build_request(model="local-chat", input="Hello"))
    assert "Bad token" in str(caught.value)
    assert key not in _whole_story(caught.value)
    assert key not in repr(pickle.loads(pickle.dumps(caught.value.body)))


def test_the_key_is_in_no_authentication_error(protected: LocalEndpoint, key: str) -> None:
    wrong = key[::-1] + "x"
    chat = ChatOVHResponses(model="local-chat", api_key=wrong, base_url=protected.base_url)
    with pytest.raises(errors.AuthenticationError) as caught:
        chat.invoke("Hello")
    story = _whole_story(caught.value)
    assert wrong not in story
    assert key not in story


def test_the_key_is_in_no_connection_error(key: str) -> None:
    client = ResponsesClient(api_key=key, base_url="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(errors.APIConnectionError) as caught:
        client.create(build_request(model="local-chat", input="Hello"))
    assert "127.0.0.1:9" in str(caught.value)
    assert key not in _whole_story(caught.value)
