"""Function calling over real HTTP: the request's tools and tool_choice, a tool round trip,
predict_and_call, streamed tool calls, and LlamaIndex's agents."""

from __future__ import annotations

import json

import pytest
from llama_index.core.agent.workflow import (
    AgentOutput,
    AgentStream,
    AgentWorkflow,
    FunctionAgent,
    ReActAgent,
    ToolCallResult,
)
from llama_index.core.base.llms.types import ChatMessage, ToolCallBlock
from llama_index.core.tools import FunctionTool

from ovh_responses.errors import RequestRejected

CALLS: list[tuple[str, str]] = []


def get_weather(city: str) -> str:
    """Get the current weather of a city."""
    CALLS.append(("get_weather", city))
    return f"sunny and 21 degrees in {city}"


def get_population(city: str) -> str:
    """Get the number of inhabitants of a city."""
    CALLS.append(("get_population", city))
    return f"{city} has 2 million inhabitants"


async def aget_weather(city: str) -> str:
    return get_weather(city)


WEATHER = FunctionTool.from_defaults(fn=get_weather, async_fn=aget_weather)
POPULATION = FunctionTool.from_defaults(fn=get_population)
TOOLS = [WEATHER, POPULATION]


@pytest.fixture(autouse=True)
def _forget_calls():
    CALLS.clear()


# ----- the request -----------------------------------------------------------------------------


def test_tools_are_flat_function_tools(llm, endpoint):
    llm.chat_with_tools(TOOLS, user_msg="Use get_weather for Paris.")
    body = endpoint.bodies()[-1]
    assert [t["type"] for t in body["tools"]] == ["function", "function"]
    weather = body["tools"][0]
    assert weather["name"] == "get_weather"
    assert "function" not in weather  # not the chat-completions shape
    assert weather["parameters"]["properties"]["city"]["type"] == "string"
    assert body["parallel_tool_calls"] is False


def test_named_tool_choice_has_the_responses_shape(llm, endpoint):
    response = llm.chat_with_tools(TOOLS, user_msg="Hello there.", tool_choice="get_population")
    assert endpoint.bodies()[-1]["tool_choice"] == {"type": "function", "name": "get_population"}
    (selection,) = llm.get_tool_calls_from_response(response)
    assert selection.tool_name == "get_population"


def test_tool_required_sends_required(llm, endpoint):
    response = llm.chat_with_tools(TOOLS, user_msg="Hello there.", tool_required=True)
    assert endpoint.bodies()[-1]["tool_choice"] == "required"
    assert llm.get_tool_calls_from_response(response)


def test_chat_completions_shaped_tool_choice_is_converted(llm, endpoint):
    choice = {"type": "function", "function": {"name": "get_weather"}}
    llm.chat_with_tools(TOOLS, user_msg="Hi.", tool_choice=choice)
    assert endpoint.bodies()[-1]["tool_choice"] == {"type": "function", "name": "get_weather"}


def test_tool_choice_naming_an_unknown_tool_is_refused_before_sending(llm, endpoint):
    with pytest.raises(RequestRejected, match="get_stock"):
        llm.chat_with_tools(TOOLS, user_msg="Hi.", tool_choice="get_stock")
    assert endpoint.bodies() == []


def test_strict_tools_have_closed_schemas(llm, endpoint):
    llm.chat_with_tools(TOOLS, user_msg="Use get_weather for Oslo.", strict=True)
    tool = endpoint.bodies()[-1]["tools"][0]
    assert tool["strict"] is True
    assert tool["parameters"]["additionalProperties"] is False
    assert tool["parameters"]["required"] == ["city"]


def test_chat_history_is_not_mutated(llm):
    history = [ChatMessage(role="system", content="Be helpful.")]
    llm.chat_with_tools(TOOLS, user_msg="Use get_weather for Paris.", chat_history=history)
    assert len(history) == 1


def test_parallel_calls_are_kept_only_when_allowed(llm, endpoint):
    question = "Use get_weather and get_population for Paris."
    both = llm.chat_with_tools(TOOLS, user_msg=question, allow_parallel_tool_calls=True)
    assert endpoint.bodies()[-1]["parallel_tool_calls"] is True
    assert [s.tool_name for s in llm.get_tool_calls_from_response(both)] == [
        "get_weather",
        "get_population",
    ]
    one = llm.chat_with_tools(TOOLS, user_msg=question)
    assert len(llm.get_tool_calls_from_response(one)) == 1


def test_no_tool_call_is_an_error_only_when_asked(llm):
    response = llm.chat_with_tools(TOOLS, user_msg="Hello there.")
    assert llm.get_tool_calls_from_response(response, error_on_no_tool_call=False) == []
    with pytest.raises(ValueError, match="tool call"):
        llm.get_tool_calls_from_response(response)


# ----- round trips ----------------------------------------------------------------------------


def test_tool_round_trip(llm, endpoint):
    history = [ChatMessage(role="user", content="Use get_weather for Paris.")]
    response = llm.chat_with_tools(TOOLS, chat_history=history)
    (selection,) = llm.get_tool_calls_from_response(response)
    assert selection.tool_kwargs == {"city": "Paris"}
    output = get_weather(**selection.tool_kwargs)
    history += [
        response.message,
        ChatMessage(
            role="tool", content=output, additional_kwargs={"tool_call_id": selection.tool_id}
        ),
    ]
    final = llm.chat_with_tools(TOOLS, chat_history=history)
    assert "sunny and 21 degrees in Paris" in (final.message.content or "")
    items = endpoint.bodies()[-1]["input"]
    call, result = items[1], items[2]
    assert (call["type"], call["call_id"], json.loads(call["arguments"])) == (
        "function_call",
        selection.tool_id,
        {"city": "Paris"},
    )
    assert result == {
        "type": "function_call_output",
        "call_id": selection.tool_id,
        "output": output,
    }


def test_predict_and_call(llm):
    response = llm.predict_and_call(TOOLS, user_msg="Use get_population for Rome.")
    assert response.response == "Rome has 2 million inhabitants"
    assert CALLS == [("get_population", "Rome")]


async def test_apredict_and_call_with_parallel_calls(llm):
    response = await llm.apredict_and_call(
        TOOLS,
        user_msg="Use get_weather and get_population for Rome.",
        allow_parallel_tool_calls=True,
    )
    assert "sunny and 21 degrees in Rome" in response.response
    assert "Rome has 2 million inhabitants" in response.response


def test_streamed_tool_calls_accumulate(llm):
    chunks = list(llm.stream_chat_with_tools(TOOLS, user_msg="Use get_weather for Lisbon."))
    blocks = [[b for b in c.message.blocks if isinstance(b, ToolCallBlock)] for c in chunks]
    assert blocks[-1][0].tool_kwargs == {"city": "Lisbon"}
    partial = [b[0].tool_kwargs for b in blocks[:-1] if b]
    assert partial
    assert all(isinstance(p, str) for p in partial)
    assert json.loads(partial[-1]) == {"city": "Lisbon"}
    for chunk in chunks:  # readable at every step, as agents read them
        llm.get_tool_calls_from_response(chunk, error_on_no_tool_call=False)


async def test_async_streamed_tool_calls_match_sync(llm):
    question = "Use get_weather and get_population for Lisbon."
    chunks = [
        c
        async for c in await llm.astream_chat_with_tools(
            TOOLS, user_msg=question, allow_parallel_tool_calls=True
        )
    ]
    sync = list(
        llm.stream_chat_with_tools(TOOLS, user_msg=question, allow_parallel_tool_calls=True)
    )
    selections = llm.get_tool_calls_from_response(chunks[-1])
    assert [(s.tool_name, s.tool_kwargs) for s in selections] == [
        ("get_weather", {"city": "Lisbon"}),
        ("get_population", {"city": "Lisbon"}),
    ]
    assert [s.tool_name for s in llm.get_tool_calls_from_response(sync[-1])] == [
        s.tool_name for s in selections
    ]


# ----- agents ---------------------------------------------------------------------------------


async def test_function_agent_with_two_tools_in_parallel(llm, endpoint):
    agent = FunctionAgent(tools=TOOLS, llm=llm, allow_parallel_tool_calls=True)
    handler = agent.run("Use get_weather and get_population for Madrid.")
    tool_results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    answer = str(await handler)
    assert sorted(CALLS) == [("get_population", "Madrid"), ("get_weather", "Madrid")]
    assert len(tool_results) == 2
    assert "sunny and 21 degrees in Madrid" in answer
    assert "Madrid has 2 million inhabitants" in answer
    first = endpoint.bodies()[0]
    assert first["parallel_tool_calls"] is True
    assert first["stream"] is True


async def test_function_agent_streams_thinking(reasoning_llm):
    agent = FunctionAgent(tools=TOOLS, llm=reasoning_llm)
    handler = agent.run("Use get_weather for Berlin.")
    thinking = [
        e.thinking_delta
        async for e in handler.stream_events()
        if isinstance(e, AgentStream) and e.thinking_delta
    ]
    await handler
    assert thinking
    assert CALLS == [("get_weather", "Berlin")]


async def test_agent_workflow_hands_off(llm):
    weather_agent = FunctionAgent(
        name="weather", description="Knows the weather of cities.", tools=[WEATHER], llm=llm
    )
    root = FunctionAgent(
        name="root",
        description="Answers questions about cities.",
        tools=[POPULATION],
        llm=llm,
        can_handoff_to=["weather"],
    )
    workflow = AgentWorkflow(agents=[root, weather_agent], root_agent="root")
    handler = workflow.run(
        user_msg="Use handoff with to_agent: weather. Then use get_weather for Vienna."
    )
    events = [e async for e in handler.stream_events()]
    await handler
    handoffs = [e for e in events if isinstance(e, ToolCallResult) and e.tool_name == "handoff"]
    assert [h.tool_kwargs["to_agent"] for h in handoffs] == ["weather"]
    outputs = [e for e in events if isinstance(e, AgentOutput)]
    assert [o.current_agent_name for o in outputs] == ["root", "weather", "weather"]
    assert CALLS == [("get_weather", "Vienna")]


async def test_react_agent(llm):
    agent = ReActAgent(tools=TOOLS, llm=llm)
    answer = str(await agent.run("Use get_weather for Athens."))
    assert CALLS == [("get_weather", "Athens")]
    assert "sunny and 21 degrees in Athens" in answer


def test_required_tool_on_a_model_that_only_accepts_auto(make_llm, endpoint):
    llm = make_llm("local-tool-choice-auto-only")
    with pytest.warns(match="only accepts tool_choice 'auto'"):
        response = llm.chat_with_tools(
            TOOLS, user_msg="Use get_weather for Paris.", tool_required=True
        )
    assert endpoint.bodies()[-1]["tool_choice"] == "auto"
    assert [s.tool_name for s in llm.get_tool_calls_from_response(response)] == ["get_weather"]


def test_tool_options_without_tools_are_not_sent(llm, endpoint):
    llm.chat([ChatMessage(role="user", content="Hi")], tool_choice="auto", parallel_tool_calls=True)
    body = endpoint.bodies()[-1]
    assert "tool_choice" not in body
    assert "parallel_tool_calls" not in body
