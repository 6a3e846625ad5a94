"""LocalEndpoint's other routes, request log, API-key mode, faults and command line."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
import urllib.request
from typing import TYPE_CHECKING, Any

import httpx2
import openai
import pytest
from openai import OpenAI
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from ovh_responses.testing import (
    CutStreamFault,
    DropConnectionFault,
    ErrorEventFault,
    FailedResponseFault,
    LocalEndpoint,
    ModelSpec,
    RateLimitFault,
    ServerErrorFault,
)

if TYPE_CHECKING:
    from collections.abc import Callable


@pytest.fixture
def sdk_key() -> str:
    """A key these tests look for where it must never appear."""
    return "secret-key"


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


# ----- embeddings and models -------------------------------------------------------------------


def test_embeddings_are_unit_vectors_close_for_shared_words(
    sdk: OpenAI, endpoint: LocalEndpoint
) -> None:
    texts = ["The cat sat on the mat", "A cat on a mat", "Stock markets fell sharply"]
    result = sdk.embeddings.create(model="local-embedding", input=texts)
    assert (
        endpoint.last_body["encoding_format"] == "base64"
    )  # the SDK's default, decoded by the SDK
    vectors = [d.embedding for d in result.data]
    assert [len(v) for v in vectors] == [256, 256, 256]
    assert all(math.isclose(cosine(v, v), 1.0, rel_tol=1e-5) for v in vectors)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2])
    assert result.usage.prompt_tokens == 6 + 5 + 4


def test_embeddings_float_and_base64_agree(sdk: OpenAI) -> None:
    as_float = sdk.embeddings.create(model="bge-m3", input="hello there", encoding_format="float")
    as_b64 = sdk.embeddings.create(model="bge-m3", input="hello there")
    assert len(as_float.data[0].embedding) == 1024
    assert as_float.data[0].embedding == pytest.approx(as_b64.data[0].embedding, abs=1e-6)


def test_embedding_route_rejects_chat_models(sdk: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        sdk.embeddings.create(model="local-chat", input="x")


def test_models_list_has_catalog_ids_and_context(endpoint: LocalEndpoint) -> None:
    with urllib.request.urlopen(f"{endpoint.base_url}/models", timeout=5) as resp:
        body = json.load(resp)
    by_id = {m["id"]: m for m in body["data"]}
    assert body["object"] == "list"
    assert by_id["gpt-oss-120b"]["max_model_len"] == 131072
    assert by_id["Qwen3-32B"]["max_model_len"] == 32768
    assert {"bge-m3", "local-reasoning", "local-no-system"} <= set(by_id)
    sdk = OpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0)
    assert {m.id for m in sdk.models.list()} == set(by_id)


# ----- chat completions ------------------------------------------------------------------------


def test_chat_completion_json_with_tools(sdk: OpenAI) -> None:
    tools: Any = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    completion = sdk.chat.completions.create(
        model="local-chat",
        messages=[{"role": "user", "content": "What is the weather in Oslo?"}],
        tools=tools,
    )
    ChatCompletion.model_validate(completion.model_dump())
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls is not None
    call = choice.message.tool_calls[0]
    assert call.type == "function"
    assert json.loads(call.function.arguments) == {"city": "Oslo"}


def test_chat_completion_stream_with_usage(sdk: OpenAI) -> None:
    chunks = list(
        sdk.chat.completions.create(
            model="local-chat",
            messages=[{"role": "user", "content": "Reply with exactly: streaming works"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    for chunk in chunks:
        ChatCompletionChunk.model_validate(chunk.model_dump())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "streaming works"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 2


def test_chat_completion_response_format_json_schema(sdk: OpenAI) -> None:
    schema: Any = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "year": {"type": "integer"}},
        "required": ["city", "year"],
    }
    completion = sdk.chat.completions.create(
        model="local-chat",
        messages=[{"role": "user", "content": "The games were in 'Paris' in 2024."}],
        response_format={"type": "json_schema", "json_schema": {"name": "Event", "schema": schema}},
    )
    assert json.loads(completion.choices[0].message.content or "") == {
        "city": "Paris",
        "year": 2024,
    }


# ----- request log and API key -----------------------------------------------------------------


def test_request_log_records_every_request_with_the_key_redacted(
    sdk: OpenAI, endpoint: LocalEndpoint
) -> None:
    sdk.responses.create(model="local-chat", input="hi", store=False)
    sdk.models.list()
    first, second = endpoint.requests
    assert (first.method, first.path, second.method, second.path) == (
        "POST",
        "/v1/responses",
        "GET",
        "/v1/models",
    )
    assert first.body == {"model": "local-chat", "input": "hi", "store": False}
    assert first.headers["authorization"] == "Bearer <redacted>"
    assert "secret-key" not in repr(endpoint.requests)
    assert endpoint.bodies("/v1/responses") == [first.body]
    endpoint.clear()
    assert endpoint.requests == []


def test_api_key_mode(make_endpoint: Callable[..., LocalEndpoint]) -> None:
    ep = make_endpoint(api_key="right")
    ok = OpenAI(base_url=ep.base_url, api_key="right", max_retries=0)
    assert ok.responses.create(model="local-chat", input="hi", store=False).output_text
    wrong = OpenAI(base_url=ep.base_url, api_key="wrong", max_retries=0)
    with pytest.raises(openai.PermissionDeniedError) as denied:
        wrong.responses.create(model="local-chat", input="hi", store=False)
    assert "Authentication Failed" in denied.value.message
    missing = httpx2.post(
        f"{ep.base_url}/responses", json={"model": "local-chat", "input": "hi", "store": False}
    )
    assert missing.status_code == 401
    assert [r.had_api_key for r in ep.requests] == [True, True, False]


# ----- faults ----------------------------------------------------------------------------------


def test_rate_limit_with_retry_after_is_seen_by_the_sdk(
    sdk: OpenAI, endpoint: LocalEndpoint
) -> None:
    endpoint.inject(RateLimitFault(retry_after=7))
    with pytest.raises(openai.RateLimitError) as info:
        sdk.responses.create(model="local-chat", input="hi", store=False)
    assert info.value.response.headers["retry-after"] == "7"
    assert info.value.body == {**info.value.body, "type": "RateLimitError", "code": 429}  # type: ignore[dict-item]
    assert sdk.responses.create(model="local-chat", input="hi", store=False).status == "completed"


def test_fault_times_and_path_filter(sdk: OpenAI, endpoint: LocalEndpoint) -> None:
    endpoint.inject(ServerErrorFault(status=503, times=2, path="/v1/responses"))
    assert sdk.models.list().data  # another path: not affected
    for _ in range(2):
        with pytest.raises(openai.InternalServerError) as info:
            sdk.responses.create(model="local-chat", input="hi", store=False)
        assert info.value.status_code == 503
    assert endpoint.pending_faults == []
    assert sdk.responses.create(model="local-chat", input="hi", store=False).output_text


def test_sdk_retries_through_a_transient_error(endpoint: LocalEndpoint) -> None:
    endpoint.inject(RateLimitFault(retry_after=0))
    retrying = OpenAI(base_url=endpoint.base_url, api_key="k", max_retries=1)
    assert retrying.responses.create(model="local-chat", input="hi", store=False).output_text
    assert len(endpoint.requests_to("/v1/responses")) == 2


def test_cut_stream_raises_in_the_sdk(sdk: OpenAI, endpoint: LocalEndpoint) -> None:
    endpoint.inject(CutStreamFault(after_events=3))
    stream = sdk.responses.create(model="local-chat", input="hello", stream=True, store=False)
    seen: list[str] = []
    with pytest.raises((httpx2.RemoteProtocolError, openai.APIConnectionError)):
        seen.extend(event.type for event in stream)
    assert seen == ["response.created", "response.in_progress", "response.output_item.added"]


def test_error_event_mid_stream(sdk: OpenAI, endpoint: LocalEndpoint) -> None:
    endpoint.inject(ErrorEventFault(after_events=4, message="engine overloaded"))
    events = list(sdk.responses.create(model="local-chat", input="hello", stream=True, store=False))
    assert len(events) == 5
    error = events[-1]
    assert error.type == "error"
    assert error.message == "engine overloaded"
    assert error.sequence_number == 4


def test_response_failed_in_stream_and_json(sdk: OpenAI, endpoint: LocalEndpoint) -> None:
    endpoint.inject(FailedResponseFault(after_events=2, times=2))
    events = list(sdk.responses.create(model="local-chat", input="hello", stream=True, store=False))
    assert [e.type for e in events] == [
        "response.created",
        "response.in_progress",
        "response.failed",
    ]
    failed = sdk.responses.create(model="local-chat", input="hello", store=False)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error.code == "server_error"


def test_stream_faults_wait_for_a_streaming_request(sdk: OpenAI, endpoint: LocalEndpoint) -> None:
    endpoint.inject(CutStreamFault())
    assert sdk.responses.create(model="local-chat", input="hi", store=False).output_text
    assert len(endpoint.pending_faults) == 1


def test_dropped_connection_is_a_connection_error(sdk: OpenAI, endpoint: LocalEndpoint) -> None:
    endpoint.inject(DropConnectionFault())
    with pytest.raises(openai.APIConnectionError):
        sdk.responses.create(model="local-chat", input="hi", store=False)


def test_command_line_prints_the_base_url() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ovh_responses.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        sdk = OpenAI(base_url=base_url, api_key="k", max_retries=0)
        assert sdk.responses.create(model="local-chat", input="hi", store=False).output_text
    finally:
        process.terminate()
        process.wait(timeout=10)


# ----- embeddings retrieval --------------------------------------------------------------------

PASSAGES = [
    "Credentials: the client reads AI_ENDPOINT_API_KEY from its environment variables.",
    "Which is the one? What is the thing that the variable holds, and which of them is it?",
    "Which of these is the one that holds what the others do not? What is it, and which is it?",
]


@pytest.mark.parametrize("model", ["local-embedding", "bge-m3"])
def test_retrieval_ranks_by_meaningful_shared_words(sdk: OpenAI, model: str) -> None:
    query = sdk.embeddings.create(
        model=model, input="Which environment variable holds the API key?"
    )
    passages = sdk.embeddings.create(model=model, input=PASSAGES)
    q = query.data[0].embedding
    scores = [cosine(q, d.embedding) for d in passages.data]
    assert scores.index(max(scores)) == 0


def test_embeddings_ignore_case_punctuation_stop_words_and_plurals(sdk: OpenAI) -> None:
    texts = ["API keys!", "the api key", "Which is the API key?", "the", "which"]
    result = sdk.embeddings.create(model="local-embedding", input=texts, encoding_format="float")
    vectors = [d.embedding for d in result.data]
    assert vectors[0] == pytest.approx(vectors[1], abs=1e-6)
    assert vectors[0] == pytest.approx(vectors[2], abs=1e-6)
    # Texts of stop words alone still get distinct unit vectors.
    assert all(math.isclose(cosine(v, v), 1.0, rel_tol=1e-5) for v in vectors)
    assert vectors[3] != pytest.approx(vectors[4], abs=1e-6)
    again = sdk.embeddings.create(model="local-embedding", input=texts, encoding_format="float")
    assert [d.embedding for d in again.data] == vectors


# ----- client disconnects ----------------------------------------------------------------------


def wait_for_disconnects(ep: LocalEndpoint, count: int) -> int:
    """The endpoint's disconnect count once it reaches ``count`` (or after a bounded wait)."""
    for _ in range(500):
        if ep.client_disconnects >= count:
            break
        time.sleep(0.02)
    return ep.client_disconnects


def test_client_closing_a_stream_early_is_quiet(
    make_endpoint: Callable[..., LocalEndpoint], capfd: pytest.CaptureFixture[str]
) -> None:
    ep = make_endpoint(stream_delay=0.01)
    sdk = OpenAI(base_url=ep.base_url, api_key="k", max_retries=0)
    prompt = "Reply with exactly: " + " ".join(f"word{i}" for i in range(400))
    stream = sdk.responses.create(model="local-chat", input=prompt, stream=True, store=False)
    events = iter(stream)
    assert [next(events).type for _ in range(3)][-1] == "response.output_item.added"
    stream.close()
    assert wait_for_disconnects(ep, 1) == 1
    # The endpoint still answers, and printed nothing about the closed stream.
    assert sdk.responses.create(model="local-chat", input="hi", store=False).output_text
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert "Exception occurred" not in err


def test_a_real_server_bug_is_still_printed(
    make_endpoint: Callable[..., LocalEndpoint], capfd: pytest.CaptureFixture[str]
) -> None:
    # A misconfigured catalog: a route the endpoint does not know makes the handler fail.
    unknown_route: Any = frozenset({"unknown-route"})
    ep = make_endpoint(models=[ModelSpec("broken", routes=unknown_route)])
    sdk = OpenAI(base_url=ep.base_url, api_key="k", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        sdk.responses.create(model="broken", input="hi", store=False)
    err = capfd.readouterr().err
    assert "Traceback" in err
    assert "KeyError: 'unknown-route'" in err
    assert ep.client_disconnects == 0
