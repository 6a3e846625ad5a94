"""Typed errors: the hierarchy, and the translation of HTTP and stream failures."""

from __future__ import annotations

import socket
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import openai
import pytest
from pydantic import SecretStr

from ovh_responses import errors
from ovh_responses.client import ResponsesClient
from ovh_responses.errors import retry_after_seconds
from ovh_responses.fitting.profiles import DEFAULT_PROFILE
from ovh_responses.request import build_request
from ovh_responses.testing import (
    CutStreamFault,
    DelayFault,
    DropConnectionFault,
    ErrorEventFault,
    FailedResponseFault,
    LocalEndpoint,
    RateLimitFault,
    ServerErrorFault,
)
from ovh_responses.types import Delta, TextDelta

PROMPT = "Tell me a long story about a cat who lived in a lighthouse by the sea"

NOW = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"Retry-After": "Mon, 04 May 2026 12:00:30 GMT"}, 30.0),
        ({"Retry-After": "Mon, 04 May 2026 11:59:00 GMT"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"RateLimit-Reset": "42"}, 42.0),
        ({"Retry-After": "3", "RateLimit-Reset": "42"}, 3.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "-1"}, None),
        ({}, None),
    ],
)
def test_retry_after_header_forms(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers, now=NOW) == expected


def test_hierarchy() -> None:
    assert issubclass(errors.ContextOverflowError, errors.BadRequestError)
    assert issubclass(errors.ModelNotOnRouteError, errors.ModelNotFoundError)
    assert issubclass(errors.StreamInterruptedError, errors.StreamError)
    assert issubclass(errors.StreamInterruptedError, errors.APIConnectionError)
    assert issubclass(errors.UnsupportedFeatureError, errors.RequestRejected)
    assert issubclass(errors.StructuredOutputError, errors.OVHError)
    assert issubclass(errors.StructuredOutputError, ValueError)
    assert issubclass(errors.OVHCompatibilityWarning, UserWarning)
    for name in (
        "APIError",
        "APITimeoutError",
        "APIConnectionError",
        "StreamError",
        "RequestRejected",
    ):
        assert issubclass(getattr(errors, name), errors.OVHError)


# ----- over real HTTP --------------------------------------------------------------------------


def ask(model: str = "local-chat", text: str = PROMPT, **kw: Any) -> Any:
    return build_request(model=model, input=text, **kw)


def texts(deltas: Iterator[Delta]) -> Iterator[str]:
    """The text deltas, handed on one by one (so that a failure keeps what came before)."""
    for delta in deltas:
        if isinstance(delta, TextDelta):
            yield delta.text


async def atexts(deltas: AsyncIterator[Delta], into: list[str]) -> None:
    async for delta in deltas:
        if isinstance(delta, TextDelta):
            into.append(delta.text)


def test_rate_limit_with_retry_after(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    endpoint.inject(RateLimitFault(retry_after=7))
    with pytest.raises(errors.RateLimitError) as info:
        client.create(ask())
    error = info.value
    assert error.retry_after == 7.0
    assert error.status_code == 429
    assert "Rate limit exceeded" in str(error)  # the server's words
    assert "7 s" in str(error)
    assert "400 requests/min" in str(error)
    assert "AI_ENDPOINT_API_KEY" in str(error)
    assert isinstance(error.__cause__, openai.RateLimitError)


async def test_rate_limit_async(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    endpoint.inject(RateLimitFault(retry_after=2))
    with pytest.raises(errors.RateLimitError) as info:
        await client.acreate(ask())
    assert info.value.retry_after == 2.0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors(endpoint: LocalEndpoint, client: ResponsesClient, status: int) -> None:
    endpoint.inject(ServerErrorFault(status=status))
    with pytest.raises(errors.ServerError) as info:
        client.create(ask())
    assert info.value.status_code == status
    assert isinstance(info.value.__cause__, openai.InternalServerError)


def test_server_error_before_a_stream(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    endpoint.inject(ServerErrorFault(status=503))
    with pytest.raises(errors.ServerError):
        list(client.stream(ask(stream=True)))


def test_connection_dropped(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    endpoint.inject(DropConnectionFault())
    with pytest.raises(errors.APIConnectionError) as info:
        client.create(ask())
    assert not isinstance(info.value, errors.StreamError)
    assert isinstance(info.value.__cause__, openai.APIConnectionError)


def test_unreachable_endpoint() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        client = ResponsesClient(base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
        with pytest.raises(errors.APIConnectionError, match="OVH_AI_ENDPOINTS_BASE_URL"):
            client.create(ask())


def test_timeout(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, timeout=0.2, max_retries=0)
    endpoint.inject(DelayFault(seconds=1.5))
    with pytest.raises(errors.APITimeoutError) as info:
        client.create(ask())
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value.__cause__, openai.APITimeoutError)


def test_timeout_mid_stream_is_an_interruption(endpoint: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=endpoint.base_url, timeout=0.2, max_retries=0)
    endpoint.inject(DelayFault(seconds=1.5, after_events=5))
    with pytest.raises(errors.StreamInterruptedError, match="timed out"):
        list(client.stream(ask(stream=True)))


def test_cut_stream_keeps_the_delivered_text(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    endpoint.inject(CutStreamFault(after_events=8))
    delivered: list[str] = []
    with pytest.raises(errors.StreamInterruptedError) as info:
        delivered.extend(texts(client.stream(ask(stream=True))))
    assert delivered, "the cut should come after some text"
    assert info.value.partial_text == "".join(delivered)
    assert isinstance(info.value, errors.APIConnectionError)


async def test_cut_async_stream(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    endpoint.inject(CutStreamFault(after_events=8))
    delivered: list[str] = []
    with pytest.raises(errors.StreamInterruptedError) as info:
        await atexts(client.astream(ask(stream=True)), delivered)
    assert info.value.partial_text == "".join(delivered) != ""


def test_error_event_mid_stream(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    endpoint.inject(ErrorEventFault(after_events=8, message="engine overloaded", code="busy"))
    with pytest.raises(errors.StreamError, match="engine overloaded") as info:
        list(client.stream(ask(stream=True)))
    assert not isinstance(info.value, errors.StreamInterruptedError)
    assert info.value.code == "busy"
    assert info.value.partial_text


async def test_failed_response_in_async_stream(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    endpoint.inject(FailedResponseFault(after_events=3, message="generation failed"))
    with pytest.raises(errors.StreamError, match="generation failed"):
        await atexts(client.astream(ask(stream=True)), [])


def test_unknown_model(client: ResponsesClient) -> None:
    with pytest.raises(errors.ModelNotFoundError) as info:
        client.create(ask(model="GPT-OSS-120B"))
    error = info.value
    assert not isinstance(error, errors.ModelNotOnRouteError)
    assert error.model == "GPT-OSS-120B"
    assert error.param == "model"
    assert error.status_code == 404
    assert "does not exist" in str(error)
    assert "case-sensitive" in str(error)


def test_model_not_on_this_route(client: ResponsesClient) -> None:
    with pytest.raises(errors.ModelNotOnRouteError) as info:
        client.create(ask(model="local-chat-completions-only"), route="responses")
    assert info.value.model == "local-chat-completions-only"
    assert "/v1/responses" in str(info.value)


def test_prompt_longer_than_the_context(client: ResponsesClient) -> None:
    with pytest.raises(errors.ContextOverflowError) as info:
        client.create(ask(model="local-small-context", text="word " * 400))
    assert "max_tokens must be at least 1" in str(info.value)
    assert info.value.max_context is None
    assert "Shorten the input" in str(info.value)


def test_requested_output_beyond_the_context(client: ResponsesClient) -> None:
    # vLLM refuses a limit above the whole context as a bad value, not as an overlong prompt.
    with pytest.raises(errors.BadRequestError) as info:
        client.create(ask(model="local-small-context", text="hi", max_output_tokens=100_000))
    assert not isinstance(info.value, errors.ContextOverflowError)
    assert info.value.param == "max_output_tokens"
    assert "128" in str(info.value)


def test_bad_parameter_keeps_message_and_param(client: ResponsesClient) -> None:
    with pytest.raises(errors.BadRequestError) as info:
        client.create(ask(temperature=-1))
    error = info.value
    assert type(error) is errors.BadRequestError
    assert error.param == "temperature"
    assert error.status_code == 400
    assert "temperature" in error.message
    assert isinstance(error.body, dict)
    assert error.body["type"] == "BadRequestError"
    assert isinstance(error.__cause__, openai.BadRequestError)


def test_missing_key(make_endpoint: Callable[..., LocalEndpoint]) -> None:
    ep = make_endpoint(api_key="sk-right")
    client = ResponsesClient(base_url=ep.base_url, max_retries=0)
    with pytest.raises(errors.AuthenticationError) as info:
        client.create(ask())
    assert info.value.status_code == 401
    assert "AI_ENDPOINT_API_KEY" in str(info.value)


def test_wrong_key_never_shows_the_key(make_endpoint: Callable[..., LocalEndpoint]) -> None:
    ep = make_endpoint(api_key="sk-right")
    client = ResponsesClient(api_key="sk-wrong-1234", base_url=ep.base_url, max_retries=0)
    with pytest.raises(errors.AuthenticationError) as info:
        client.create(ask())
    error = info.value
    assert error.status_code == 403
    assert "Authentication Failed" in str(error)
    assert "AI_ENDPOINT_API_KEY" in str(error)
    for text in (str(error), repr(error), repr(error.body), repr(error.args)):
        assert "sk-wrong-1234" not in text


def test_key_echoed_by_the_server_is_masked(make_endpoint: Callable[..., LocalEndpoint]) -> None:
    ep = make_endpoint(api_key="sk-echoed-5678")
    client = ResponsesClient(api_key="sk-echoed-5678", base_url=ep.base_url, max_retries=0)
    with pytest.raises(errors.ModelNotFoundError) as info:
        client.create(ask(model="sk-echoed-5678"))  # the 404 message repeats the model id
    assert "does not exist" in str(info.value)
    for text in (str(info.value), repr(info.value.body), info.value.message):
        assert "sk-echoed-5678" not in text


def test_errors_outside_the_client_pass_through() -> None:
    with pytest.raises(KeyError), errors.translate():
        raise KeyError("not an HTTP failure")


def test_rate_limit_with_a_key_does_not_suggest_a_key(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    ep = make_endpoint(api_key="sk-right")
    client = ResponsesClient(api_key="sk-right", base_url=ep.base_url, max_retries=0)
    ep.inject(RateLimitFault(retry_after=1))
    with pytest.raises(errors.RateLimitError) as info:
        client.create(ask())
    assert "anonymous" not in str(info.value)
    assert "400 requests/min" in str(info.value)


def test_chat_model_on_the_embeddings_route(client: ResponsesClient) -> None:
    with pytest.raises(errors.ModelNotOnRouteError) as info:
        client.embed("local-chat", ["hello"])
    assert "/v1/embeddings" in str(info.value)
    assert info.value.model == "local-chat"


def test_unknown_embedding_model(client: ResponsesClient) -> None:
    with pytest.raises(errors.ModelNotFoundError):
        client.embed("bge-m4", ["hello"])


# ----- the key never reaches a printed traceback ---------------------------------------------

KEY = "sk-test-key-4242-never-shown"


def test_a_traceback_never_shows_the_key_echoed_by_the_server(endpoint: LocalEndpoint) -> None:
    # A key pasted where the model id goes is echoed by the server's "does not exist" message.
    client = ResponsesClient(api_key=KEY, base_url=endpoint.base_url, max_retries=0)
    with pytest.raises(errors.ModelNotFoundError) as caught:
        client.create(build_request(model=KEY, input="Hello"))
    cause = caught.value.__cause__
    assert isinstance(cause, openai.NotFoundError)  # the server's own error is still chained
    printed = "".join(traceback.format_exception(caught.value))
    assert "does not exist" in printed
    assert KEY not in printed
    assert KEY not in str(cause.body)
    assert KEY not in cause.message


def test_a_mid_stream_error_on_the_chat_route_never_shows_the_key() -> None:
    import httpx2

    from ovh_responses.chat.request import iter_chat_deltas

    def chunks() -> Iterator[Any]:
        request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
        raise openai.APIError(f"bad key {KEY}", request, body={"message": f"bad key {KEY}"})
        yield  # pragma: no cover

    with pytest.raises(errors.StreamError) as caught:
        list(iter_chat_deltas(chunks(), secret=SecretStr(KEY)))
    printed = "".join(traceback.format_exception(caught.value))
    assert "bad key" in printed
    assert KEY not in printed


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # vLLM's answer to a json_schema it cannot compile: a bad request, not an unknown model.
        ("Grammar error: Pointer '/$defs/missing' does not exist", errors.BadRequestError),
        ("The model `Mistral-7B-Instruct-v0.3` does not exist.", errors.ModelNotFoundError),
    ],
)
def test_does_not_exist_means_an_unknown_model_only_when_it_names_a_model(
    message: str, expected: type[errors.APIError]
) -> None:
    import httpx2

    body = {"error": {"message": message, "type": "BadRequestError", "param": None, "code": 400}}
    request = httpx2.Request("POST", "http://127.0.0.1/v1/responses")
    response = httpx2.Response(400, json=body, request=request)
    cause = openai.BadRequestError(message, response=response, body=body["error"])
    error = errors.from_status_error(cause)
    assert type(error) is expected
    assert message in str(error)


# ----- classified on what the server said, the key masked where it appears -----------------------


def _status_error(body: dict[str, Any], status: int = 400) -> openai.APIStatusError:
    import httpx2

    request = httpx2.Request("POST", "http://127.0.0.1/v1/responses")
    response = httpx2.Response(status, json={"error": body}, request=request)
    return openai.BadRequestError(str(body.get("message")), response=response, body=body)


def test_a_one_character_key_does_not_hide_a_context_overflow(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    ep = make_endpoint(api_key="a")
    client = ResponsesClient(api_key="a", base_url=ep.base_url, max_retries=0)
    with pytest.raises(errors.ContextOverflowError) as info:
        client.create(ask(model="local-small-context", text=PROMPT * 20, max_output_tokens=16))
    assert info.value.max_context == 128
    assert "This model's maximum context length is 128 tokens" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        {  # OpenAI: the code says it, the wording differs from vLLM's
            "message": "Your input exceeds the context window of this model. Please adjust "
            "your input and try again.",
            "type": "invalid_request_error",
            "param": "input",
            "code": "context_length_exceeded",
        },
        {"message": "Prompt is too long for this model.", "param": None, "code": 400},
        {
            "message": "The decoder prompt (length 9000) is longer than the maximum model "
            "length of 8192.",
            "param": None,
            "code": 400,
        },
    ],
)
@pytest.mark.parametrize("key", ["e", "t", "in"])
def test_context_overflow_is_read_from_every_signal_whatever_the_key(
    body: dict[str, Any], key: str
) -> None:
    error = errors.from_status_error(_status_error(body), secret=SecretStr(key))
    assert type(error) is errors.ContextOverflowError
    assert body["message"] in str(error)  # unchanged: the key is not a word of it


@pytest.mark.parametrize(
    ("key", "said", "shown"),
    [
        ("x", "Bearer x is not valid", "Bearer ********** is not valid"),
        ("x", "max tokens exceeded", "max tokens exceeded"),
        ("sk-0123456789", "bad key sk-0123456789abc", "bad key **********abc"),
        ("sk-0123456789", "key='sk-0123456789'", "key='**********'"),
    ],
)
def test_the_key_is_masked_where_it_appears_and_nowhere_else(
    key: str, said: str, shown: str
) -> None:
    body = {"message": said, "type": "BadRequestError", "param": None, "code": 400}
    error = errors.from_status_error(_status_error(body), secret=SecretStr(key))
    assert error.message.endswith(shown)
    assert error.body == {**body, "message": shown}


def test_an_embedding_model_on_a_chat_route_says_so_and_teaches_nothing(
    endpoint: LocalEndpoint,
) -> None:
    from ovh_responses.fitting.learned import LEARNED

    LEARNED.clear()
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    for _ in range(2):
        with pytest.raises(errors.EmbeddingModelError, match="is an embedding model") as info:
            client.create(ask(model="local-embedding"))
        assert "route='auto'" not in str(info.value)
        assert "OVHEmbeddings" in str(info.value)
    assert [r.path for r in endpoint.requests] == ["/v1/responses", "/v1/responses"]
    assert LEARNED.refine(endpoint.base_url, "local-embedding", DEFAULT_PROFILE).route == (
        "responses"
    )
