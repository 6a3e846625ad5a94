"""LangGraph: a ``StateGraph`` with a ``ToolNode`` and a checkpointer, several turns on one
thread (the replayed history, reasoning included, goes back to the server), and its stream
modes, over HTTP."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses.testing import LocalEndpoint


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"It is 21 degrees in {city}."


def _graph(endpoint: LocalEndpoint, **kw: Any) -> Any:
    llm = ChatOVHResponses(
        model="gpt-oss-120b", base_url=endpoint.base_url, output_version="v1", **kw
    ).bind_tools([get_weather])

    def agent(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [llm.invoke(state["messages"])]}

    async def aagent(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [await llm.ainvoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent, afunc=aagent)  # type: ignore[call-overload]
    graph.add_node("tools", ToolNode([get_weather]))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition)
    graph.add_edge("tools", "agent")
    return graph.compile(checkpointer=InMemorySaver())


def _kinds(body: dict[str, Any]) -> list[str]:
    return [item.get("role") or item["type"] for item in body["input"]]


WEATHER = {"messages": [("user", "What is the weather in Paris? Use get_weather.")]}
THANKS = {"messages": [("user", "Reply with exactly: thanks")]}
THREAD = {"configurable": {"thread_id": "one"}}


def _assert_two_turns(endpoint: LocalEndpoint, out: dict[str, Any]) -> None:
    assert out["messages"][-1].text == "thanks"
    assert len(out["messages"]) == 6  # user, call, tool, answer, user, answer
    bodies = endpoint.bodies()
    assert [_kinds(b) for b in bodies] == [
        ["user"],
        ["user", "reasoning", "function_call", "function_call_output"],
        [
            "user",
            "reasoning",
            "function_call",
            "function_call_output",
            "reasoning",
            "assistant",
            "user",
        ],
    ]
    assert all(b["store"] is False and "previous_response_id" not in b for b in bodies)
    call = bodies[1]["input"][2]
    output = bodies[1]["input"][3]
    assert (call["name"], call["arguments"]) == ("get_weather", '{"city": "Paris"}')
    assert output == {
        "type": "function_call_output",
        "call_id": call["call_id"],
        "output": "It is 21 degrees in Paris.",
    }


def test_graph_with_tool_node_and_checkpointer_over_two_turns(endpoint: LocalEndpoint) -> None:
    app = _graph(endpoint)
    first = app.invoke(WEATHER, THREAD)
    assert "21 degrees in Paris" in first["messages"][-1].text
    _assert_two_turns(endpoint, app.invoke(THANKS, THREAD))


async def test_graph_async_over_two_turns(endpoint: LocalEndpoint) -> None:
    app = _graph(endpoint)
    await app.ainvoke(WEATHER, THREAD)
    _assert_two_turns(endpoint, await app.ainvoke(THANKS, THREAD))


def test_stream_mode_updates_names_each_node_in_order(endpoint: LocalEndpoint) -> None:
    updates = list(_graph(endpoint).stream(WEATHER, THREAD, stream_mode="updates"))
    steps = [(node, type(update["messages"][0])) for u in updates for node, update in u.items()]
    assert steps == [("agent", AIMessage), ("tools", ToolMessage), ("agent", AIMessage)]
    assert len(endpoint.bodies()) == 2


async def test_stream_mode_messages_gives_call_chunks_then_tokens(
    endpoint: LocalEndpoint,
) -> None:
    app = _graph(endpoint, streaming=True)
    seen: list[tuple[str, str]] = []
    async for chunk, meta in app.astream(WEATHER, THREAD, stream_mode="messages"):
        if isinstance(chunk, ToolMessage):
            seen.append(("tool", chunk.text))
        elif isinstance(chunk, AIMessageChunk):
            seen.extend(("call", str(tc["args"])) for tc in chunk.tool_call_chunks)
            if chunk.text:
                seen.append(("token", chunk.text))
            assert meta["langgraph_node"] == "agent"
    kinds = [kind for kind, _ in seen]
    first_tool = kinds.index("tool")
    assert set(kinds[:first_tool]) == {"call"}
    assert "".join(text for kind, text in seen[:first_tool]) == '{"city": "Paris"}'
    tokens = [text for kind, text in seen[first_tool + 1 :] if kind == "token"]
    assert len(tokens) > 1
    assert "21 degrees in Paris" in "".join(tokens)
    assert all(b["stream"] is True for b in endpoint.bodies())
