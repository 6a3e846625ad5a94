"""LangChain 1.x agents (``create_agent``) over HTTP, and ``response_format`` in every shape
``ChatOpenAI`` takes becoming ``text.format``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain.agents.structured_output import ProviderStrategy, ToolStrategy
from langchain_core.messages import AIMessageChunk, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from langchain_ovh_responses import ChatOVHResponses, OVHBadRequestError
from langchain_ovh_responses._structured import response_format_text_format
from ovh_responses import RequiredToolNotCalledError
from ovh_responses.testing import LocalEndpoint


class Weather(BaseModel):
    """The weather in a city."""

    city: str = Field(description="The city")
    temperature_c: int = Field(description="Temperature in degrees Celsius")


class WeatherDict(TypedDict):
    """The weather in a city."""

    city: str
    temperature_c: int


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"It is 21 degrees in {city}."


QUESTION = {"messages": [("user", "What is the weather in Paris? Use get_weather.")]}
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "temperature_c": {"type": "integer"}},
    "required": ["city", "temperature_c"],
}
STRICT_WEATHER_SCHEMA = {**WEATHER_SCHEMA, "additionalProperties": False}


def _model(endpoint: LocalEndpoint, model: str = "gpt-oss-120b", **kw: Any) -> ChatOVHResponses:
    return ChatOVHResponses(model=model, base_url=endpoint.base_url, **kw)


def _formats(endpoint: LocalEndpoint) -> list[Any]:
    return [body.get("text", {}).get("format") for body in endpoint.bodies()]


# ----- response_format shapes -> text.format (pure) ----------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"type": "json_schema", "json_schema": {"name": "Weather", "schema": WEATHER_SCHEMA}},
            {"type": "json_schema", "name": "Weather", "schema": WEATHER_SCHEMA, "strict": False},
        ),
        (
            {
                "type": "json_schema",
                "json_schema": {
                    "name": "w",
                    "description": "d",
                    "schema": WEATHER_SCHEMA,
                    "strict": True,
                },
            },
            {
                "type": "json_schema",
                "name": "w",
                "schema": STRICT_WEATHER_SCHEMA,
                "strict": True,
                "description": "d",
            },
        ),
        (
            {"name": "Weather", "schema": WEATHER_SCHEMA},
            {"type": "json_schema", "name": "Weather", "schema": WEATHER_SCHEMA, "strict": False},
        ),
        ({"type": "json_object"}, {"type": "json_object"}),
        ({"type": "text"}, {"type": "text"}),
        (
            {"type": "json_schema", "name": "w", "schema": WEATHER_SCHEMA, "strict": False},
            {"type": "json_schema", "name": "w", "schema": WEATHER_SCHEMA, "strict": False},
        ),
        (
            {"title": "Weather", **WEATHER_SCHEMA},
            {
                "type": "json_schema",
                "name": "Weather",
                "schema": STRICT_WEATHER_SCHEMA,
                "strict": True,
            },
        ),
    ],
    ids=[
        "chat-json-schema",
        "chat-json-schema-strict",
        "inner-json-schema",
        "json-object",
        "text",
        "responses-format",
        "bare-json-schema",
    ],
)
def test_response_format_shapes_become_text_format(given: Any, expected: Any) -> None:
    assert response_format_text_format(given) == expected


@pytest.mark.parametrize("schema", [Weather, WeatherDict], ids=["pydantic", "typeddict"])
def test_response_format_classes_become_strict_formats(schema: type) -> None:
    fmt = response_format_text_format(schema)
    assert fmt["type"] == "json_schema"
    assert (fmt["name"], fmt["strict"]) == (schema.__name__, True)
    assert fmt["schema"]["required"] == ["city", "temperature_c"]
    assert response_format_text_format(schema, strict=False)["strict"] is False


def test_a_response_format_of_no_known_shape_is_refused_before_sending(
    endpoint: LocalEndpoint,
) -> None:
    with pytest.raises(ValueError, match=r"response_format must be .*MyModel"):
        _model(endpoint).bind(response_format="json")
    with pytest.raises(ValueError, match="response_format must be"):
        _model(endpoint).invoke("hi", response_format=42)
    assert endpoint.bodies() == []


# ----- response_format through bind_tools, bind, model_kwargs and a call -------------------

CHAT_FORMAT = {"type": "json_schema", "json_schema": {"name": "Weather", "schema": WEATHER_SCHEMA}}


def test_bind_tools_response_format_is_sent_as_text_format(endpoint: LocalEndpoint) -> None:
    llm = _model(endpoint).bind_tools([get_weather], response_format=CHAT_FORMAT)
    answer = llm.invoke("Tell me the weather in Lyon: 18 degrees.")
    body = endpoint.last_body
    assert "response_format" not in body
    assert body["text"]["format"]["name"] == "Weather"
    assert [t["name"] for t in body["tools"]] == ["get_weather"]
    assert answer.tool_calls == [] or answer.tool_calls[0]["name"] == "get_weather"


@pytest.mark.parametrize(
    "how", ["bind", "model_kwargs", "call"], ids=["bind", "model_kwargs", "call"]
)
def test_response_format_json_object_everywhere(endpoint: LocalEndpoint, how: str) -> None:
    fmt = {"type": "json_object"}
    prompt = "Give a JSON object with the 'city' key for Paris."
    if how == "bind":
        answer = _model(endpoint).bind(response_format=fmt).invoke(prompt)
    elif how == "model_kwargs":
        answer = _model(endpoint, model_kwargs={"response_format": fmt}).invoke(prompt)
    else:
        answer = _model(endpoint).invoke(prompt, response_format=fmt)
    assert "response_format" not in endpoint.last_body
    assert endpoint.last_body["text"] == {"format": {"type": "json_object"}}
    assert '"city"' in str(answer.content)


async def test_model_kwargs_response_format_pydantic_async_stream(endpoint: LocalEndpoint) -> None:
    llm = _model(endpoint, model_kwargs={"response_format": Weather, "top_logprobs": 0})
    text = ""
    async for chunk in llm.astream("Paris has 21 degrees today."):
        text += chunk.text
    body = endpoint.last_body
    assert body["text"]["format"]["name"] == "Weather"
    assert body["top_logprobs"] == 0
    assert Weather.model_validate_json(text) == Weather(city="Paris", temperature_c=21)
    assert llm.model_kwargs == {"response_format": Weather, "top_logprobs": 0}


# ----- create_agent ------------------------------------------------------------------------


def _assert_weather_run(endpoint: LocalEndpoint, out: dict[str, Any]) -> None:
    kinds = [type(m).__name__ for m in out["messages"]]
    assert kinds == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage"]
    assert out["messages"][1].tool_calls[0]["name"] == "get_weather"
    assert out["messages"][1].tool_calls[0]["args"] == {"city": "Paris"}
    assert out["structured_response"] == Weather(city="Paris", temperature_c=21)
    bodies = endpoint.bodies()
    assert len(bodies) == 2
    for body in bodies:
        assert body["store"] is False
        assert "response_format" not in body
        assert body["text"]["format"]["name"] == "Weather"
        assert body["input"][0] == {
            "type": "message",
            "role": "system",
            "content": "You answer weather questions.",
        }
        assert [t["name"] for t in body["tools"]] == ["get_weather"]


@pytest.mark.parametrize(
    "response_format",
    [ProviderStrategy(Weather), Weather],
    ids=["provider-strategy", "bare-schema-auto"],
)
def test_create_agent_provider_strategy(endpoint: LocalEndpoint, response_format: Any) -> None:
    agent = create_agent(
        _model(endpoint),
        [get_weather],
        system_prompt="You answer weather questions.",
        response_format=response_format,
    )
    _assert_weather_run(endpoint, agent.invoke(QUESTION))


async def test_create_agent_provider_strategy_async(endpoint: LocalEndpoint) -> None:
    agent = create_agent(
        _model(endpoint),
        [get_weather],
        system_prompt="You answer weather questions.",
        response_format=Weather,
    )
    _assert_weather_run(endpoint, await agent.ainvoke(QUESTION))


def test_create_agent_streamed_messages(endpoint: LocalEndpoint) -> None:
    agent = create_agent(
        _model(endpoint, streaming=True),
        [get_weather],
        system_prompt="You answer weather questions.",
        response_format=Weather,
    )
    chunks = [c for c, _ in agent.stream(QUESTION, stream_mode="messages")]
    calls = [tc for c in chunks if isinstance(c, AIMessageChunk) for tc in c.tool_call_chunks]
    assert calls[0]["name"] == "get_weather"
    assert "".join(str(tc["args"]) for tc in calls) == '{"city": "Paris"}'
    tool_index = next(i for i, c in enumerate(chunks) if isinstance(c, ToolMessage))
    after = "".join(c.text for c in chunks[tool_index + 1 :] if isinstance(c, AIMessageChunk))
    assert Weather.model_validate_json(after) == Weather(city="Paris", temperature_c=21)
    assert all(body["stream"] is True for body in endpoint.bodies())


def test_create_agent_without_tools_answers_in_one_request(endpoint: LocalEndpoint) -> None:
    agent = create_agent(_model(endpoint), [], response_format=ProviderStrategy(Weather))
    out = agent.invoke({"messages": [("user", "In Paris it is 21 degrees.")]})
    assert out["structured_response"] == Weather(city="Paris", temperature_c=21)
    body = endpoint.last_body
    assert len(endpoint.bodies()) == 1
    assert "tools" not in body
    assert body["text"]["format"]["name"] == "Weather"


def _assert_tool_strategy_run(endpoint: LocalEndpoint, out: dict[str, Any], stream: bool) -> None:
    """The data tool first, alone; then the answer tool, filled from the data tool's output."""
    assert out["structured_response"] == Weather(city="Paris", temperature_c=21)
    messages = out["messages"]
    kinds = [type(m).__name__ for m in messages]
    assert kinds == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage", "ToolMessage"]
    assert [(c["name"], c["args"]) for c in messages[1].tool_calls] == [
        ("get_weather", {"city": "Paris"})
    ]
    assert messages[2].content == "It is 21 degrees in Paris."
    assert [(c["name"], c["args"]) for c in messages[3].tool_calls] == [
        ("Weather", {"city": "Paris", "temperature_c": 21})
    ]
    bodies = endpoint.bodies()
    assert len(bodies) == 2
    for body in bodies:
        assert body["store"] is False
        assert body["stream"] is stream
        assert body["tool_choice"] == "required"
        assert [t["name"] for t in body["tools"]] == ["get_weather", "Weather"]
        assert "text" not in body
    first, second = (body["input"] for body in bodies)
    assert [i.get("role") or i["type"] for i in first] == ["system", "user"]
    assert second[:2] == first
    call, output = second[2:]
    assert (call["type"], call["name"], json.loads(call["arguments"])) == (
        "function_call",
        "get_weather",
        {"city": "Paris"},
    )
    assert output == {
        "type": "function_call_output",
        "call_id": call["call_id"],
        "output": "It is 21 degrees in Paris.",
    }


def _tool_strategy_agent(endpoint: LocalEndpoint, stream: bool) -> Any:
    return create_agent(
        _model(endpoint, streaming=stream),
        [get_weather],
        system_prompt="You answer weather questions.",
        response_format=ToolStrategy(Weather),
    )


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "streamed"])
def test_create_agent_tool_strategy(endpoint: LocalEndpoint, stream: bool) -> None:
    out = _tool_strategy_agent(endpoint, stream).invoke(QUESTION)
    _assert_tool_strategy_run(endpoint, out, stream)


@pytest.mark.parametrize("stream", [False, True], ids=["ainvoke", "astream"])
async def test_create_agent_tool_strategy_with_a_data_tool_async(
    endpoint: LocalEndpoint, stream: bool
) -> None:
    agent = _tool_strategy_agent(endpoint, stream)
    if stream:
        states = [state async for state in agent.astream(QUESTION, stream_mode="values")]
        out = states[-1]
    else:
        out = await agent.ainvoke(QUESTION)
    _assert_tool_strategy_run(endpoint, out, stream)


def test_tool_strategy_on_a_model_that_only_accepts_auto_ends_in_a_typed_error(
    endpoint: LocalEndpoint,
) -> None:
    """A model stricter than ToolStrategy needs (tool_choice 'auto' only): the data tool is still
    called alone; when the model then answers in text instead of calling Weather, the run stops
    with a typed error naming the fix, never with a missing structured response."""
    agent = create_agent(
        _model(endpoint, "local-tool-choice-auto-only"),
        [get_weather],
        response_format=ToolStrategy(Weather),
    )
    with (
        pytest.warns(match="only accepts tool_choice 'auto'"),
        pytest.raises(RequiredToolNotCalledError, match="use a model that accepts"),
    ):
        agent.invoke(QUESTION)
    first, second = endpoint.bodies()
    assert first["tool_choice"] == second["tool_choice"] == "auto"
    call = second["input"][-2]
    assert (call["type"], call["name"]) == ("function_call", "get_weather")


def test_create_agent_auto_picks_tools_when_the_profile_has_no_json_schema(
    endpoint: LocalEndpoint,
) -> None:
    llm = _model(endpoint, "local-no-json-schema")
    assert llm.profile is not None
    assert not llm.profile.get("structured_output")
    agent = create_agent(llm, [get_weather], response_format=Weather)
    out = agent.invoke(QUESTION)
    assert out["structured_response"].city == "Paris"
    assert all("text" not in body for body in endpoint.bodies())
    assert endpoint.bodies()[0]["tool_choice"] == "required"


def test_provider_strategy_forced_on_a_model_without_json_schema_still_answers(
    endpoint: LocalEndpoint,
) -> None:
    """The profile is right that the model cannot enforce a schema; forcing the provider
    strategy anyway adapts the request (a forced function call) instead of failing."""
    agent = create_agent(
        _model(endpoint, "local-no-json-schema"), [], response_format=ProviderStrategy(Weather)
    )
    out = agent.invoke({"messages": [("user", "In Paris it is 21 degrees.")]})
    assert out["structured_response"] == Weather(city="Paris", temperature_c=21)
    assert endpoint.last_body["tool_choice"] == {"type": "function", "name": "Weather"}


def test_a_tool_call_under_an_adapted_json_format_is_not_checked_as_json(
    endpoint: LocalEndpoint,
) -> None:
    """On a model without JSON schemas, the format becomes JSON mode; an agent's tool-calling
    step has no JSON to check and comes back as the tool call."""
    llm = _model(endpoint, "local-no-json-schema").bind_tools(
        [get_weather], response_format=Weather
    )
    answer = llm.invoke("What is the weather in Paris? Use get_weather.")
    assert endpoint.last_body["text"]["format"] == {"type": "json_object"}
    assert [c["name"] for c in answer.tool_calls] == ["get_weather"]


def test_a_profile_given_by_the_user_is_their_word_and_the_servers_refusal_is_typed(
    endpoint: LocalEndpoint,
) -> None:
    """A LangChain ``profile=`` the user gives is their word on the model: ``create_agent`` picks
    the provider strategy from it, the json_schema format is sent as asked (no adaptation behind
    the user's back), and the server's refusal comes back as a typed error naming the parameter,
    after one request."""
    llm = _model(
        endpoint, "local-no-json-schema", profile={"structured_output": True, "tool_calling": True}
    )
    agent = create_agent(llm, [], response_format=Weather)  # auto: the provider strategy
    sent_before = len(endpoint.bodies())
    with pytest.raises(OVHBadRequestError, match="json_schema") as info:
        agent.invoke({"messages": [("user", "In Paris it is 21 degrees.")]})
    assert "'text'" in str(info.value)
    assert len(endpoint.bodies()) == sent_before + 1
    assert endpoint.last_body["text"]["format"]["type"] == "json_schema"


@pytest.mark.parametrize("streaming", [False, True], ids=["invoke", "streamed"])
async def test_create_agent_tool_strategy_async(endpoint: LocalEndpoint, streaming: bool) -> None:
    agent = create_agent(
        _model(endpoint, streaming=streaming), [], response_format=ToolStrategy(Weather)
    )
    out = await agent.ainvoke({"messages": [("user", "In Paris it is 21 degrees.")]})
    assert out["structured_response"] == Weather(city="Paris", temperature_c=21)
    body = endpoint.bodies()[0]
    assert body["stream"] is streaming
    assert [t["name"] for t in body["tools"]] == ["Weather"]
    assert body["tool_choice"] == "required"
