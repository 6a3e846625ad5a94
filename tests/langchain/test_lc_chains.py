"""ChatOVHResponses in the LangChain programs people write: LCEL chains, streaming, structured
extraction, a two-tool agent loop, and retrieval with OVHEmbeddings."""

from __future__ import annotations

from typing import Any

from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import BaseTool, tool
from langchain_core.vectorstores import InMemoryVectorStore
from pydantic import BaseModel, Field

from langchain_ovh_responses import ChatOVHResponses, OVHEmbeddings
from ovh_responses.testing import LocalEndpoint


def _model(endpoint: LocalEndpoint, **kwargs: Any) -> ChatOVHResponses:
    return ChatOVHResponses(base_url=endpoint.base_url, **{"model": "local-chat", **kwargs})


def _embeddings(endpoint: LocalEndpoint, **kwargs: Any) -> OVHEmbeddings:
    return OVHEmbeddings(model="local-embedding", base_url=endpoint.base_url, **kwargs)


PROMPT = ChatPromptTemplate.from_messages(
    [("system", "You answer in one short sentence."), ("human", "Reply with exactly: {word}")]
)


def test_lcel_chain_prompt_model_parser(endpoint: LocalEndpoint) -> None:
    chain = PROMPT | _model(endpoint) | StrOutputParser()
    assert chain.invoke({"word": "bonjour"}) == "bonjour"
    assert endpoint.last_body["input"][0] == {
        "type": "message",
        "role": "system",
        "content": "You answer in one short sentence.",
    }


async def test_streaming_chain_yields_text_pieces(endpoint: LocalEndpoint) -> None:
    chain = PROMPT | _model(endpoint, output_version="v1") | StrOutputParser()
    pieces = [piece async for piece in chain.astream({"word": "streaming works fine"})]
    assert len([p for p in pieces if p]) > 1
    assert "".join(pieces) == "streaming works fine"


class Invoice(BaseModel):
    """An invoice."""

    customer: str = Field(description="Who is billed")
    total: float = Field(description="Amount due in euros")


def test_structured_output_chain(endpoint: LocalEndpoint) -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Extract the invoice."), ("human", "{text}")]
    )
    chain = prompt | _model(endpoint).with_structured_output(Invoice)
    invoice = chain.invoke({"text": "Invoice for ACME SARL, total due 120.50 euros."})
    assert isinstance(invoice, Invoice)
    assert endpoint.last_body["text"]["format"]["name"] == "Invoice"


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny and 24 degrees in {city}."


@tool
def get_population(city: str) -> str:
    """Get the population of a city."""
    return f"{city} has 2.1 million inhabitants."


def _agent(
    model: Any, tools: list[BaseTool], question: str, max_turns: int = 5
) -> list[BaseMessage]:
    """A plain tool-calling loop: call tools until the model answers in text."""
    by_name = {t.name: t for t in tools}
    messages: list[BaseMessage] = [HumanMessage(question)]
    for _ in range(max_turns):
        answer = model.invoke(messages)
        messages.append(answer)
        if not answer.tool_calls:
            return messages
        messages.extend(by_name[call["name"]].invoke(call) for call in answer.tool_calls)
    raise AssertionError("the agent did not finish")


def test_agent_loop_with_two_tools(endpoint: LocalEndpoint) -> None:
    tools: list[BaseTool] = [get_weather, get_population]
    model = _model(endpoint, model="local-reasoning", output_version="v1").bind_tools(tools)
    messages = _agent(model, tools, "Use get_weather and get_population for Paris.")
    tool_results = [m for m in messages if isinstance(m, ToolMessage)]
    assert sorted(m.name or "" for m in tool_results) == ["get_population", "get_weather"]
    final = messages[-1]
    assert isinstance(final, AIMessage)
    assert "sunny" in final.text or "million" in final.text
    second_turn = endpoint.bodies()[1]["input"]
    outputs = [i["call_id"] for i in second_turn if i["type"] == "function_call_output"]
    calls = [i["call_id"] for i in second_turn if i["type"] == "function_call"]
    assert outputs == calls
    assert len(calls) == 2


# ----- embeddings and retrieval --------------------------------------------------------------


def test_embeddings_sync_and_batched(endpoint: LocalEndpoint) -> None:
    texts = ["alpha", "beta", "gamma", "delta", "epsilon"]
    vectors = _embeddings(endpoint, batch_size=2).embed_documents(texts)
    assert len(vectors) == 5
    assert len({len(v) for v in vectors}) == 1
    batches = [body["input"] for body in endpoint.bodies("/v1/embeddings")]
    assert batches == [["alpha", "beta"], ["gamma", "delta"], ["epsilon"]]
    assert _embeddings(endpoint).embed_query("gamma") == vectors[2]


async def test_embeddings_async(endpoint: LocalEndpoint) -> None:
    embeddings = _embeddings(endpoint, batch_size=3)
    vectors = await embeddings.aembed_documents(["one", "two", "three", "four"])
    assert len(vectors) == 4
    assert len(endpoint.bodies("/v1/embeddings")) == 2
    assert await embeddings.aembed_query("two") == vectors[1]
    assert await embeddings.aembed_documents([]) == []


def test_in_memory_vector_store_retrieval_feeds_a_rag_chain(endpoint: LocalEndpoint) -> None:
    store = InMemoryVectorStore(_embeddings(endpoint))
    store.add_documents(
        [
            Document("The Eiffel Tower is in Paris and was finished in 1889."),
            Document("Bananas are rich in potassium."),
            Document("The Rhine flows through Strasbourg."),
        ]
    )
    retriever = store.as_retriever(search_kwargs={"k": 1})
    (best,) = retriever.invoke("When was the Eiffel Tower finished?")
    assert "1889" in best.page_content

    prompt = ChatPromptTemplate.from_messages(
        [("system", "Answer from this context:\n{context}"), ("human", "{question}")]
    )
    question = "When was the Eiffel Tower finished?"
    chain = prompt | _model(endpoint) | StrOutputParser()
    answer = chain.invoke({"context": best.page_content, "question": question})
    assert "1889" in answer
