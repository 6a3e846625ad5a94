"""ResponsesClient fitting requests to their model, over real HTTP: adaptations, refusals in
strict mode, limits learned from the server's 400s, and the /v1/chat/completions route."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import (
    BadRequestError,
    ContextOverflowError,
    ModelNotOnRouteError,
    OVHCompatibilityWarning,
    RequiredToolNotCalledError,
    UnsupportedFeatureError,
)
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.fitting.profiles import CATALOG, ModelProfile
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint, ModelSpec
from ovh_responses.testing.protocol.models import Refusal
from ovh_responses.types import Delta, Done, TextDelta, ToolCallStart
from ovh_responses.wire.structured import json_schema_format
from ovh_responses.wire.tools import function_tool

WEATHER = function_tool(
    "get_weather",
    "Weather of a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
TIME = function_tool(
    "get_time",
    "Time in a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}


pytestmark = pytest.mark.usefixtures("forget_process_memory")


def paths(endpoint: LocalEndpoint) -> list[str]:
    return [r.path for r in endpoint.requests]


def compat_warnings(record: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, OVHCompatibilityWarning)]


def text_of(deltas: list[Delta]) -> str:
    return "".join(d.text for d in deltas if isinstance(d, TextDelta))


# ----- adaptations from the model's profile --------------------------------------------------


def test_system_prompt_is_folded_into_the_first_user_turn(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(model="local-no-system", input="Hello", instructions="Be brief.")
    with pytest.warns(OVHCompatibilityWarning, match="does not accept system prompts"):
        client.create(body)
    sent = endpoint.last_body
    assert "instructions" not in sent
    assert sent["input"] == [{"type": "message", "role": "user", "content": "Be brief.\n\nHello"}]


def test_strict_refuses_the_system_prompt_before_sending(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(model="local-no-system", input="Hello", instructions="Be brief.")
    with pytest.raises(UnsupportedFeatureError, match="strict mode off") as info:
        client.create(body, strict=True)
    assert info.value.param == "instructions"
    with pytest.raises(UnsupportedFeatureError):
        list(client.stream({**body, "stream": True}, strict=True))
    assert endpoint.requests == []


def test_each_adaptation_warns_once_per_model(client: ResponsesClient) -> None:
    body = build_request(model="local-no-system", input="Hello", instructions="Be brief.")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        client.create(body)
        client.create(body)
    assert len(compat_warnings(record)) == 1


def test_required_tool_choice_is_sent_as_auto_and_checked(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    asked = build_request(
        model="local-tool-choice-auto-only",
        input="Use get_weather for Paris",
        tools=[WEATHER],
        tool_choice="required",
    )
    with pytest.warns(OVHCompatibilityWarning, match="only accepts tool_choice 'auto'"):
        result = client.create(asked)
    assert endpoint.last_body["tool_choice"] == "auto"
    assert [c.name for c in result.function_calls] == ["get_weather"]
    not_asked = {**asked, "input": "Say hello"}
    with pytest.raises(RequiredToolNotCalledError) as info:
        client.create(not_asked)
    assert info.value.result.text  # the answer it gave instead is kept


def test_a_named_tool_choice_is_checked_in_a_stream_too(client: ResponsesClient) -> None:
    body = build_request(
        model="local-tool-choice-auto-only",
        input="Use get_time for Oslo",
        tools=[WEATHER, TIME],
        tool_choice={"type": "function", "name": "get_weather"},
        stream=True,
    )
    with pytest.warns(OVHCompatibilityWarning), pytest.raises(RequiredToolNotCalledError):
        list(client.stream(body))


def test_strict_refuses_a_tool_choice_the_model_lacks(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(
        model="local-tool-choice-auto-only", input="hi", tools=[WEATHER], tool_choice="required"
    )
    with pytest.raises(UnsupportedFeatureError) as info:
        client.create(body, strict=True)
    assert info.value.param == "tool_choice"
    assert endpoint.requests == []


def test_parallel_calls_are_switched_off_where_unsupported(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(
        model="local-no-parallel-tools",
        input="Use get_weather and get_time for Oslo",
        tools=[WEATHER, TIME],
        parallel_tool_calls=True,
    )
    with pytest.warns(OVHCompatibilityWarning, match="cannot call tools in parallel"):
        result = client.create(body)
    assert endpoint.last_body["parallel_tool_calls"] is False
    assert len(result.function_calls) == 1
    with pytest.raises(UnsupportedFeatureError):
        client.create(body, strict=True)
    assert len(endpoint.requests) == 1


def test_structured_output_that_cannot_stream_is_asked_in_one_piece(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(
        model="local-no-stream-structured",
        input="Ann is 31 years old",
        text_format=json_schema_format("person", PERSON),
        stream=True,
    )
    with pytest.warns(OVHCompatibilityWarning, match="cannot stream structured output"):
        deltas = list(client.stream(body))
    assert endpoint.last_body.get("stream") is not True
    assert isinstance(deltas[-1], Done)
    assert json.loads(text_of(deltas)) == json.loads(deltas[-1].result.text)
    with pytest.raises(UnsupportedFeatureError):
        list(client.stream(body, strict=True))
    assert len(endpoint.requests) == 1


async def test_structured_output_in_one_piece_async(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(
        model="local-no-stream-structured",
        input="Ann is 31 years old",
        text_format=json_schema_format("person", PERSON),
        stream=True,
    )
    with pytest.warns(OVHCompatibilityWarning):
        deltas = [d async for d in client.astream(body)]
    assert json.loads(text_of(deltas))["age"] == 31
    assert endpoint.last_body.get("stream") is not True


def test_json_schema_is_asked_as_a_tool_call_where_not_enforced(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[ModelSpec("local-no-json-schema", 8192, structured=False)])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    body = build_request(
        model="local-no-json-schema",
        input="Ann is 31 years old",
        text_format=json_schema_format("person", PERSON),
    )
    with pytest.warns(OVHCompatibilityWarning, match="does not enforce JSON schemas"):
        result = client.create(body)
    sent = server.last_body
    assert "text" not in sent
    assert sent["tool_choice"] == {"type": "function", "name": "person"}
    assert json.loads(result.text) == {"name": "Ann", "age": 31}
    assert result.function_calls == []
    streamed = list(client.stream({**body, "stream": True}))
    assert not any(isinstance(d, ToolCallStart) for d in streamed)
    assert json.loads(text_of(streamed)) == {"name": "Ann", "age": 31}
    with pytest.raises(UnsupportedFeatureError):
        client.create(body, strict=True)
    assert len(server.requests) == 2


def test_reasoning_options_are_dropped_for_a_model_without_them(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(model="local-chat", input="hi", reasoning={"effort": "high"})
    with pytest.warns(OVHCompatibilityWarning, match="no reasoning effort control"):
        client.create(body)
    assert "reasoning" not in endpoint.last_body
    with pytest.raises(UnsupportedFeatureError):
        client.create(body, strict=True)
    assert len(endpoint.requests) == 1


def test_tools_and_images_are_sent_and_their_refusal_remembered(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    image = {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="}
    message = {"type": "message", "role": "user", "content": [image]}
    asks = [
        ("cannot call tools", build_request(model="local-no-tools", input="hi", tools=[WEATHER])),
        ("does not read images", build_request(model="local-chat", input=[message])),  # type: ignore[list-item]
    ]
    for match, request in asks:
        endpoint.clear()
        for _ in range(2):  # sent the first time, refused before sending the second
            with pytest.raises(UnsupportedFeatureError, match=match) as info:
                client.create(request)
            assert "refused" in str(info.value)
        assert len(endpoint.requests) == 1


# ----- learned limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "extra", "refused"),
    [
        ("acme-no-system", {"instructions": "Be brief."}, "instructions"),
        ("acme-no-reasoning", {"reasoning": {"effort": "low"}}, "reasoning"),
        ("acme-auto-only", {"tools": [WEATHER], "tool_choice": "required"}, "tool_choice"),
    ],
)
def test_a_refused_optional_parameter_is_learned(
    unknown: LocalEndpoint, model: str, extra: dict[str, Any], refused: str
) -> None:
    client = ResponsesClient(base_url=unknown.base_url, max_retries=0)
    body: Any = {**build_request(model=model, input="Use get_weather for Rome"), **extra}
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        first = client.create(body)
    said = compat_warnings(record)
    assert len(said) == 1
    assert "refused" in said[0]
    sent = unknown.bodies()
    assert len(sent) == 2
    assert refused in sent[0]
    assert refused not in sent[1]
    assert first.status == "completed"
    unknown.clear()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        client.create(body)
    assert compat_warnings(record) == []
    assert len(unknown.bodies()) == 1
    assert refused not in unknown.last_body


def test_strict_never_drops_a_learned_parameter_silently(endpoint: LocalEndpoint) -> None:
    body: Any = {**build_request(model="local-no-logprobs", input="Hello"), "top_logprobs": 2}
    with pytest.warns(OVHCompatibilityWarning):
        ResponsesClient(base_url=endpoint.base_url, max_retries=0).create(body)
    endpoint.clear()
    strict = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    with pytest.raises(BadRequestError) as info:
        strict.create(body, strict=True)
    assert info.value.param == "top_logprobs"
    assert [b.get("top_logprobs") for b in endpoint.bodies()] == [2]


def test_a_learned_system_prompt_limit_keeps_the_prompt(unknown: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=unknown.base_url, max_retries=0)
    body = build_request(model="acme-no-system", input="Hello", instructions="Be brief.")
    with pytest.warns(OVHCompatibilityWarning):
        client.create(body)
    assert unknown.last_body["input"][0]["content"] == "Be brief.\n\nHello"


def test_a_learned_required_tool_choice_is_still_checked(unknown: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=unknown.base_url, max_retries=0)
    body = build_request(
        model="acme-auto-only", input="Say hello", tools=[WEATHER], tool_choice="required"
    )
    with pytest.warns(OVHCompatibilityWarning), pytest.raises(RequiredToolNotCalledError):
        client.create(body)
    assert len(unknown.requests) == 2


def test_structured_streaming_refused_is_learned(unknown: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=unknown.base_url, max_retries=0)
    body = build_request(
        model="acme-no-stream-structured",
        input="Ann is 31 years old",
        text_format=json_schema_format("person", PERSON),
        stream=True,
    )
    with pytest.warns(OVHCompatibilityWarning, match="refused"):
        deltas = list(client.stream(body))
    assert [b.get("stream") for b in unknown.bodies()] == [True, False]
    assert json.loads(text_of(deltas))["name"] == "Ann"
    unknown.clear()
    list(client.stream(body))
    assert [b.get("stream") for b in unknown.bodies()] == [False]


async def test_learning_works_the_same_async(unknown: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=unknown.base_url, max_retries=0)
    body = build_request(model="acme-no-system", input="Hello", instructions="Be brief.")
    with pytest.warns(OVHCompatibilityWarning):
        result = await client.acreate(body)
    assert result.text
    deltas = [d async for d in client.astream({**body, "stream": True})]
    assert isinstance(deltas[-1], Done)
    assert len(unknown.requests) == 3  # refused, resent, then sent adapted at once


def test_strict_mode_learns_nothing(unknown: LocalEndpoint) -> None:
    client = ResponsesClient(base_url=unknown.base_url, max_retries=0)
    body = build_request(model="acme-no-system", input="Hello", instructions="Be brief.")
    with pytest.raises(BadRequestError) as info:
        client.create(body, strict=True)
    assert info.value.param == "instructions"
    assert len(unknown.requests) == 1
    assert LEARNED.learned(unknown.base_url, "acme-no-system") == frozenset()


def test_a_bad_value_or_an_overflow_is_not_retried(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    with pytest.raises(BadRequestError, match="between 0 and 2"):
        client.create(build_request(model="local-chat", input="hi", temperature=5))
    with pytest.raises(ContextOverflowError):
        client.create(build_request(model="local-small-context", input="word " * 400))
    assert len(endpoint.requests) == 2


# ----- the chat-completions route ---------------------------------------------------------------


def test_a_chat_completions_only_model_is_served_there(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(
        model="local-chat-completions-only", input="Hello", instructions="Be brief."
    )
    result = client.create(body)
    assert paths(endpoint) == ["/v1/chat/completions"]
    sent = endpoint.last_body
    assert "store" not in sent
    assert sent["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello"},
    ]
    assert result.text
    assert result.usage is not None
    assert result.usage.output_tokens > 0
    deltas = list(client.stream({**body, "stream": True}))
    assert isinstance(deltas[-1], Done)
    assert text_of(deltas) == deltas[-1].result.text
    assert endpoint.last_body["stream"] is True


async def test_the_chat_completions_route_async(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(model="local-chat-completions-only", input="Hello")
    assert (await client.acreate(body)).text
    deltas = [d async for d in client.astream({**body, "stream": True})]
    assert deltas[-1].result.usage is not None  # type: ignore[union-attr]
    assert paths(endpoint) == ["/v1/chat/completions"] * 2


def test_tools_and_structured_output_on_the_chat_completions_route(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    tools = build_request(
        model="local-chat-completions-only",
        input="Use get_weather for Paris",
        tools=[WEATHER],
        tool_choice="required",
    )
    call = client.create(tools).function_calls[0]
    assert (call.name, call.parsed_arguments) == ("get_weather", {"city": "Paris"})
    assert endpoint.last_body["tools"][0]["function"]["name"] == "get_weather"
    structured = build_request(
        model="local-chat-completions-only",
        input="Ann is 31 years old",
        text_format=json_schema_format("person", PERSON),
        stream=True,
    )
    deltas = list(client.stream(structured))
    assert json.loads(text_of(deltas)) == {"name": "Ann", "age": 31}
    assert endpoint.last_body["response_format"]["type"] == "json_schema"


def test_the_route_can_be_forced(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    with pytest.raises(ModelNotOnRouteError, match="chat_completions"):
        client.create(
            build_request(model="local-chat-completions-only", input="hi"), route="responses"
        )
    client.create(build_request(model="local-chat", input="hi"), route="chat_completions")
    assert paths(endpoint) == ["/v1/responses", "/v1/chat/completions"]


def test_a_model_missing_from_responses_is_learned_and_sent_to_chat(
    unknown: LocalEndpoint,
) -> None:
    client = ResponsesClient(base_url=unknown.base_url, max_retries=0)
    body = build_request(model="acme-chat-only", input="Hello")
    with pytest.warns(OVHCompatibilityWarning, match="not served on /v1/responses"):
        assert client.create(body).text
    assert paths(unknown) == ["/v1/responses", "/v1/chat/completions"]
    unknown.clear()
    assert text_of(list(client.stream({**body, "stream": True})))
    assert paths(unknown) == ["/v1/chat/completions"]


def test_listing_the_models_feeds_the_profiles(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[ModelSpec("acme-huge", 1_000_000)])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    assert CATALOG.cached_profile(server.base_url, "acme-huge").context_window != 1_000_000
    assert [(m.id, m.context_window) for m in client.list_models()] == [("acme-huge", 1_000_000)]
    assert CATALOG.cached_profile(server.base_url, "acme-huge").context_window == 1_000_000


async def test_listing_the_models_async(endpoint: LocalEndpoint, client: ResponsesClient) -> None:
    listed = {m.id: m for m in await client.alist_models()}
    assert listed["local-small-context"].context_window == 128
    assert listed["local-chat-completions-only"].profile.route == "chat_completions"


@pytest.mark.parametrize("param", [None, "input"])
def test_a_refusal_the_library_cannot_read_reaches_the_caller_unchanged(
    make_endpoint: Callable[..., LocalEndpoint], param: str | None
) -> None:
    said = "Something the template did not like happened."
    spec = ModelSpec(
        "acme-unreadable", 8192, system_prompt=False, refusals=(Refusal("system", said, param),)
    )
    server = make_endpoint(models=[spec])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    request = build_request(model=spec.id, input="Hi", instructions="Be brief.")
    with pytest.raises(BadRequestError) as info:
        client.create(request)
    assert type(info.value) is BadRequestError
    assert isinstance(info.value.body, dict)
    assert info.value.body["message"] == said
    assert len(server.requests) == 1
    assert LEARNED.learned(server.base_url, spec.id) == frozenset()


# ----- the caller's word on the model, per call ------------------------------------------------

ACCEPTS_SYSTEM = ModelSpec("local-no-system", 8192)
"""The table says local-no-system takes no system prompt; this platform's does."""
SYSTEM_BODY = build_request(model="local-no-system", input="Hello", instructions="Be brief.")
TRUST_IT = {"accepts_system_prompt": True}


def system_was_folded(server: LocalEndpoint) -> bool:
    sent = server.last_body
    if "instructions" in sent:
        return False
    assert sent["input"][0]["content"] == "Be brief.\n\nHello"
    return True


async def test_an_override_holds_for_the_call_that_gives_it(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[ACCEPTS_SYSTEM])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    streamed = {**SYSTEM_BODY, "stream": True}
    folded = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        for override in (TRUST_IT, None, TRUST_IT, None):
            client.create(SYSTEM_BODY, profile_override=override)
            folded.append(system_was_folded(server))
            list(client.stream(streamed, profile_override=override))  # type: ignore[arg-type]
            folded.append(system_was_folded(server))
            await client.acreate(SYSTEM_BODY, profile_override=override)
            folded.append(system_was_folded(server))
            async for _ in client.astream(streamed, profile_override=override):  # type: ignore[arg-type]
                pass
            folded.append(system_was_folded(server))
    assert folded == [False] * 4 + [True] * 4 + [False] * 4 + [True] * 4
    assert len(server.requests) == 16  # nothing refused, nothing sent twice


def test_a_whole_profile_as_override_and_a_flag_that_does_not_exist(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[ACCEPTS_SYSTEM])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    client.create(SYSTEM_BODY, profile_override=ModelProfile(family="mine"))
    assert not system_was_folded(server)
    with pytest.raises(ValueError, match=r"Unknown model profile flag\(s\) system_prompt"):
        client.create(SYSTEM_BODY, profile_override={"system_prompt": True})
    assert len(server.requests) == 1  # refused before sending


def test_an_override_more_capable_than_the_model_gets_the_servers_refusal(
    endpoint: LocalEndpoint, client: ResponsesClient
) -> None:
    body = build_request(model="local-no-tools", input="hi", tools=[WEATHER])
    with pytest.raises(UnsupportedFeatureError, match="cannot call tools"):
        client.create(body)  # sent, refused, remembered
    with pytest.raises(UnsupportedFeatureError, match="cannot call tools"):
        client.create(body, profile_override={"tool_calling": True})  # sent: the caller said so
    assert len(endpoint.requests) == 2
    with pytest.raises(UnsupportedFeatureError, match="earlier in this process"):
        client.create(body)  # without the override: refused before sending
    assert len(endpoint.requests) == 2
