"""OVHResponses on models with limits, over real HTTP: each limit adapted with one warning,
refused before sending with ``strict=True``, learned from the server's 400 when no profile knew
it, and the /v1/chat/completions route for a model /v1/responses does not serve."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, ImageBlock, TextBlock, ThinkingBlock
from llama_index.core.prompts import ChatPromptTemplate, PromptTemplate
from llama_index.core.tools import FunctionTool
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

from llama_index_ovh_responses import OVHResponses
from ovh_responses.errors import (
    BadRequestError,
    EmbeddingModelError,
    ModelNotOnRouteError,
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


def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny in {city}."


def get_time(city: str) -> str:
    """Get the current time in a city."""
    return f"It is 14:30 in {city}."


WEATHER = FunctionTool.from_defaults(fn=get_weather)
TIME = FunctionTool.from_defaults(fn=get_time)


PROMPT = PromptTemplate("{text}")
SYSTEM = [
    ChatMessage(role="system", content="Be brief."),
    ChatMessage(role="user", content="Hello"),
]
ROUTED = "local-chat-completions-only"


pytestmark = pytest.mark.usefixtures("forget_process_memory")


def llm(endpoint: LocalEndpoint, model: str, **kwargs: Any) -> OVHResponses:
    return OVHResponses(model, api_base=endpoint.base_url, max_retries=0, **kwargs)


# ----- system prompts ---------------------------------------------------------------------------


def test_system_prompt_is_folded_into_the_first_user_turn(endpoint: LocalEndpoint) -> None:
    with Warned() as warned:
        answer = llm(endpoint, "local-no-system").chat(SYSTEM)
    assert len(warned.messages) == 1
    assert "does not accept system prompts" in warned.messages[0]
    assert answer.message.content
    sent = endpoint.last_body
    assert "instructions" not in sent
    assert sent["input"] == [
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Be brief."},
                {"type": "input_text", "text": "Hello"},
            ],
        }
    ]


def test_strict_refuses_a_system_prompt_before_sending(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-no-system", strict=True)
    with pytest.raises(UnsupportedFeatureError, match="does not accept system prompts"):
        model.chat(SYSTEM)
    with pytest.raises(UnsupportedFeatureError):
        list(model.stream_chat(SYSTEM))
    assert endpoint.requests == []


# ----- tool_choice ------------------------------------------------------------------------------


def test_required_tool_choice_is_sent_as_auto_and_checked(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-tool-choice-auto-only")
    with Warned() as warned:
        answer = model.chat_with_tools(
            [WEATHER], user_msg="Use get_weather for Paris", tool_required=True
        )
    assert len(warned.messages) == 1
    assert endpoint.last_body["tool_choice"] == "auto"
    calls = model.get_tool_calls_from_response(answer)
    assert [c.tool_name for c in calls] == ["get_weather"]
    with pytest.raises(RequiredToolNotCalledError):
        model.chat_with_tools([WEATHER], user_msg="Say hello", tool_required=True)
    with pytest.raises(RequiredToolNotCalledError):
        list(model.stream_chat_with_tools([WEATHER], user_msg="Say hello", tool_required=True))


def test_strict_refuses_a_tool_choice_the_model_lacks(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-tool-choice-auto-only", strict=True)
    with pytest.raises(UnsupportedFeatureError, match="only accepts tool_choice 'auto'"):
        model.chat_with_tools([WEATHER], user_msg="weather in Paris", tool_choice="get_weather")
    assert endpoint.requests == []


# ----- parallel tool calls ----------------------------------------------------------------------


def test_parallel_calls_are_switched_off_where_unsupported(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-no-parallel-tools")
    with Warned() as warned:
        answer = model.chat_with_tools(
            [WEATHER, TIME],
            user_msg="Use get_weather and get_time for Oslo",
            allow_parallel_tool_calls=True,
        )
    assert len(warned.messages) == 1
    assert endpoint.last_body["parallel_tool_calls"] is False
    assert len(model.get_tool_calls_from_response(answer)) == 1


def test_strict_refuses_parallel_calls_the_model_lacks(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-no-parallel-tools", strict=True)
    with pytest.raises(UnsupportedFeatureError, match="cannot call tools in parallel"):
        model.chat_with_tools(
            [WEATHER, TIME],
            user_msg="Use get_weather and get_time for Oslo",
            allow_parallel_tool_calls=True,
        )
    assert endpoint.requests == []


# ----- structured output ------------------------------------------------------------------------


def test_structured_output_that_cannot_stream_arrives_as_a_stream(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-no-stream-structured")
    with Warned() as warned:
        objects = list(model.stream_structured_predict(Person, PROMPT, text=PERSON_TEXT))
    assert len(warned.messages) == 1
    assert "cannot stream structured output" in warned.messages[0]
    assert objects[-1] == ANN
    assert endpoint.last_body.get("stream") is not True


async def test_structured_output_that_cannot_stream_async(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-no-stream-structured")
    with Warned():
        stream = await model.astream_structured_predict(Person, PROMPT, text=PERSON_TEXT)
        objects = [o async for o in stream]
    assert objects[-1] == ANN
    assert endpoint.last_body.get("stream") is not True


def test_strict_refuses_streamed_structured_output_before_sending(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, "local-no-stream-structured", strict=True)
    with pytest.raises(UnsupportedFeatureError, match="cannot stream structured output"):
        list(model.stream_structured_predict(Person, PROMPT, text=PERSON_TEXT))
    assert endpoint.requests == []


def test_json_schema_where_not_enforced_goes_through_a_tool_call(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[NO_JSON_SCHEMA])
    model = llm(server, NO_JSON_SCHEMA.id)
    with Warned() as warned:
        assert model.structured_predict(Person, PROMPT, text=PERSON_TEXT) == ANN
    assert len(warned.messages) == 1
    assert "does not enforce JSON schemas" in warned.messages[0]
    sent = server.last_body
    assert "text" not in sent
    assert sent["tool_choice"] == {"type": "function", "name": "Person"}
    assert list(model.stream_structured_predict(Person, PROMPT, text=PERSON_TEXT))[-1] == ANN
    strict = llm(server, NO_JSON_SCHEMA.id, strict=True)
    with pytest.raises(UnsupportedFeatureError, match="does not enforce JSON schemas"):
        strict.structured_predict(Person, PROMPT, text=PERSON_TEXT)
    assert len(server.requests) == 2


# ----- reasoning, tools, images -----------------------------------------------------------------


def test_reasoning_options_are_dropped_for_a_model_without_them(endpoint: LocalEndpoint) -> None:
    with Warned() as warned:
        llm(endpoint, "local-chat", reasoning_effort="high").complete("Hello")
    assert len(warned.messages) == 1
    assert "reasoning" not in endpoint.last_body
    with pytest.raises(UnsupportedFeatureError, match="no reasoning effort control"):
        llm(endpoint, "local-chat", reasoning_effort="high", strict=True).complete("Hello")
    assert len(endpoint.requests) == 1


LOOK = [
    ChatMessage(
        role="user",
        blocks=[
            TextBlock(text="What is this?"),
            ImageBlock(image=b"\x89PNG", image_mimetype="image/png"),
        ],
    )
]


def ask_tools(model: OVHResponses) -> None:
    answer = model.chat_with_tools([WEATHER], user_msg="Use get_weather for Rome")
    calls = model.get_tool_calls_from_response(answer, error_on_no_tool_call=False)
    assert [c.tool_name for c in calls] == ["get_weather"]


def ask_image(model: OVHResponses) -> None:
    assert model.chat(LOOK).message.content


# ----- a platform stricter than the table: each refusal learned ----------------------------------


def _system(model: OVHResponses) -> None:
    assert model.chat(SYSTEM).message.content


def _tool_choice(model: OVHResponses) -> None:
    answer = model.chat_with_tools(
        [WEATHER], user_msg="Use get_weather for Rome", tool_required=True
    )
    assert [c.tool_name for c in model.get_tool_calls_from_response(answer)] == ["get_weather"]


def _parallel(model: OVHResponses) -> None:
    answer = model.chat_with_tools(
        [WEATHER, TIME],
        user_msg="Use get_weather and get_time for Oslo",
        allow_parallel_tool_calls=True,
    )
    assert len(model.get_tool_calls_from_response(answer)) == 1


def _structured(model: OVHResponses) -> None:
    assert model.structured_predict(Person, PROMPT, text=PERSON_TEXT) == ANN


def _structured_stream(model: OVHResponses) -> None:
    assert list(model.stream_structured_predict(Person, PROMPT, text=PERSON_TEXT))[-1] == ANN


def _reasoning(model: OVHResponses) -> None:
    assert model.complete("Hello", reasoning={"effort": "low"}).text


# ----- the same, async --------------------------------------------------------------------------


def _system_async(model: OVHResponses) -> None:
    assert asyncio.run(model.achat(SYSTEM)).message.content


def _structured_async(model: OVHResponses) -> None:
    assert asyncio.run(model.astructured_predict(Person, PROMPT, text=PERSON_TEXT)) == ANN


def _structured_stream_async(model: OVHResponses) -> None:
    async def objects() -> list[Any]:
        stream = await model.astream_structured_predict(Person, PROMPT, text=PERSON_TEXT)
        return [o async for o in stream]

    assert asyncio.run(objects())[-1] == ANN


ASKS: dict[str, Callable[[OVHResponses], None]] = {
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


def build(endpoint: LocalEndpoint, model: str, strict: bool) -> OVHResponses:
    return llm(endpoint, model, strict=strict)


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


def test_parameters_the_platform_may_ignore_are_dropped(endpoint: LocalEndpoint) -> None:
    with Warned() as warned:
        llm(endpoint, "local-chat").complete("Hello", service_tier="flex")
    assert len(warned.messages) == 1
    assert "service_tier" not in endpoint.last_body
    with pytest.raises(UnsupportedFeatureError, match="service_tier"):
        llm(endpoint, "local-chat", strict=True).complete("Hello", service_tier="flex")
    assert len(endpoint.requests) == 1


# ----- learned limits ---------------------------------------------------------------------------


def _has(body: dict[str, Any], refused: str) -> bool:
    if refused == "instructions":
        return any(item.get("role") == "system" for item in body["input"])
    return refused in body


@pytest.mark.parametrize(
    ("model", "settings", "tools", "refused"),
    [
        ("acme-no-system", {}, False, "instructions"),
        ("acme-no-reasoning", {"reasoning_effort": "low"}, False, "reasoning"),
        ("acme-auto-only", {}, True, "tool_choice"),
    ],
)
def test_a_refused_optional_parameter_is_learned(
    unknown: LocalEndpoint, model: str, settings: dict[str, Any], tools: bool, refused: str
) -> None:
    chat_model = llm(unknown, model, **settings)
    history = [ChatMessage(role="system", content="Be brief.")]

    def ask() -> object:
        question = "Use get_weather for Rome"
        if tools:
            return chat_model.chat_with_tools(
                [WEATHER], user_msg=question, chat_history=history, tool_required=True
            )
        return chat_model.chat([*history, ChatMessage(role="user", content=question)])

    with Warned() as warned:
        ask()
    assert len(warned.messages) == 1
    assert "refused" in warned.messages[0]
    first, second = unknown.bodies()
    assert _has(first, refused)
    assert not _has(second, refused)
    unknown.clear()
    with Warned() as warned:
        ask()
    assert warned.messages == []
    assert len(unknown.bodies()) == 1
    assert not _has(unknown.last_body, refused)


def test_refused_structured_streaming_is_learned(unknown: LocalEndpoint) -> None:
    model = llm(unknown, "acme-no-stream-structured")
    with Warned() as warned:
        assert list(model.stream_structured_predict(Person, PROMPT, text=PERSON_TEXT))[-1] == ANN
    assert len(warned.messages) == 1
    assert [b.get("stream") is True for b in unknown.bodies()] == [True, False]
    unknown.clear()
    assert list(model.stream_structured_predict(Person, PROMPT, text=PERSON_TEXT))[-1] == ANN
    assert [b.get("stream") is True for b in unknown.bodies()] == [False]


def test_strict_mode_does_not_learn(unknown: LocalEndpoint) -> None:
    with pytest.raises(BadRequestError, match="System role not supported"):
        llm(unknown, "acme-no-system", strict=True).chat(SYSTEM)
    assert len(unknown.requests) == 1


def test_refused_parallel_calls_are_learned(unknown: LocalEndpoint) -> None:
    model = llm(unknown, "acme-rejects-parallel")
    question = "Use get_weather and get_time for Oslo"
    with Warned() as warned:
        answer = model.chat_with_tools(
            [WEATHER, TIME], user_msg=question, allow_parallel_tool_calls=True
        )
    assert len(warned.messages) == 1
    assert "refused" in warned.messages[0]
    assert [c.tool_name for c in model.get_tool_calls_from_response(answer)] == ["get_weather"]
    first, second = unknown.bodies()
    assert first["parallel_tool_calls"] is True
    assert "parallel_tool_calls" not in second
    unknown.clear()
    with Warned() as warned:
        streamed = list(
            model.stream_chat_with_tools(
                [WEATHER, TIME], user_msg=question, allow_parallel_tool_calls=True
            )
        )
    assert warned.messages == []
    assert model.get_tool_calls_from_response(streamed[-1])[0].tool_name == "get_weather"
    assert len(unknown.bodies()) == 1
    assert "parallel_tool_calls" not in unknown.last_body


NO_LOGPROBS = "local-no-logprobs"


def test_refused_logprobs_are_learned(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, NO_LOGPROBS, additional_kwargs={"top_logprobs": 2})
    with Warned() as warned:
        assert model.complete("Hello").text
    assert len(warned.messages) == 1
    assert "top_logprobs" in warned.messages[0]
    assert [b.get("top_logprobs") for b in endpoint.bodies()] == [2, None]
    endpoint.clear()
    with Warned() as warned:
        assert list(model.stream_chat([ChatMessage(role="user", content="Hello")]))[-1].message
    assert warned.messages == []
    assert len(endpoint.bodies()) == 1
    assert "top_logprobs" not in endpoint.last_body


def test_strict_mode_sends_logprobs_and_raises_the_refusal(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, NO_LOGPROBS, additional_kwargs={"top_logprobs": 2}, strict=True)
    with pytest.raises(BadRequestError, match="log probabilities") as info:
        model.complete("Hello")
    assert info.value.param == "top_logprobs"
    with pytest.raises(BadRequestError, match="log probabilities"):
        model.complete("Hello")
    assert [b.get("top_logprobs") for b in endpoint.bodies()] == [2, 2]


# ----- multi-turn: structured output, system prompt and reasoning together ----------------------


@pytest.mark.parametrize("model", ["local-reasoning", "gpt-oss-20b", "local-no-system"])
def test_multi_turn_structured_output_with_system_prompt_and_reasoning(
    endpoint: LocalEndpoint, model: str
) -> None:
    thinker = llm(endpoint, "local-reasoning", reasoning_effort="low")
    earlier = thinker.chat(
        [
            ChatMessage(role="system", content="Be brief."),
            ChatMessage(role="user", content="Who is Ann?"),
        ]
    ).message
    (thought,) = [b for b in earlier.blocks if isinstance(b, ThinkingBlock)]
    conversation = ChatPromptTemplate(
        message_templates=[
            ChatMessage(role="system", content="Answer with the facts given."),
            ChatMessage(role="user", content="Who is Ann?"),
            earlier,
            ChatMessage(role="user", content="{text}"),
        ]
    )
    structured = llm(endpoint, model, reasoning_effort="low")
    endpoint.clear()
    with Warned() as warned:
        assert structured.structured_predict(Person, conversation, text=PERSON_TEXT) == ANN
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
        assert [p["text"] for p in sent["input"][0]["content"]] == [
            "Answer with the facts given.",
            "Who is Ann?",
        ]
    else:
        assert warned.messages == []
        assert sent["reasoning"] == {"effort": "low"}
        assert kinds == [("message", "system"), *turns]
    # the earlier answer's reasoning goes back as the server's own item, before its answer
    (replayed,) = [item for item in sent["input"] if item.get("type") == "reasoning"]
    assert replayed.get("id") == thought.additional_information["id"]


# ----- the chat-completions route ---------------------------------------------------------------


def test_fallback_route_chat_and_stream(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, ROUTED)
    answer = model.chat(SYSTEM)
    assert answer.message.content
    assert endpoint.last_body["messages"][0] == {"role": "system", "content": "Be brief."}
    chunks = list(model.stream_chat(SYSTEM))
    assert chunks[-1].message.content == answer.message.content
    assert model.complete("Hello").text
    assert [r.path for r in endpoint.requests] == ["/v1/chat/completions"] * 3


async def test_fallback_route_async(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, ROUTED)
    assert (await model.achat(SYSTEM)).message.content
    chunks = [c async for c in await model.astream_chat(SYSTEM)]
    assert chunks[-1].message.content
    assert [r.path for r in endpoint.requests] == ["/v1/chat/completions"] * 2


def test_fallback_route_tools_round_trip(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, ROUTED)
    question = ChatMessage(role="user", content="Use get_weather for Paris")
    answer = model.chat_with_tools([WEATHER], chat_history=[question])
    (call,) = model.get_tool_calls_from_response(answer)
    assert (call.tool_name, call.tool_kwargs) == ("get_weather", {"city": "Paris"})
    output = ChatMessage(
        role="tool",
        content=get_weather(**call.tool_kwargs),
        additional_kwargs={"tool_call_id": call.tool_id},
    )
    final = model.chat_with_tools([WEATHER], chat_history=[question, answer.message, output])
    assert "sunny" in (final.message.content or "")
    assert endpoint.last_body["messages"][-1] == {
        "role": "tool",
        "tool_call_id": call.tool_id,
        "content": "It is sunny in Paris.",
    }
    streamed = list(model.stream_chat_with_tools([WEATHER], chat_history=[question]))
    assert model.get_tool_calls_from_response(streamed[-1])[0].tool_name == "get_weather"


def test_fallback_route_structured_output(endpoint: LocalEndpoint) -> None:
    model = llm(endpoint, ROUTED)
    assert model.structured_predict(Person, PROMPT, text=PERSON_TEXT) == ANN
    assert endpoint.last_body["response_format"]["type"] == "json_schema"
    assert list(model.stream_structured_predict(Person, PROMPT, text=PERSON_TEXT))[-1] == ANN


def test_a_model_missing_from_responses_is_learned(unknown: LocalEndpoint) -> None:
    model = llm(unknown, "acme-chat-only")
    with Warned() as warned:
        assert model.complete("Hello").text
    assert len(warned.messages) == 1
    assert "not served on /v1/responses" in warned.messages[0]
    assert [r.path for r in unknown.requests] == ["/v1/responses", "/v1/chat/completions"]
    unknown.clear()
    assert list(model.stream_complete("Hello"))
    assert [r.path for r in unknown.requests] == ["/v1/chat/completions"]


def test_the_route_can_be_chosen(endpoint: LocalEndpoint) -> None:
    llm(endpoint, "local-chat", route="chat_completions").complete("Hello")
    assert endpoint.last_request.path == "/v1/chat/completions"
    with pytest.raises(ModelNotOnRouteError, match="not available on route"):
        llm(endpoint, ROUTED, route="responses").complete("Hello")


# ----- what the model is ------------------------------------------------------------------------


def test_metadata_and_list_models(make_endpoint: Callable[..., LocalEndpoint]) -> None:
    server = make_endpoint(models=[ModelSpec("local-no-system", 4096, system_prompt=False)])
    model = llm(server, "local-no-system")
    assert model.metadata.context_window == 8192  # the built-in profile, before any listing
    assert [(m.id, m.context_window) for m in model.list_models()] == [("local-no-system", 4096)]
    assert model.metadata.context_window == 4096


async def test_alist_models(endpoint: LocalEndpoint) -> None:
    listed = {m.id: m for m in await llm(endpoint, "local-chat").alist_models()}
    assert listed[ROUTED].profile.route == "chat_completions"


# ----- the user's word: overrides, and metadata following it ------------------------------------


def test_an_override_wins_over_the_table(
    endpoint: LocalEndpoint, make_endpoint: Callable[..., LocalEndpoint]
) -> None:
    server = make_endpoint(models=[NO_SYSTEM_BY_TABLE_ONLY, MORE_CAPABLE["tools"]])
    model = llm(server, "local-no-system", model_profile={"accepts_system_prompt": True})
    with Warned() as warned:
        assert model.chat(SYSTEM).message.content
    assert warned.messages == []
    assert system_sent_as_is(server)
    tools = llm(server, "Qwen2.5-VL-72B-Instruct", model_profile={"tool_calling": True})
    assert tools.metadata.is_function_calling_model is True
    ask_tools(tools)
    table = llm(server, "Qwen2.5-VL-72B-Instruct")  # same model, no override
    assert table.metadata.is_function_calling_model is False
    assert tools.metadata.is_function_calling_model is True


async def each_way(model: OVHResponses) -> AsyncIterator[str]:
    model.chat(SYSTEM)
    yield "chat"
    await model.achat(SYSTEM)
    yield "achat"
    list(model.stream_chat(SYSTEM))
    yield "stream_chat"
    [chunk async for chunk in await model.astream_chat(SYSTEM)]
    yield "astream_chat"


async def test_each_instance_keeps_its_own_word_on_a_shared_model(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    await check_each_instance_keeps_its_own_word(
        make_endpoint, lambda ep, model, word: llm(ep, model, model_profile=word), each_way
    )


def test_an_unknown_flag_in_an_override_is_refused_at_construction(
    endpoint: LocalEndpoint,
) -> None:
    with pytest.raises(ValueError, match=r"Unknown model profile flag\(s\) tools;.*tool_calling"):
        llm(endpoint, "local-chat", model_profile={"tools": True})


def test_metadata_follows_what_the_server_taught_and_the_override_wins(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    spec, says = REFUSED_CAPABILITIES["tools"]
    server = make_endpoint(models=[spec])
    model = llm(server, spec.id)
    assert model.metadata.is_function_calling_model is True  # unknown id: assumed
    with pytest.raises(UnsupportedFeatureError, match=says):
        ask_tools(model)
    assert model.metadata.is_function_calling_model is False
    trusting = llm(server, spec.id, model_profile={"tool_calling": True, "context_window": 4096})
    assert model.metadata.is_function_calling_model is False  # the other instance's word
    assert trusting.metadata.is_function_calling_model is True
    assert trusting.metadata.context_window == 4096
    with pytest.raises(UnsupportedFeatureError, match=says):
        ask_tools(trusting)  # sent again, because the user said so; refused again
    assert len(server.requests) == 2


def test_a_registered_profile_describes_models_the_table_does_not_know(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    server = make_endpoint(models=[ModelSpec("acme-new-7b", 8192, system_prompt=False)])
    register_profile(r"acme-new-", {"accepts_system_prompt": False, "context_window": 8192})
    try:
        model = llm(server, "acme-new-7b")
        assert model.metadata.context_window == 8192
        with Warned() as warned:
            assert model.chat(SYSTEM).message.content
        assert len(server.requests) == 1  # folded before sending: no refusal to learn from
        assert "does not accept system prompts" in warned.messages[0]
    finally:
        forget_registered_profiles()


def test_an_embedding_model_used_for_chat_says_so(endpoint: LocalEndpoint) -> None:
    with pytest.raises(EmbeddingModelError, match=r"is an embedding model.*OVHEmbedding"):
        llm(endpoint, "local-embedding").complete("Hello")
    assert LEARNED.refine(endpoint.base_url, "local-embedding", DEFAULT_PROFILE).route == (
        "responses"
    )


def test_a_model_the_table_does_not_know_works_with_several_limits_at_once(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    template = ChatPromptTemplate(
        [
            ChatMessage(role="system", content="Answer with the facts."),
            ChatMessage(role="user", content="{text}"),
        ]
    )

    def structured(model: OVHResponses) -> None:
        assert model.structured_predict(Person, template, text=PERSON_TEXT) == ANN

    check_combined(
        make_endpoint, lambda ep, model: llm(ep, model, reasoning_effort="low"), structured
    )
