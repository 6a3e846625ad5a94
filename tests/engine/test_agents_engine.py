"""Agents on the real engine, where its tiny model can do them: create_agent with a provider
strategy (guided JSON), and a LangGraph graph replaying its history on a second turn."""

from __future__ import annotations

from langchain.agents import create_agent
from langchain.agents.structured_output import ProviderStrategy
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import BaseModel

from langchain_ovh_responses import ChatOVHResponses


class Person(BaseModel):
    name: str
    age: int


def _llm(engine_url: str, model: str) -> ChatOVHResponses:
    return ChatOVHResponses(
        model=model, base_url=engine_url, api_key="unused", max_retries=0, max_tokens=200
    )


def test_create_agent_provider_strategy(engine_url: str, model: str) -> None:
    agent = create_agent(_llm(engine_url, model), [], response_format=ProviderStrategy(Person))
    out = agent.invoke({"messages": [("user", "Alice is 30 years old. Return JSON.")]})
    assert isinstance(out["structured_response"], Person)


def test_create_agent_two_turns_on_one_thread(engine_url: str, model: str) -> None:
    agent = create_agent(_llm(engine_url, model), [], checkpointer=InMemorySaver())
    thread = {"configurable": {"thread_id": "engine"}}
    agent.invoke({"messages": [("user", "Say hello.")]}, thread)
    out = agent.invoke({"messages": [("user", "Say goodbye.")]}, thread)
    assert [type(m).__name__ for m in out["messages"]] == [
        "HumanMessage",
        "AIMessage",
        "HumanMessage",
        "AIMessage",
    ]
