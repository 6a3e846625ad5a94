"""ChatOVHResponses on models with limits, over real HTTP: each limit adapted with one warning,
refused before sending with ``strict=True``, learned from the server's 400 when no profile knew
it, and the /v1/chat/completions route for a model /v1/responses does not serve."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool
from model_limits import (
    ANN,
    LEARNED_CASES,
    MORE_CAPABLE,
    NO_JSON_SCHEMA,
    NO_SYSTEM_BY_TABLE_ONLY,
    PERSON_TEXT,
    REFUSED_CAPABILITIES,
    STRICTER,
    Person,
    Warned,
    check_combined,
    check_learned,
    check_more_capable,
    check_refused_capability,
    check_strict_refusal,
    system_sent_as_is,
)
from model_overrides import check_each_instance_keeps_its_own_word

from langchain_ovh_responses import ChatOVHResponses, OVHBadRequestError, OVHModelNotOnRouteError
from langchain_ovh_responses._profile import langchain_profile
from ovh_responses.errors import (
    EmbeddingModelError,
    RequiredToolNotCalledError,
    UnsupportedFeatureError,
)
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.fitting.profiles import (
    DEFAULT_PROFILE,
    forget_registered_profiles,
    register_profile,
)
from ovh_responses.testing import LocalEndpoint, ModelSpec


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny in {city}."


@tool
def get_time(city: str) -> str:
    """Get the current time in a city."""
    return f"It is 14:30 in {city}."


SYSTEM = [SystemMessage("Be brief."), HumanMessage("Hello")]


pytestmark = pytest.mark.usefixtures("forget_process_memory")


def chat(endpoint: LocalEndpoint, model: str, **kwargs: Any) -> ChatOVHResponses:
    return ChatOVHResponses(model=model, base_url=endpoint.base_url, max_retries=0, **kwargs)


# ----- system prompts ---------------------------------------------------------------------------


def test_system_prompt_is_folded_into_the_first_user_turn(endpoint: LocalEndpoint) -> None:
    with Warned() as warned:
        answer = chat(endpoint, "local-no-system").invoke(SYSTEM)
    assert len(warned.messages) == 1
    assert "does not accept system prompts" in warned.messages[0]
    assert answer.content
    sent = endpoint.last_body
    assert "instructions" not in sent
    assert sent["input"] == [{"type": "message", "role": "user", "content": "Be brief.\n\nHello"}]


def test_strict_refuses_a_system_prompt_before_sending(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-no-system", strict=True)
    with pytest.raises(UnsupportedFeatureError, match="does not accept system prompts"):
        model.invoke(SYSTEM)
    with pytest.raises(UnsupportedFeatureError):
        list(model.stream(SYSTEM))
    assert endpoint.requests == []


# ----- tool_choice ------------------------------------------------------------------------------


def test_required_tool_choice_is_sent_as_auto_and_checked(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-tool-choice-auto-only").bind_tools(
        [get_weather], tool_choice="required"
    )
    with Warned() as warned:
        answer = model.invoke("Use get_weather for Paris")
    assert len(warned.messages) == 1
    assert endpoint.last_body["tool_choice"] == "auto"
    assert isinstance(answer, AIMessage)
    assert [c["name"] for c in answer.tool_calls] == ["get_weather"]
    with pytest.raises(RequiredToolNotCalledError):
        model.invoke("Say hello")
    with pytest.raises(RequiredToolNotCalledError):
        list(model.stream("Say hello"))


def test_strict_refuses_a_tool_choice_the_model_lacks(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-tool-choice-auto-only", strict=True)
    with pytest.raises(UnsupportedFeatureError, match="only accepts tool_choice 'auto'"):
        model.bind_tools([get_weather], tool_choice="get_weather").invoke("weather in Paris")
    assert endpoint.requests == []


# ----- parallel tool calls ----------------------------------------------------------------------


def test_parallel_calls_are_switched_off_where_unsupported(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-no-parallel-tools").bind_tools(
        [get_weather, get_time], parallel_tool_calls=True
    )
    with Warned() as warned:
        answer = model.invoke("Use get_weather and get_time for Oslo")
    assert len(warned.messages) == 1
    assert endpoint.last_body["parallel_tool_calls"] is False
    assert isinstance(answer, AIMessage)
    assert len(answer.tool_calls) == 1


def test_strict_refuses_parallel_calls_the_model_lacks(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-no-parallel-tools", strict=True).bind_tools(
        [get_weather, get_time], parallel_tool_calls=True
    )
    with pytest.raises(UnsupportedFeatureError, match="cannot call tools in parallel"):
        model.invoke("Use get_weather and get_time for Oslo")
    assert endpoint.requests == []


# ----- structured output ------------------------------------------------------------------------


def test_structured_output_that_cannot_stream_arrives_as_a_stream(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-no-stream-structured").with_structured_output(Person)
    with Warned() as warned:
        objects = list(model.stream(PERSON_TEXT))
    assert len(warned.messages) == 1
    assert "cannot stream structured output" in warned.messages[0]
    assert objects[-1] == ANN
    assert endpoint.last_body.get("stream") is not True


async def test_structured_output_that_cannot_stream_async(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-no-stream-structured").with_structured_output(Person)
    with Warned():
        objects = [o async for o in model.astream(PERSON_TEXT)]
    assert objects[-1] == ANN
    assert endpoint.last_body.get("stream") is not True


def test_strict_refuses_streamed_structured_output_before_sending(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, "local-no-stream-structured", strict=True)
    with pytest.raises(UnsupportedFeatureError, match="cannot stream structured output"):
        list(model.with_structured_output(Person).stream(PERSON_TEXT))
    assert endpoint.requests == []


def test_json_schema_where_not_enforced_goes_through_a_tool_call(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[NO_JSON_SCHEMA])
    model = chat(server, NO_JSON_SCHEMA.id).with_structured_output(Person)
    with Warned() as warned:
        assert model.invoke(PERSON_TEXT) == ANN
    assert len(warned.messages) == 1
    assert "does not enforce JSON schemas" in warned.messages[0]
    sent = server.last_body
    assert "text" not in sent
    assert sent["tool_choice"] == {"type": "function", "name": "Person"}
    assert list(model.stream(PERSON_TEXT))[-1] == ANN
    strict = chat(server, NO_JSON_SCHEMA.id, strict=True).with_structured_output(Person)
    with pytest.raises(UnsupportedFeatureError, match="does not enforce JSON schemas"):
        strict.invoke(PERSON_TEXT)
    assert len(server.requests) == 2


# ----- reasoning, tools, images -----------------------------------------------------------------


def test_reasoning_options_are_dropped_for_a_model_without_them(endpoint: LocalEndpoint) -> None:
    with Warned() as warned:
        chat(endpoint, "local-chat", reasoning_effort="high").invoke("Hello")
    assert len(warned.messages) == 1
    assert "reasoning" not in endpoint.last_body
    with pytest.raises(UnsupportedFeatureError, match="no reasoning effort control"):
        chat(endpoint, "local-chat", reasoning_effort="high", strict=True).invoke("Hello")
    assert len(endpoint.requests) == 1


IMAGE = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}
LOOK = [HumanMessage(content=[{"type": "text", "text": "What is this?"}, IMAGE])]  # type: ignore[list-item]


def ask_tools(model: ChatOVHResponses) -> None:
    answer = model.bind_tools([get_weather]).invoke("Use get_weather for Rome")
    assert [c["name"] for c in answer.tool_calls] == ["get_weather"]


def ask_image(model: ChatOVHResponses) -> None:
    assert model.invoke(LOOK).content


# ----- a platform stricter than the table: each refusal learned ----------------------------------


def _system(model: ChatOVHResponses) -> None:
    assert model.invoke(SYSTEM).content


def _tool_choice(model: ChatOVHResponses) -> None:
    bound = model.bind_tools([get_weather], tool_choice="required")
    assert [c["name"] for c in bound.invoke("Use get_weather for Rome").tool_calls] == [
        "get_weather"
    ]


def _parallel(model: ChatOVHResponses) -> None:
    bound = model.bind_tools([get_weather, get_time], parallel_tool_calls=True)
    assert len(bound.invoke("Use get_weather and get_time for Oslo").tool_calls) == 1


def _structured(model: ChatOVHResponses) -> None:
    assert model.with_structured_output(Person).invoke(PERSON_TEXT) == ANN


def _structured_stream(model: ChatOVHResponses) -> None:
    assert list(model.with_structured_output(Person).stream(PERSON_TEXT))[-1] == ANN


def _reasoning(model: ChatOVHResponses) -> None:
    assert model.bind(reasoning={"effort": "low"}).invoke("Hello").content


# ----- the same, async --------------------------------------------------------------------------


def _system_async(model: ChatOVHResponses) -> None:
    assert asyncio.run(model.ainvoke(SYSTEM)).content


def _structured_async(model: ChatOVHResponses) -> None:
    assert asyncio.run(model.with_structured_output(Person).ainvoke(PERSON_TEXT)) == ANN


def _structured_stream_async(model: ChatOVHResponses) -> None:
    async def objects() -> list[Any]:
        return [o async for o in model.with_structured_output(Person).astream(PERSON_TEXT)]

    assert asyncio.run(objects())[-1] == ANN


ASKS: dict[str, Callable[[ChatOVHResponses], None]] = {
    "tools": ask_tools,
    "images": ask_image,
    "system": _system,
    "system-alternate": _system,
    "system-user-assistant": _system,
    "tool_choice": _tool_choice,
    "parallel_tool_calls": _parallel,
    "json_schema": _structured,
    "structured_streaming": _structured_stream,
    "reasoning": _reasoning,
    "system async": _system_async,
    "json_schema async": _structured_async,
    "structured_streaming async": _structured_stream_async,
}


def build(endpoint: LocalEndpoint, model: str, strict: bool) -> ChatOVHResponses:
    return chat(endpoint, model, strict=strict)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("capability", ["tools", "images"])
def test_tools_and_images_the_table_does_not_expect_just_work(
    make_endpoint: Callable[..., LocalEndpoint], capability: str, strict: bool
) -> None:
    check_more_capable(make_endpoint, build, ASKS, capability, strict)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("capability", ["tools", "images"])
def test_tools_or_images_the_server_refuses_raise_typed_then_before_sending(
    make_endpoint: Callable[..., LocalEndpoint], capability: str, strict: bool
) -> None:
    check_refused_capability(make_endpoint, build, ASKS, capability, strict)


@pytest.mark.parametrize("limit", LEARNED_CASES)
def test_a_stricter_platform_is_learned_from_its_refusal(
    make_endpoint: Callable[..., LocalEndpoint], limit: str
) -> None:
    check_learned(make_endpoint, build, ASKS, limit)


@pytest.mark.parametrize("limit", list(STRICTER))
def test_strict_sends_what_the_table_allows_and_raises_the_refusal_unchanged(
    make_endpoint: Callable[..., LocalEndpoint], limit: str
) -> None:
    check_strict_refusal(make_endpoint, build, ASKS, limit)


# ----- learned limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "settings", "bind", "refused"),
    [
        ("acme-no-system", {}, {}, "instructions"),
        ("acme-no-reasoning", {"reasoning_effort": "low"}, {}, "reasoning"),
        ("acme-auto-only", {}, {"tools": [get_weather], "tool_choice": "required"}, "tool_choice"),
    ],
)
def test_a_refused_optional_parameter_is_learned(
    unknown: LocalEndpoint, model: str, settings: dict[str, Any], bind: dict[str, Any], refused: str
) -> None:
    base = chat(unknown, model, **settings)
    runnable = base.bind_tools(**bind) if bind else base
    prompt = [SystemMessage("Be brief."), HumanMessage("Use get_weather for Rome")]
    with Warned() as warned:
        runnable.invoke(prompt)
    assert len(warned.messages) == 1
    assert "refused" in warned.messages[0]
    first, second = unknown.bodies()
    assert _has(first, refused)
    assert not _has(second, refused)
    unknown.clear()
    with Warned() as warned:
        runnable.invoke(prompt)
    assert warned.messages == []
    assert len(unknown.bodies()) == 1
    assert not _has(unknown.last_body, refused)


def _has(body: dict[str, Any], refused: str) -> bool:
    if refused == "instructions":
        return any(item.get("role") == "system" for item in body["input"])
    return refused in body


def test_refused_structured_streaming_is_learned(unknown: LocalEndpoint) -> None:
    model = chat(unknown, "acme-no-stream-structured").with_structured_output(Person)
    with Warned() as warned:
        assert list(model.stream(PERSON_TEXT))[-1] == ANN
    assert len(warned.messages) == 1
    assert [b.get("stream") is True for b in unknown.bodies()] == [True, False]
    unknown.clear()
    assert list(model.stream(PERSON_TEXT))[-1] == ANN
    assert [b.get("stream") is True for b in unknown.bodies()] == [False]


def test_strict_mode_does_not_learn(unknown: LocalEndpoint) -> None:
    with pytest.raises(OVHBadRequestError, match="System role not supported"):
        chat(unknown, "acme-no-system", strict=True).invoke(SYSTEM)
    assert len(unknown.requests) == 1


def test_refused_parallel_calls_are_learned(unknown: LocalEndpoint) -> None:
    model = chat(unknown, "acme-rejects-parallel").bind_tools(
        [get_weather, get_time], parallel_tool_calls=True
    )
    question = "Use get_weather and get_time for Oslo"
    with Warned() as warned:
        answer = model.invoke(question)
    assert len(warned.messages) == 1
    assert "refused" in warned.messages[0]
    assert isinstance(answer, AIMessage)
    assert [c["name"] for c in answer.tool_calls] == ["get_weather"]
    first, second = unknown.bodies()
    assert first["parallel_tool_calls"] is True
    assert "parallel_tool_calls" not in second
    unknown.clear()
    with Warned() as warned:
        assert list(model.stream(question))
    assert warned.messages == []
    assert len(unknown.bodies()) == 1
    assert "parallel_tool_calls" not in unknown.last_body


NO_LOGPROBS = "local-no-logprobs"


def test_refused_logprobs_are_learned(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, NO_LOGPROBS, model_kwargs={"top_logprobs": 2})
    with Warned() as warned:
        assert model.invoke("Hello").content
    assert len(warned.messages) == 1
    assert "top_logprobs" in warned.messages[0]
    assert [b.get("top_logprobs") for b in endpoint.bodies()] == [2, None]
    endpoint.clear()
    with Warned() as warned:
        assert "".join(str(c.content) for c in model.stream("Hello"))
    assert warned.messages == []
    assert len(endpoint.bodies()) == 1
    assert "top_logprobs" not in endpoint.last_body


def test_strict_mode_sends_logprobs_and_raises_the_refusal(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, NO_LOGPROBS, model_kwargs={"top_logprobs": 2}, strict=True)
    with pytest.raises(OVHBadRequestError, match="log probabilities") as info:
        model.invoke("Hello")
    assert info.value.param == "top_logprobs"
    with pytest.raises(OVHBadRequestError, match="log probabilities"):
        model.invoke("Hello")
    assert [b.get("top_logprobs") for b in endpoint.bodies()] == [2, 2]


# ----- multi-turn: structured output, system prompt and reasoning together ----------------------


@pytest.mark.parametrize("model", ["local-reasoning", "gpt-oss-20b", "local-no-system"])
def test_multi_turn_structured_output_with_system_prompt_and_reasoning(
    endpoint: LocalEndpoint, model: str
) -> None:
    thinker = chat(endpoint, "local-reasoning", reasoning_effort="low", output_version="v1")
    earlier = thinker.invoke([SystemMessage("Be brief."), HumanMessage("Who is Ann?")])
    assert isinstance(earlier.content, list)
    (thought,) = [b for b in earlier.content if isinstance(b, dict) and b["type"] == "reasoning"]
    conversation = [
        SystemMessage("Answer with the facts given."),
        HumanMessage("Who is Ann?"),
        earlier,
        HumanMessage(PERSON_TEXT),
    ]
    structured = chat(endpoint, model, reasoning_effort="low").with_structured_output(Person)
    endpoint.clear()
    with Warned() as warned:
        assert structured.invoke(conversation) == ANN
    sent = endpoint.last_body
    assert sent["store"] is False
    assert sent["text"]["format"]["type"] == "json_schema"
    kinds = [(i.get("type"), i.get("role")) for i in sent["input"]]
    turns = [
        ("message", "user"),
        ("reasoning", None),
        ("message", "assistant"),
        ("message", "user"),
    ]
    if model == "local-no-system":
        assert len(warned.messages) == 2  # the system prompt folded, the reasoning effort dropped
        assert "reasoning" not in sent
        assert kinds == turns
        assert sent["input"][0]["content"] == "Answer with the facts given.\n\nWho is Ann?"
    else:
        assert warned.messages == []
        assert sent["reasoning"] == {"effort": "low"}
        assert kinds == [("message", "system"), *turns]
    # the earlier answer's reasoning goes back as the server's own item, before its answer
    (replayed,) = [item for item in sent["input"] if item.get("type") == "reasoning"]
    assert replayed.get("id") == thought["id"]


# ----- the chat-completions route ---------------------------------------------------------------

ROUTED = "local-chat-completions-only"


def test_fallback_route_invoke_and_stream(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, ROUTED)
    answer = model.invoke(SYSTEM)
    assert answer.content
    assert answer.usage_metadata is not None
    assert answer.usage_metadata["output_tokens"] > 0
    assert endpoint.last_body["messages"][0] == {"role": "system", "content": "Be brief."}
    chunks = list(model.stream("Hello"))
    assert "".join(str(c.content) for c in chunks) == answer.content
    assert [r.path for r in endpoint.requests] == ["/v1/chat/completions"] * 2


async def test_fallback_route_async(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, ROUTED)
    assert (await model.ainvoke("Hello")).content
    assert [c async for c in model.astream("Hello")]
    assert [r.path for r in endpoint.requests] == ["/v1/chat/completions"] * 2


def test_fallback_route_tools_round_trip(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, ROUTED).bind_tools([get_weather])
    question = HumanMessage("Use get_weather for Paris")
    call = model.invoke([question])
    assert isinstance(call, AIMessage)
    assert call.tool_calls[0]["args"] == {"city": "Paris"}
    result = ToolMessage(
        get_weather.invoke(call.tool_calls[0]["args"]), tool_call_id=call.tool_calls[0]["id"]
    )
    final = model.invoke([question, call, result])
    assert "sunny" in str(final.content)
    sent = endpoint.last_body["messages"]
    assert sent[-1] == {
        "role": "tool",
        "tool_call_id": call.tool_calls[0]["id"],
        "content": "It is sunny in Paris.",
    }
    streamed = list(model.stream([question]))
    assert any(c.tool_call_chunks for c in streamed)


def test_fallback_route_structured_output(endpoint: LocalEndpoint) -> None:
    model = chat(endpoint, ROUTED).with_structured_output(Person)
    assert model.invoke(PERSON_TEXT) == ANN
    assert endpoint.last_body["response_format"]["type"] == "json_schema"
    assert list(model.stream(PERSON_TEXT))[-1] == ANN
    tools = chat(endpoint, ROUTED).with_structured_output(Person, method="function_calling")
    assert tools.invoke(PERSON_TEXT) == ANN


def test_a_model_missing_from_responses_is_learned(unknown: LocalEndpoint) -> None:
    model = chat(unknown, "acme-chat-only")
    with Warned() as warned:
        assert model.invoke("Hello").content
    assert len(warned.messages) == 1
    assert "not served on /v1/responses" in warned.messages[0]
    assert [r.path for r in unknown.requests] == ["/v1/responses", "/v1/chat/completions"]
    unknown.clear()
    assert list(model.stream("Hello"))
    assert [r.path for r in unknown.requests] == ["/v1/chat/completions"]


def test_the_route_can_be_chosen(endpoint: LocalEndpoint) -> None:
    chat(endpoint, "local-chat", route="chat_completions").invoke("Hello")
    assert endpoint.last_request.path == "/v1/chat/completions"
    with pytest.raises(OVHModelNotOnRouteError, match="not available on route"):
        chat(endpoint, ROUTED, route="responses").invoke("Hello")


# ----- what the model is ------------------------------------------------------------------------


def test_profile_and_list_models(endpoint: LocalEndpoint) -> None:
    profile = chat(endpoint, "local-tool-choice-auto-only").profile
    assert profile is not None
    assert profile["tool_calling"] is True
    assert profile["tool_choice"] is False
    assert profile["max_input_tokens"] == 8192
    reasoning = chat(endpoint, "gpt-oss-120b").profile
    assert reasoning is not None
    assert (reasoning["reasoning_output"], reasoning["image_inputs"]) == (True, False)
    assert reasoning["max_input_tokens"] == 131072
    listed = {m.id: m for m in chat(endpoint, "local-chat").list_models()}
    assert listed["local-small-context"].context_window == 128
    assert listed[ROUTED].profile.route == "chat_completions"


async def test_alist_models(endpoint: LocalEndpoint) -> None:
    listed = await chat(endpoint, "local-chat").alist_models()
    assert "local-no-system" in {m.id for m in listed}


# ----- the user's word: overrides and LangChain's profile ----------------------------------------


def test_an_override_wins_over_the_table(
    endpoint: LocalEndpoint, make_endpoint: Callable[..., LocalEndpoint]
) -> None:
    server = make_endpoint(models=[NO_SYSTEM_BY_TABLE_ONLY, MORE_CAPABLE["tools"]])
    model = chat(server, "local-no-system", model_profile={"accepts_system_prompt": True})
    with Warned() as warned:
        assert model.invoke(SYSTEM).content
    assert warned.messages == []
    assert system_sent_as_is(server)
    tools = chat(server, "Qwen2.5-VL-72B-Instruct", model_profile={"tool_calling": True})
    assert tools.profile is not None
    assert tools.profile["tool_calling"] is True  # what create_agent reads
    table = chat(server, "Qwen2.5-VL-72B-Instruct").profile  # same model, no override
    assert table == {**tools.profile, "tool_calling": False, "tool_choice": False}
    assert tools.profile["tool_calling"] is True


async def each_way(model: ChatOVHResponses) -> AsyncIterator[str]:
    model.invoke(SYSTEM)
    yield "invoke"
    await model.ainvoke(SYSTEM)
    yield "ainvoke"
    list(model.stream(SYSTEM))
    yield "stream"
    [chunk async for chunk in model.astream(SYSTEM)]
    yield "astream"


async def test_each_instance_keeps_its_own_word_on_a_shared_model(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    await check_each_instance_keeps_its_own_word(
        make_endpoint, lambda ep, model, word: chat(ep, model, model_profile=word), each_way
    )


def test_an_override_wins_over_what_was_learned(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    spec, says = REFUSED_CAPABILITIES["tools"]
    server = make_endpoint(models=[spec])
    with pytest.raises(UnsupportedFeatureError, match=says):
        ask_tools(chat(server, spec.id))
    assert chat(server, spec.id).profile == {
        **langchain_profile(spec.id),
        "tool_calling": False,
        "tool_choice": False,
    }
    trusting = chat(server, spec.id, model_profile={"tool_calling": True})
    with pytest.raises(UnsupportedFeatureError, match=says):
        ask_tools(trusting)  # sent again, because the user said so; refused again
    assert len(server.requests) == 2


async def last_of(chunks: AsyncIterator[Any]) -> Any:
    return [chunk async for chunk in chunks][-1]


@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream", "astream"])
def test_profile_follows_what_the_server_taught_and_create_agent_sees_it(
    make_endpoint: Callable[..., LocalEndpoint], how: str
) -> None:
    spec = STRICTER["json_schema"]  # an id the table does not know; refuses json_schema
    server = make_endpoint(models=[spec])
    model = chat(server, spec.id)
    assert model.profile is not None
    assert model.profile["structured_output"] is True  # assumed, for an unknown id
    structured = model.with_structured_output(Person)
    with Warned() as warned:
        if how == "invoke":
            assert structured.invoke(PERSON_TEXT) == ANN
        elif how == "ainvoke":
            assert asyncio.run(structured.ainvoke(PERSON_TEXT)) == ANN
        elif how == "stream":
            assert list(structured.stream(PERSON_TEXT))[-1] == ANN
        else:
            assert asyncio.run(last_of(structured.astream(PERSON_TEXT))) == ANN
    assert len(warned.messages) == 1
    assert len(server.requests) == 2  # refused, then sent adapted
    assert model.profile["structured_output"] is False
    assert model.profile["tool_calling"] is True
    server.clear()
    agent = create_agent(model, [], response_format=Person)  # auto: read from .profile
    out = agent.invoke({"messages": [("user", PERSON_TEXT)]})
    assert out["structured_response"] == ANN
    sent = server.bodies()
    assert len(sent) == 1  # the tool strategy at once: no 400, no adapting
    assert [t["name"] for t in sent[0]["tools"]] == ["Person"]
    assert "text" not in sent[0]


def test_profile_follows_a_refusal_another_instance_learned_after_its_next_call(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    spec = STRICTER["json_schema"]
    server = make_endpoint(models=[spec])
    learner, other = chat(server, spec.id), chat(server, spec.id)
    with Warned():
        assert learner.with_structured_output(Person).invoke(PERSON_TEXT) == ANN
    assert other.invoke("Hello").content
    assert other.profile is not None
    assert other.profile["structured_output"] is False


def test_profile_keeps_the_users_word_after_the_server_taught_otherwise(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    spec, says = REFUSED_CAPABILITIES["tools"]
    server = make_endpoint(models=[spec])
    plain = chat(server, spec.id)
    trusting = chat(server, spec.id, model_profile={"tool_calling": True})
    given = {"tool_calling": True, "max_input_tokens": 1000}
    theirs = chat(server, spec.id, profile=given)
    with pytest.raises(UnsupportedFeatureError, match=says):
        ask_tools(plain)
    assert plain.profile is not None
    assert plain.profile["tool_calling"] is False
    with pytest.raises(UnsupportedFeatureError, match=says):
        ask_tools(trusting)
    assert trusting.profile is not None
    assert trusting.profile["tool_calling"] is True
    with pytest.raises(UnsupportedFeatureError, match=says):
        ask_tools(theirs)
    assert theirs.profile == given


def test_a_langchain_profile_given_is_the_users_word(endpoint: LocalEndpoint) -> None:
    given = {"structured_output": False, "tool_calling": True}
    model = chat(endpoint, "local-chat", profile=given)
    assert model.profile == given
    with Warned() as warned:
        assert model.with_structured_output(Person).invoke(PERSON_TEXT) == ANN
    assert len(warned.messages) == 1
    assert "does not enforce JSON schemas" in warned.messages[0]
    assert endpoint.last_body["tool_choice"] == {"type": "function", "name": "Person"}


def test_a_registered_profile_describes_models_the_table_does_not_know(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[ModelSpec("acme-new-7b", 8192, system_prompt=False)])
    register_profile(r"acme-new-", {"accepts_system_prompt": False, "context_window": 8192})
    try:
        model = chat(server, "acme-new-7b")
        assert model.profile is not None
        assert model.profile["max_input_tokens"] == 8192
        with Warned() as warned:
            assert model.invoke(SYSTEM).content
        assert len(server.requests) == 1  # folded before sending: no refusal to learn from
        assert "does not accept system prompts" in warned.messages[0]
    finally:
        forget_registered_profiles()


def test_an_embedding_model_used_for_chat_says_so(endpoint: LocalEndpoint) -> None:
    with pytest.raises(EmbeddingModelError, match=r"is an embedding model.*OVHEmbeddings"):
        chat(endpoint, "local-embedding").invoke("Hello")
    assert LEARNED.refine(endpoint.base_url, "local-embedding", DEFAULT_PROFILE).route == (
        "responses"
    )


def test_a_model_the_table_does_not_know_works_with_several_limits_at_once(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    def structured(model: ChatOVHResponses) -> None:
        prompt = [SystemMessage("Answer with the facts."), HumanMessage(PERSON_TEXT)]
        assert model.with_structured_output(Person).invoke(prompt) == ANN

    check_combined(
        make_endpoint, lambda ep, model: chat(ep, model, reasoning_effort="low"), structured
    )
