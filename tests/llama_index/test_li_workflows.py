"""LlamaIndex workflows and agents over HTTP: FunctionAgent with ``output_cls``, ReActAgent on a
reasoning model, memory carried across runs, AgentWorkflow hand-offs, structured LLMs that
stream, and parallel tool calls streamed."""

from __future__ import annotations

import pytest
from llama_index.core.agent.workflow import (
    AgentOutput,
    AgentWorkflow,
    FunctionAgent,
    ReActAgent,
    ToolCallResult,
)
from llama_index.core.llms import ChatMessage
from llama_index.core.memory import Memory
from llama_index.core.tools import FunctionTool
from llama_index.core.workflow import Context
from pydantic import BaseModel, Field

from llama_index_ovh_responses import OVHResponses
from ovh_responses.testing import LocalEndpoint


class Weather(BaseModel):
    """The weather in a city."""

    city: str = Field(description="The city")
    temperature_c: int = Field(description="Temperature in degrees Celsius")


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"It is 21 degrees in {city}."


def get_population(city: str) -> str:
    """Get the population of a city."""
    return f"{city} has 2 million inhabitants."


WEATHER = FunctionTool.from_defaults(get_weather)
POPULATION = FunctionTool.from_defaults(get_population)
QUESTION = "What is the weather in Paris? Use get_weather."


async def test_function_agent_with_output_cls(make_llm, endpoint: LocalEndpoint) -> None:
    agent = FunctionAgent(tools=[WEATHER], llm=make_llm(), output_cls=Weather)
    result = await agent.run(QUESTION)
    assert [c.tool_name for c in result.tool_calls] == ["get_weather"]
    assert result.get_pydantic_model(Weather) == Weather(city="Paris", temperature_c=21)
    bodies = endpoint.bodies()
    assert len(bodies) == 3  # the call, the answer, the structured answer
    assert bodies[-1]["text"]["format"]["name"] == "Weather"
    assert all(b["store"] is False for b in bodies)


async def test_react_agent_never_parses_reasoning(make_llm, endpoint: LocalEndpoint) -> None:
    """gpt-oss reasons before each step; only the answer text reaches the ReAct parser."""
    agent = ReActAgent(tools=[WEATHER], llm=make_llm("gpt-oss-120b"))
    result = await agent.run(QUESTION)
    assert [(c.tool_name, c.tool_kwargs) for c in result.tool_calls] == [
        ("get_weather", {"city": "Paris"})
    ]
    answer = str(result.response.content)
    assert "21 degrees in Paris" in answer
    assert "The user asks" not in answer  # the reasoning text of the local model
    assert all("tools" not in b for b in endpoint.bodies())  # ReAct speaks text


async def test_memory_is_carried_across_runs(make_llm, endpoint: LocalEndpoint) -> None:
    agent = FunctionAgent(tools=[WEATHER], llm=make_llm())
    memory = Memory.from_defaults(session_id="one", token_limit=40000)
    await agent.run(QUESTION, memory=memory)
    second = await agent.run("Reply with exactly: noted", memory=memory)
    assert str(second.response.content) == "noted"
    last = endpoint.bodies()[-1]["input"]
    roles = [item.get("role") or item["type"] for item in last]
    assert roles[-1] == "user"
    assert roles == ["user", "function_call", "function_call_output", "assistant", "user"]


def _root_and_weather(llm: OVHResponses, weather_hands_off_to: list[str]) -> AgentWorkflow:
    """A root agent that can hand off to a weather agent, each with its own tool."""
    weather = FunctionAgent(
        name="weather",
        description="Knows the weather of cities.",
        system_prompt="You answer weather questions.",
        tools=[WEATHER],
        llm=llm,
        can_handoff_to=weather_hands_off_to,
    )
    root = FunctionAgent(
        name="root",
        description="Answers questions about cities.",
        tools=[POPULATION],
        llm=llm,
        can_handoff_to=["weather"],
    )
    return AgentWorkflow(agents=[root, weather], root_agent="root")


async def test_agent_workflow_hands_off_and_the_next_run_stays_with_the_agent(
    make_llm, endpoint: LocalEndpoint
) -> None:
    workflow = _root_and_weather(make_llm(), [])
    ctx = Context(workflow)
    first = await workflow.run(user_msg="Use handoff with to_agent: weather.", ctx=ctx)
    assert first.current_agent_name == "weather"
    second = await workflow.run(user_msg=QUESTION, ctx=ctx)
    assert second.current_agent_name == "weather"
    assert [c.tool_name for c in second.tool_calls] == ["get_weather"]
    assert "21 degrees in Paris" in str(second.response.content)
    tools_sent = [sorted(t["name"] for t in b.get("tools", [])) for b in endpoint.bodies()]
    assert tools_sent[0] == ["get_population", "handoff"]
    assert tools_sent[-1] == ["get_weather"]


@pytest.mark.parametrize("weather_hands_off_to", [[], ["root"]], ids=["one-way", "both-ways"])
async def test_agent_workflow_hands_off_and_the_next_agent_calls_its_tool_in_the_same_run(
    make_llm, endpoint: LocalEndpoint, weather_hands_off_to: list[str]
) -> None:
    workflow = _root_and_weather(make_llm(), weather_hands_off_to)
    asked = "Use handoff with to_agent: weather, then get_weather for Oslo."
    handler = workflow.run(user_msg=asked)
    events = [event async for event in handler.stream_events()]
    result = await handler
    done = [(e.tool_name, e.tool_kwargs) for e in events if isinstance(e, ToolCallResult)]
    assert [name for name, _ in done] == ["handoff", "get_weather"]
    assert done[0][1]["to_agent"] == "weather"
    assert done[1][1] == {"city": "Oslo"}
    agents = [e.current_agent_name for e in events if isinstance(e, AgentOutput)]
    assert agents == ["root", "weather", "weather"]
    assert result.current_agent_name == "weather"
    assert "21 degrees in Oslo" in str(result.response.content)
    bodies = endpoint.bodies()
    assert len(bodies) == 3
    tools_sent = [sorted(t["name"] for t in b["tools"]) for b in bodies]
    weather_tools = sorted(["get_weather", *(["handoff"] if weather_hands_off_to else [])])
    assert tools_sent == [["get_population", "handoff"], weather_tools, weather_tools]
    kinds = ("function_call", "function_call_output")
    handed = [i for i in bodies[1]["input"] if i["type"] in kinds]
    assert [i["type"] for i in handed] == list(kinds)
    assert handed[0]["name"] == "handoff"
    assert all(b["store"] is False for b in bodies)


def test_structured_llm_stream_chat_yields_partials_then_the_whole(make_llm) -> None:
    structured = make_llm().as_structured_llm(Weather)
    chunks = list(structured.stream_chat([ChatMessage(role="user", content="Paris: 21 degrees.")]))
    assert len(chunks) > 1
    partial = [chunk.raw for chunk in chunks[:-1]]
    assert all(isinstance(raw, BaseModel) for raw in partial)  # LlamaIndex's partial model
    assert partial[0].model_dump() == {"city": None, "temperature_c": None}
    assert type(chunks[-1].raw) is Weather
    assert chunks[-1].raw == Weather(city="Paris", temperature_c=21)


async def test_astream_chat_with_tools_parallel_round_trip(make_llm, endpoint) -> None:
    llm = make_llm()
    history = [ChatMessage(role="user", content="Use get_weather and get_population for Rome.")]
    stream = await llm.astream_chat_with_tools(
        [WEATHER, POPULATION], chat_history=history, allow_parallel_tool_calls=True
    )
    last = None
    async for last in stream:  # noqa: B007
        pass
    assert last is not None
    calls = llm.get_tool_calls_from_response(last, error_on_no_tool_call=True)
    assert sorted((c.tool_name, c.tool_kwargs["city"]) for c in calls) == [
        ("get_population", "Rome"),
        ("get_weather", "Rome"),
    ]
    history.append(last.message)
    for call in calls:
        tool = WEATHER if call.tool_name == "get_weather" else POPULATION
        history.append(
            ChatMessage(
                role="tool",
                content=str(tool(**call.tool_kwargs)),
                additional_kwargs={"tool_call_id": call.tool_id, "name": call.tool_name},
            )
        )
    answer = await llm.achat_with_tools(
        [WEATHER, POPULATION], chat_history=history, allow_parallel_tool_calls=True
    )
    assert "21 degrees in Rome" in str(answer.message.content)
    assert "2 million inhabitants" in str(answer.message.content)
    outputs = [i for i in endpoint.last_body["input"] if i["type"] == "function_call_output"]
    assert len(outputs) == 2


async def test_structured_llm_astream_chat_ends_with_the_whole(make_llm) -> None:
    structured = make_llm().as_structured_llm(Weather)
    stream = await structured.astream_chat([ChatMessage(role="user", content="Rome: 25 degrees.")])
    chunks = [chunk async for chunk in stream]
    assert len(chunks) > 1
    assert all(isinstance(chunk.raw, BaseModel) for chunk in chunks)
    assert chunks[-1].raw == Weather(city="Rome", temperature_c=25)
