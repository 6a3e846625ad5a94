"""The local endpoint's rule-based model answers the README's own prompts sensibly: tool
arguments come from the entity the prompt names, RAG answers from the retrieved text (not the
metadata frameworks put around it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from langchain_core.tools import tool
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent

from langchain_ovh_responses import ChatOVHResponses
from llama_index_ovh_responses import OVHEmbedding, OVHResponses

if TYPE_CHECKING:
    from ovh_responses.testing import LocalEndpoint


@tool
def get_weather(city: str) -> str:
    """Current weather in a city."""
    return f"Sunny in {city}"


@pytest.mark.parametrize(
    ("prompt", "city"),
    [
        ("What's the weather in Lyon?", "Lyon"),
        ("What\u2019s the weather in New York today?", "New York"),
        ("Don't guess: how is the weather in Paris?", "Paris"),
    ],
)
def test_tool_arguments_are_the_named_entity(
    prompt: str, city: str, endpoint: LocalEndpoint
) -> None:
    llm = ChatOVHResponses(model="gpt-oss-120b", base_url=endpoint.base_url)
    (call,) = llm.bind_tools([get_weather]).invoke(prompt).tool_calls
    assert (call["name"], call["args"]) == ("get_weather", {"city": city})


def test_rag_answers_from_the_text_not_the_file_metadata(endpoint: LocalEndpoint) -> None:
    text = (
        "With an API key, each project may send 400 requests per minute and per model. "
        "Without a key, the anonymous tier allows 2 requests per minute per IP and model."
    )
    document = Document(
        text="# Rate limits\n\n" + text,
        metadata={"file_path": "/home/me/guide/rate_limits.md", "file_name": "rate_limits.md"},
    )
    llm = OVHResponses(model="gpt-oss-120b", api_base=endpoint.base_url)
    embed = OVHEmbedding(model_name="bge-m3", api_base=endpoint.base_url)
    index = VectorStoreIndex.from_documents([document], embed_model=embed)
    engine = index.as_query_engine(llm=llm)
    answer = str(engine.query("What does the guide say about rate limits per minute?"))
    assert "400 requests per minute" in answer
    assert "file_path" not in answer
    assert "# Rate limits" not in answer


async def test_the_agent_passes_the_city_it_was_asked_about(endpoint: LocalEndpoint) -> None:
    def weather(city: str) -> str:
        """Get the current weather of a city."""
        return f"Sunny in {city}"

    llm: Any = OVHResponses(model="gpt-oss-120b", api_base=endpoint.base_url)
    agent = FunctionAgent(tools=[weather], llm=llm)
    assert "Sunny in Paris" in str(await agent.run("What's the weather in Paris?"))
