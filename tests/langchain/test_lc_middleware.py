"""create_agent's middleware that touches the model, over HTTP: call limits, fallback on our
typed errors, summarization (token counts and the profile's context window) and
human-in-the-loop interrupts."""

from __future__ import annotations

from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import (
    HumanInTheLoopMiddleware,
    ModelCallLimitMiddleware,
    ModelFallbackMiddleware,
    SummarizationMiddleware,
)
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses.testing import LocalEndpoint, ServerErrorFault

RAN: list[str] = []


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    RAN.append(city)
    return f"It is 21 degrees in {city}."


QUESTION = {"messages": [("user", "What is the weather in Paris? Use get_weather.")]}


def _model(endpoint: LocalEndpoint, model: str = "local-chat", **kw: Any) -> ChatOVHResponses:
    return ChatOVHResponses(model=model, base_url=endpoint.base_url, **kw)


def test_model_call_limit_ends_the_run(endpoint: LocalEndpoint) -> None:
    agent = create_agent(
        _model(endpoint), [get_weather], middleware=[ModelCallLimitMiddleware(run_limit=1)]
    )
    out = agent.invoke(QUESTION)
    assert len(endpoint.bodies()) == 1
    assert "limit" in out["messages"][-1].text.lower()


def test_model_fallback_on_a_server_error(endpoint: LocalEndpoint) -> None:
    endpoint.inject(ServerErrorFault(status=503))
    backup = _model(endpoint, "Mistral-Small-3.2-24B-Instruct-2506")
    agent = create_agent(
        _model(endpoint, max_retries=0), [], middleware=[ModelFallbackMiddleware(backup)]
    )
    out = agent.invoke({"messages": [("user", "Reply with exactly: from the backup")]})
    assert out["messages"][-1].text == "from the backup"
    assert [b["model"] for b in endpoint.bodies()] == [
        "local-chat",
        "Mistral-Small-3.2-24B-Instruct-2506",
    ]


def test_summarization_uses_the_profile_window_and_token_counts(endpoint: LocalEndpoint) -> None:
    llm = _model(endpoint)  # local-chat: an 8192-token window in its profile
    assert llm.profile is not None
    assert llm.profile["max_input_tokens"] == 8192
    history: list[Any] = []
    for i in range(6):
        history += [HumanMessage(f"note {i}: " + "word " * 800), AIMessage(f"noted {i}")]
    history.append(HumanMessage("Reply with exactly: summarized"))
    assert llm.get_num_tokens_from_messages(history) > 8192 * 0.5
    agent = create_agent(
        llm,
        [],
        middleware=[SummarizationMiddleware(llm, trigger=("fraction", 0.5), keep=("messages", 1))],
    )
    out = agent.invoke({"messages": history})
    assert out["messages"][-1].text == "summarized"
    summary_request, answer_request = endpoint.bodies()
    assert "noted 5" in str(summary_request["input"])  # the history went to be summarized
    assert "note 0" not in str(answer_request["input"])
    assert "noted 5" not in str(answer_request["input"])
    assert "Reply with exactly: summarized" in str(answer_request["input"])


def test_human_in_the_loop_interrupts_before_the_tool_and_resumes(
    endpoint: LocalEndpoint,
) -> None:
    RAN.clear()
    agent = create_agent(
        _model(endpoint),
        [get_weather],
        middleware=[HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})],
        checkpointer=InMemorySaver(),
    )
    thread = {"configurable": {"thread_id": "hitl"}}
    paused = agent.invoke(QUESTION, thread)
    assert "__interrupt__" in paused
    assert RAN == []
    assert len(endpoint.bodies()) == 1
    done = agent.invoke(Command(resume={"decisions": [{"type": "approve"}]}), thread)
    assert RAN == ["Paris"]
    assert "21 degrees in Paris" in done["messages"][-1].text
    assert len(endpoint.bodies()) == 2
